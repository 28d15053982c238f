"""The local backend: a newsgrep index on this machine's disk, read through Whoosh.

One Whoosh searcher is kept open between searches (opening a large index costs more than searching it)
and reopened when a commit or a rebuild changes the index.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import classify, collectors
from whoosh import query as wq
from whoosh.reading import TermNotFound

from newsgrep.search import vector_path
from newsgrep.search.backend import Candidate, Candidates, CollectionStats, Ref
from newsgrep.search.limits import GRACE
from newsgrep.search.timed_matchers import Clock, TimedSearcher
from newsgrep.store.layout import IndexDir
from newsgrep.store.manifest import Manifest
from newsgrep.store.schema import F, StoredArticle


class LocalBackend:
    def __init__(self, index: IndexDir, weighting):
        self.index = index
        self.weighting = weighting  # Whoosh's BM25F with the ranking's k1 and b
        self._searcher: Any = None  # a whoosh.searching.Searcher
        self._generation: Path | None = None
        self._scorer: Any = None  # the searcher's numpy scorer (newsgrep.search.vector_scores), made when first used
        self.vector_searches = 0  # searches that took the numpy path (newsgrep.search.vector_path)
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
        self._scorer = None
        self._generation = generation
        return True

    def building(self) -> bool:
        return self.index.building()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._scorer = None

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
        seconds: float | None = None,
    ) -> Candidates:
        searcher = self._searcher
        if stats is not None:  # a shard's: scores with the whole collection's statistics
            from newsgrep.search.global_scoring import weighting_for

            searcher = searcher.__class__(searcher.reader(), weighting_for(stats, self.weighting), closereader=False)
        mask = {d for i in exclude for d in searcher.document_numbers(**{F.ID: i})} if exclude else None
        if stats is None and sort == "relevance" and vector_path.enabled():
            words = vector_path.plain_words(query, searcher.schema)
            if words is not None:
                return self._vector_candidates(query, words, limit, mask)
        started = time.monotonic()
        timed_out = False

        def run(q, **options):
            nonlocal timed_out
            left = None if seconds is None else seconds - (time.monotonic() - started)
            if left is not None and left <= 0:
                timed_out = True
                return searcher.search(wq.NullQuery, limit=limit)
            found, out = _search_within(searcher, q, left, limit=limit, mask=mask, **options)
            timed_out = timed_out or out
            return found

        if sort in ("date", "-date"):  # newest first, or oldest first; undated ones after the dated
            dated = wq.And([query, wq.DateRange(F.DATE, None, None)])
            found = run(dated, sortedby=F.DATE, reverse=sort == "date")
            if found.scored_length() < limit:  # then the undated ones, by relevance
                found.upgrade_and_extend(run(query))
        else:
            found = run(query)
        hits = [Candidate(hit.docnum, hit.score or 0.0, StoredArticle.from_fields(hit.fields())) for hit in found]
        if found.scored_length() < limit and not timed_out:
            return Candidates(hits, found.scored_length())
        # not found.estimated_length(): Whoosh then counts exactly, running the query a second time
        total = max(found.q.estimate_size(searcher.reader()), found.scored_length())
        return Candidates(hits, total, True, timed_out=timed_out)

    def _vector_candidates(self, query: wq.Query, words, limit: int, mask: set[int] | None) -> Candidates:
        """The numpy path (newsgrep.search.vector_path): Whoosh's results for a plain word query. It is not
        stopped by a time limit: its cost is bounded by the words' postings, which it reads once."""
        from newsgrep.search.vector_scores import VectorScorer

        searcher = self._searcher
        if self._scorer is None:
            self._scorer = VectorScorer(searcher)
        self.vector_searches += 1
        best, matched = vector_path.best(searcher, self._scorer, query, words, limit, mask)
        hits = [Candidate(d, score, StoredArticle.from_fields(searcher.stored_fields(d))) for d, score in best]
        if matched < limit:
            return Candidates(hits, matched)
        # as the Whoosh path says it (an estimate), so that both paths give the same result
        return Candidates(hits, max(query.estimate_size(searcher.reader()), len(hits)), True)

    def count(self, query: wq.Query, cap: int, seconds: float | None = None) -> int:
        # Matching without scoring (docs_for_query skips deleted documents): what a count needs.
        searcher = self._searcher if seconds is None else TimedSearcher.over(self._searcher, seconds)
        found = 0
        try:
            for _ in searcher.docs_for_query(query):
                found += 1
                if found >= cap:
                    break
        except collectors.TimeLimit:
            pass
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

    def doc_frequencies(self, fieldname: str, terms: Iterable[str], seconds: float | None = None) -> dict[str, int]:
        reader = self._searcher.reader()
        found: dict[str, int] = {}
        with _on_the_clock(seconds) as tick:
            for term in terms:
                tick()
                found[term] = reader.doc_frequency(fieldname, term)
        return found

    def expand(self, query: wq.Query, fieldname: str, seconds: float | None = None) -> set[str]:
        reader = self._searcher.reader()
        found: set[str] = set()
        with _on_the_clock(seconds) as tick:
            for leaf in query.leaves():
                if isinstance(leaf, wq.MultiTerm):  # a walk through the index's words, one at a time on the clock
                    terms = leaf.expanded_terms(reader, phrases=False)
                else:
                    terms = leaf.existing_terms(reader, phrases=False, expand=True)
                for name, text in terms:
                    tick()
                    if name == fieldname:
                        found.add(text.decode("utf-8") if isinstance(text, bytes) else text)
        return found

    def positions_of(self, fieldname: str, terms: list[str], refs: list[Ref]) -> dict[str, dict[Ref, list[int]]]:
        return {term: self.positions(fieldname, term, refs) for term in terms}

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


@contextmanager
def _on_the_clock(seconds: float | None):
    """A `tick()` to call at each step of a walk that must end after `seconds` (None: never): the walk
    ends quietly, with what it found, at the first step past them."""
    if seconds is None:
        yield lambda: None
        return
    try:
        yield Clock(seconds).tick
    except collectors.TimeLimit:
        pass


def _search_within(searcher, query: wq.Query, seconds: float | None, **options):
    """Whoosh's search, stopped after `seconds` (None: never) with the best documents found until then
    (at least `limit` of them when as many match): (results, whether the time ran out)."""
    collector = searcher.collector(**options)
    if seconds is None:
        searcher.search_with_collector(query, collector)
        return collector.results(), False
    seconds = max(seconds, 0.001)
    # Past `seconds` the collector stops once it has `limit` documents; past a tenth more, the matchers do.
    searcher = TimedSearcher.over(searcher, seconds * (1 + GRACE))
    limited = _TimeLimit(collector, seconds, options.get("limit") or 1)
    try:
        searcher.search_with_collector(query, limited)
    except collectors.TimeLimit:
        limited.finish()
        return collector.results(), True
    return collector.results(), False


class _TimeLimit(collectors.TimeLimitCollector):
    """Whoosh's TimeLimitCollector (checking the time between matches, no SIGALRM: searches also run in
    the web server's threads) that stops only once it has collected `least` documents, or when the
    matchers' own clock (newsgrep.search.timed_matchers) runs out: building a large query's matchers can
    take most of the budget, and a search that runs out returns what it found."""

    def __init__(self, child, timelimit: float, least: int):
        super().__init__(child, timelimit, use_alarm=False)
        self.least, self.collected = least, 0

    def collect_matches(self):
        child = self.child
        for sub_docnum in child.matches():
            if self.timedout and self.collected >= self.least:
                raise collectors.TimeLimit
            child.collect(sub_docnum)
            self.collected += 1
