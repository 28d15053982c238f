"""The local backend: a newsgrep index on this machine's disk, read through Whoosh.

One Whoosh searcher is kept open between searches (opening a large index costs more than searching it)
and reopened when a commit or a rebuild changes the index.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import classify
from whoosh import query as wq
from whoosh.reading import TermNotFound

from newsgrep.search.backend import Candidate, Candidates, CollectionStats, Ref
from newsgrep.store.layout import IndexDir
from newsgrep.store.manifest import Manifest
from newsgrep.store.schema import F, StoredArticle


class LocalBackend:
    def __init__(self, index: IndexDir, weighting):
        self.index = index
        self.weighting = weighting  # Whoosh's BM25F with the ranking's k1 and b
        self._searcher: Any = None  # a whoosh.searching.Searcher
        self._generation: Path | None = None
        self.refresh()

    @property
    def schema(self):
        return self._searcher.schema

    def refresh(self) -> bool:
        generation = self.index.current()
        if self._searcher is not None:
            try:
                if generation == self._generation and self._searcher.up_to_date():
                    return False
            except OSError:
                pass
            self._searcher.close()
        self._searcher = self.index.open_whoosh().searcher(weighting=self.weighting)
        self._generation = generation
        return True

    def building(self) -> bool:
        return self.index.building()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    # articles for a query ------------------------------------------------------------------------
    def statistics(self, query: wq.Query) -> CollectionStats | None:
        return None  # Whoosh's own statistics are this index's

    def candidates(
        self,
        query: wq.Query,
        limit: int,
        *,
        stats: CollectionStats | None = None,
        sort: str = "relevance",
        exclude: frozenset[str] = frozenset(),
    ) -> Candidates:
        searcher = self._searcher
        if stats is not None:  # a shard's: scores with the whole collection's statistics
            from newsgrep.search.global_scoring import weighting_for

            searcher = searcher.__class__(searcher.reader(), weighting_for(stats, self.weighting), closereader=False)
        mask = {d for i in exclude for d in searcher.document_numbers(**{F.ID: i})} if exclude else None
        if sort in ("date", "-date"):  # newest first, or oldest first; undated ones after the dated
            dated = wq.And([query, wq.DateRange(F.DATE, None, None)])
            found = searcher.search(dated, limit=limit, sortedby=F.DATE, reverse=sort == "date", mask=mask)
            if found.scored_length() < limit:  # then the undated ones, by relevance
                found.upgrade_and_extend(searcher.search(query, limit=limit, mask=mask))
        else:
            found = searcher.search(query, limit=limit, mask=mask)
        hits = [Candidate(hit.docnum, hit.score or 0.0, StoredArticle.from_fields(hit.fields())) for hit in found]
        if found.scored_length() < limit:
            return Candidates(hits, found.scored_length())
        # not found.estimated_length(): Whoosh then counts exactly, running the query a second time
        return Candidates(hits, max(found.q.estimate_size(searcher.reader()), found.scored_length()), True)

    def count(self, query: wq.Query, cap: int) -> int:
        # Matching without scoring (docs_for_query skips deleted documents): what a count needs.
        found = 0
        for _ in self._searcher.docs_for_query(query):
            found += 1
            if found >= cap:
                break
        return found

    def count_by(self, query: wq.Query, fieldname: str) -> dict[str, int]:
        from whoosh import sorting

        facet = sorting.FieldFacet(fieldname, maptype=sorting.Count)
        groups = self._searcher.search(query, limit=1, groupedby={fieldname: facet}).groups(fieldname)
        return {(name.decode() if isinstance(name, bytes) else name) or "": n for name, n in groups.items()}

    def dates(self, query: wq.Query) -> list[dt.datetime | None]:
        """Read from the date column segment by segment: Whoosh's multi-segment column reader leaves out
        segments without a date column (every article in them undated) and then maps the documents
        after them to the wrong segment."""
        from whoosh.util.times import long_to_datetime

        docnums = sorted(self._searcher.docs_for_query(query))
        found: list[dt.datetime | None] = []
        for sub, offset in self._searcher.leaf_searchers():  # [(subsearcher, first docnum)], in docnum order
            start = bisect.bisect_left(docnums, offset)
            mine = docnums[start : bisect.bisect_left(docnums, offset + sub.doc_count_all())]
            if not mine:
                continue
            column = sub.reader().column_reader(F.DATE, translate=False)
            for docnum in mine:
                try:
                    when = long_to_datetime(column[docnum - offset])
                except (OverflowError, TypeError, ValueError):
                    when = None
                found.append(when if when is not None and when.year > 1 else None)  # year 1: the column's filler
        return found

    # statistics and postings -----------------------------------------------------------------------
    def doc_count(self) -> int:
        return self._searcher.reader().doc_count_all()

    def doc_frequencies(self, fieldname: str, terms: Iterable[str]) -> dict[str, int]:
        reader = self._searcher.reader()
        return {term: reader.doc_frequency(fieldname, term) for term in terms}

    def expand(self, query: wq.Query, fieldname: str) -> set[str]:
        return {
            text.decode("utf-8") if isinstance(text, bytes) else text
            for field, text in query.existing_terms(self._searcher.reader(), phrases=False, expand=True)
            if field == fieldname
        }

    def positions(self, fieldname: str, term: str, refs: list[Ref]) -> dict[Ref, list[int]]:
        """Skipping along the term's postings to each document (in docnum order)."""
        try:
            matcher = self._searcher.reader().postings(fieldname, term)
        except TermNotFound:
            return {}
        found: dict[Ref, list[int]] = {}
        for docnum in sorted(refs):  # type: ignore[type-var]
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                found[docnum] = matcher.value_as("positions")
        return found

    # stored articles ---------------------------------------------------------------------------------
    def stored(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        found = {}
        for article_id in ids:
            fields = self._searcher.document(**{F.ID: article_id})
            if fields is not None:
                found[article_id] = StoredArticle.from_fields(fields)
        return found

    def stored_by_file(self, path: str) -> list[StoredArticle]:
        searcher = self._searcher
        return [
            StoredArticle.from_fields(searcher.stored_fields(d))
            for d in sorted(searcher.document_numbers(**{F.FILE: path}))
        ]

    def first_match(self, query: wq.Query) -> StoredArticle | None:
        for docnum in self._searcher.docs_for_query(query):
            return StoredArticle.from_fields(self._searcher.stored_fields(docnum))
        return None

    def copies(self, ids: list[str]) -> dict[str, list[str]]:
        with Manifest(self.index.manifest_path(self._generation), readonly=True) as manifest:
            return manifest.copies(ids)

    # vocabulary ------------------------------------------------------------------------------------
    def key_terms(self, fieldname: str, text: str, count: int) -> list[tuple[str, float]]:
        return self._searcher.key_terms_from_text(
            fieldname, text, numterms=count, model=classify.Bo1Model, normalize=True
        )

    def corrections(self, fieldname: str, text: str, *, limit: int, maxdist: int, prefix: int) -> list[str]:
        return self._searcher.corrector(fieldname).suggest(text, limit=limit, maxdist=maxdist, prefix=prefix)
