"""The sharded backend: a set of shards (each an ordinary newsgrep index) searched as one index.

Every question goes to every shard at once (through a `ShardPool`: in this process, or to Dask actors
on a cluster) and the answers are merged. Scores use the whole collection's statistics: they are
gathered from every shard and summed first, then each shard scores with them (Elasticsearch's
dfs_query_then_fetch), so that the hits, their order and their scores are those of one index. A shard
that does not answer within its time budget is left out and counted in `missing`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from whoosh import classify
from whoosh import query as wq

from newsgrep.search.backend import Candidate, Candidates, CollectionStats, Ref
from newsgrep.store import duplicates
from newsgrep.store.layout import shard_of
from newsgrep.store.schema import StoredArticle


@dataclass(frozen=True)
class ShardedStats(CollectionStats):
    """The collection statistics, and what each prefix, wildcard or fuzzy term of the query stands for
    over the whole collection: {repr of the query: [words]}."""

    expansions: dict[str, list[str]] = field(default_factory=dict)


def expanded(query: wq.Query, expansions: dict[str, list[str]]) -> wq.Query:
    """The query with each prefix, wildcard or fuzzy term as it expands over the whole collection:
    Whoosh scores one that stands for one word as that word (BM25F) and one that stands for several
    with a constant score, and a shard may have one word of several."""

    def rewrite(node: wq.Query) -> wq.Query:
        words = expansions.get(repr(node)) if isinstance(node, wq.MultiTerm) else None
        if words is None:
            return node
        return GlobalExpansion(node.fieldname, words, node.boost, node.constantscore)

    return query.accept(rewrite)


class GlobalExpansion(wq.MultiTerm):
    """A MultiTerm that stands for given words (those of the whole collection), matched as Whoosh's
    MultiTerm.matcher matches: one word as a Term, several ORed (with constant scores if so asked)."""

    def __init__(self, fieldname: str, words: list[str], boost: float = 1.0, constantscore: bool = True):
        self.fieldname, self.words, self.boost, self.constantscore = fieldname, words, boost, constantscore
        self.text = " ".join(words)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.fieldname!r}, {self.words!r}, boost={self.boost})"

    def _btexts(self, ixreader):
        field = ixreader.schema[self.fieldname]
        return [text for text in (field.to_bytes(word) for word in self.words) if (self.fieldname, text) in ixreader]

    def matcher(self, searcher, context=None):
        from whoosh.matching import NullMatcher
        from whoosh.searching import SearchContext

        if not self._btexts(searcher.reader()):
            return NullMatcher()
        if len(self.words) == 1:
            return wq.Term(self.fieldname, self.words[0]).matcher(searcher, context)
        if self.constantscore:  # as Whoosh does: no weighting for the words of a constant-score expansion
            context = context.set(weighting=None) if context else SearchContext(weighting=None)
        # every word of the collection, those this shard lacks too: Whoosh's Or picks its way of matching
        # by how many words it joins (and how large the index is: a segment of over 5,000 documents...)
        return wq.Or([wq.Term(self.fieldname, word) for word in self.words], boost=self.boost).matcher(
            searcher, context
        )


class ShardPool(Protocol):
    count: int
    missing: set[int]  # shards that did not answer the last question asked of them

    def ask(self, method: str, *args, shards: dict[int, tuple] | None = None, **kwargs) -> dict[int, Any]:
        """{shard: its answer} to `method(*args, **kwargs)` from every shard (or, with `shards`, from
        those shards with their own arguments), leaving out those that did not answer in time."""
        ...

    def close(self) -> None: ...


class LocalShards:
    """The shards opened in this process (no cluster): each a newsgrep.search.shard.Shard."""

    def __init__(self, paths: list[str], weighting):
        from newsgrep.search.shard import Shard

        self.shards = [Shard(path, weighting) for path in paths]
        self.count = len(self.shards)
        self.missing: set[int] = set()

    def ask(self, method: str, *args, shards: dict[int, tuple] | None = None, **kwargs) -> dict[int, Any]:
        if shards is None:
            return {n: getattr(shard, method)(*args, **kwargs) for n, shard in enumerate(self.shards)}
        return {n: getattr(self.shards[n], method)(*own, **kwargs) for n, own in shards.items()}

    def close(self) -> None:
        for shard in self.shards:
            shard.close()


class ShardedBackend:
    def __init__(self, pool: ShardPool):
        from newsgrep.store.schema import build_schema

        self.pool = pool
        self._schema = build_schema()  # every shard's (newsgrep.store.layout.ShardsRecord checks the version)
        # What the last refresh said (one round trip a search), and document frequencies and expansions seen
        # since the index last changed: each question saved is a round trip to every shard saved.
        self._building: bool | None = None
        self._documents: int | None = None
        self._frequencies: dict[tuple[str, str], int] = {}
        self._expansions: dict[str, set[str]] = {}
        self._bands: dict[str, set[int]] = {}  # the LSH bands of articles found (newsgrep.search.shard)
        self._signatures: dict[str, list[int]] = {}

    @property
    def schema(self):
        return self._schema

    @property
    def missing(self) -> int:
        """Shards left out of the last answer (they did not answer in time)."""
        return len(self.pool.missing)

    def refresh(self) -> bool:
        self.pool.missing = set()
        answers = self.pool.ask("state")
        changed = any(refreshed for refreshed, _, _ in answers.values())
        if changed or self.pool.missing or len(self._bands) > 100_000:
            self._frequencies, self._expansions, self._bands, self._signatures = {}, {}, {}, {}
        self._building = any(building for _, building, _ in answers.values())
        self._documents = None if self.pool.missing else sum(count for _, _, count in answers.values())
        return changed

    def building(self) -> bool:
        if self._building is None:
            self._building = any(self.pool.ask("building").values())
        return self._building

    def close(self) -> None:
        self.pool.close()

    # articles for a query --------------------------------------------------------------------------------
    def statistics(self, query: wq.Query) -> CollectionStats | None:
        documents = 0
        lengths: Counter[str] = Counter()
        frequencies: Counter[tuple[str, str]] = Counter()
        expansions: dict[str, set[str]] = {}
        for count, shard_lengths, shard_frequencies, shard_expansions in self.pool.ask(
            "term_statistics", query
        ).values():
            documents += count
            lengths.update(shard_lengths)
            frequencies.update(shard_frequencies)
            for leaf, words in shard_expansions.items():
                expansions.setdefault(leaf, set()).update(words)
        if not self.pool.missing:  # every shard's figures: kept for the passages' idf and expansions
            self._frequencies.update(frequencies)
            for leaf in query.leaves():
                if (
                    isinstance(leaf, wq.Term)
                    and leaf.fieldname in self._schema
                    and self._schema[leaf.fieldname].scorable
                ):
                    self._frequencies.setdefault((leaf.fieldname, leaf.text), 0)  # in no shard
            self._expansions.update(expansions)
        return ShardedStats(
            documents, dict(lengths), dict(frequencies), {leaf: sorted(words) for leaf, words in expansions.items()}
        )

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
        started = time.monotonic()
        if not isinstance(stats, ShardedStats):
            stats = self.statistics(query)
        assert isinstance(stats, ShardedStats)
        query = expanded(query, stats.expansions)
        answers = self._with_bands(
            self.pool.ask(
                "candidates_and_bands",
                query,
                limit,
                stats=stats,
                sort=sort,
                exclude=exclude,
                seconds=_left(seconds, started),
            )
        )
        hits = _merged(answers)
        total = sum(found.total for found in answers.values())
        estimated = any(found.estimated for found in answers.values())
        timed_out = any(found.timed_out for found in answers.values())
        if sort == "relevance":
            hits.sort(key=lambda c: (-c.score, *index_order(c)))
            hits = hits[:limit]
        else:  # as one index: the dated ones by date (newest first for "date") and, when fewer than `limit`,
            # then the `limit` best by score that are not among them (newsgrep.search.local)
            dated = [c for c in hits if c.article.date is not None]
            dated.sort(key=lambda c: (_timestamp(c.article.date), *index_order(c)), reverse=sort == "date")  # type: ignore[arg-type]
            hits = dated[:limit]
            if len(hits) < limit:
                answers = self.pool.ask(
                    "candidates", query, limit, stats=stats, exclude=exclude, seconds=_left(seconds, started)
                )
                timed_out = timed_out or any(found.timed_out for found in answers.values())
                best = sorted(_merged(answers), key=lambda c: (-c.score, *index_order(c)))[:limit]
                shown = {c.article.id for c in hits}
                hits += [c for c in best if c.article.id not in shown]
        # one index counts exactly while it scores fewer than `limit`; past that it estimates
        return Candidates(hits, total, estimated or len(hits) >= limit or timed_out, timed_out=timed_out)

    def _with_bands(self, answers: dict[int, tuple]) -> dict[int, Candidates]:
        """The shards' candidates, keeping the bands and signatures that came with them for `copies`."""
        found = {}
        for number, (candidates, bands, signatures) in answers.items():
            for candidate in candidates.hits:
                self._bands.setdefault(candidate.article.id, set())
            for article_id, key in bands:
                self._bands[article_id].add(key)
            self._signatures.update(signatures)
            found[number] = candidates
        return found

    def count(self, query: wq.Query, cap: int, seconds: float | None = None) -> int:
        return min(cap, sum(self.pool.ask("count", query, cap, seconds).values()))

    def count_by(self, query: wq.Query, fieldname: str) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for shard_counts in self.pool.ask("count_by", query, fieldname).values():
            counts.update(shard_counts)
        return dict(counts)

    def dates(self, query: wq.Query) -> list[dt.datetime | None]:
        return [when for found in self.pool.ask("dates", query).values() for when in found]

    # statistics and postings -------------------------------------------------------------------------
    def doc_count(self) -> int:
        if self._documents is None:
            return sum(self.pool.ask("doc_count").values())
        return self._documents

    def doc_frequencies(self, fieldname: str, terms: Iterable[str], seconds: float | None = None) -> dict[str, int]:
        # All of them, whatever `seconds`: the answers are kept for the rest of the search.
        terms = list(terms)
        unknown = [term for term in terms if (fieldname, term) not in self._frequencies]
        if unknown:
            summed: Counter[str] = Counter({term: 0 for term in unknown})
            for found in self.pool.ask("doc_frequencies", fieldname, unknown).values():
                summed.update(found)
            if not self.pool.missing:
                self._frequencies.update(((fieldname, term), n) for term, n in summed.items())
            else:
                return {term: summed.get(term, self._frequencies.get((fieldname, term), 0)) for term in terms}
        return {term: self._frequencies[(fieldname, term)] for term in terms}

    def expand(self, query: wq.Query, fieldname: str, seconds: float | None = None) -> set[str]:
        known = self._known_expansion(query, fieldname)
        if known is not None:
            return known
        return set().union(*self.pool.ask("expand", query, fieldname, seconds).values())

    def _known_expansion(self, query: wq.Query, fieldname: str) -> set[str] | None:
        """What `expand` answers, from the frequencies and expansions this search gathered already (as
        Whoosh's existing_terms walks the query's leaves: phrases give none); None when a leaf is unknown."""
        found: set[str] = set()
        for leaf in query.leaves():
            if getattr(leaf, "fieldname", None) != fieldname or isinstance(leaf, wq.Phrase):
                continue
            if isinstance(leaf, wq.Term) and (fieldname, leaf.text) in self._frequencies:
                found.update([leaf.text] if self._frequencies[(fieldname, leaf.text)] else [])
            elif isinstance(leaf, wq.MultiTerm) and repr(leaf) in self._expansions:
                found.update(self._expansions[repr(leaf)])
            else:
                return None
        return found

    def positions_of(self, fieldname: str, terms: list[str], refs: list[Ref]) -> dict[str, dict[Ref, list[int]]]:
        by_shard: dict[int, list] = {}
        for ref in refs:
            shard_number, docnum = cast(tuple[int, int], ref)
            by_shard.setdefault(shard_number, []).append(docnum)
        answers = self.pool.ask(
            "positions_of", shards={number: (fieldname, terms, docnums) for number, docnums in by_shard.items()}
        )
        found: dict[str, dict[Ref, list[int]]] = {term: {} for term in terms}
        for number, shard in answers.items():
            for term, where in shard.items():
                found[term].update(((number, docnum), positions) for docnum, positions in where.items())
        return found

    def positions(self, fieldname: str, term: str, refs: list[Ref]) -> dict[Ref, list[int]]:
        return self.positions_of(fieldname, [term], refs)[term]

    # stored articles -------------------------------------------------------------------------------------
    def stored(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        ids = list(ids)
        if not ids:
            return {}
        found: dict[str, StoredArticle] = {}
        for shard in self.pool.ask("stored", ids).values():
            found.update(shard)
        return {i: found[i] for i in ids if i in found}

    def stored_by_file(self, path: str) -> list[StoredArticle]:
        number = shard_of(path, self.pool.count)
        return self.pool.ask("stored_by_file", shards={number: (path,)}).get(number, [])

    def first_match(self, query: wq.Query) -> StoredArticle | None:
        answers = self.pool.ask("first_match", query)
        return next((answers[n] for n in sorted(answers) if answers[n] is not None), None)

    def copies(self, ids: list[str]) -> dict[str, list[str]]:
        """As one manifest's copies (newsgrep.store.manifest): articles sharing an LSH band whose
        signatures agree enough, looked for in every shard."""
        if not ids:
            return {}
        mine: dict[str, set[int]] = {}
        signatures: dict[str, list[int]] = {}
        if all(article_id in self._bands for article_id in ids):  # found by this search: no round trip
            mine = {article_id: self._bands[article_id] for article_id in ids if self._bands[article_id]}
            signatures = {i: self._signatures[i] for i in mine if i in self._signatures}
        else:
            for bands, shard_signatures in self.pool.ask("bands", ids).values():
                for article_id, key in bands:
                    mine.setdefault(article_id, set()).add(key)
                signatures.update(shard_signatures)
        keys = sorted(set().union(*mine.values())) if mine else []
        if not keys:
            return {}
        members: dict[int, set[str]] = {}
        for shard_members, shard_signatures in self.pool.ask("band_members", keys).values():
            for key, article_id in shard_members:
                members.setdefault(key, set()).add(article_id)
            signatures.update(shard_signatures)
        found: dict[str, list[str]] = {}
        for article_id, article_keys in mine.items():
            others = {other for key in article_keys for other in members.get(key, ()) if other != article_id}
            for other in others:
                if (
                    article_id in signatures
                    and other in signatures
                    and duplicates.similarity(signatures[article_id], signatures[other]) >= duplicates.THRESHOLD
                ):
                    found.setdefault(article_id, []).append(other)
        return {i: sorted(others) for i, others in found.items()}

    # vocabulary --------------------------------------------------------------------------------------------
    def key_terms(self, fieldname: str, text: str, count: int) -> list[tuple[str, float]]:
        """Whoosh's key_terms_from_text (Bo1) over the whole collection's frequencies."""
        field = self._schema[fieldname]
        words = sorted({field.from_bytes(t) for t, _, _, _ in field.index(text)})
        documents = length = 0
        for shard_documents, shard_length in self.pool.ask("field_totals", fieldname).values():
            documents += shard_documents
            length += shard_length
        frequencies: Counter[str] = Counter()
        for found in self.pool.ask("collection_frequencies", fieldname, words).values():
            frequencies.update(found)
        expander = classify.Expander(
            _Collection(self._schema, documents, {fieldname: length}, fieldname, frequencies),
            fieldname,
            model=classify.Bo1Model,
        )
        expander.add_text(text)
        return expander.expanded_terms(count, normalize=True)

    def corrections(self, fieldname: str, text: str, *, limit: int, maxdist: int, prefix: int) -> list[str]:
        """Whoosh's ReaderCorrector over the whole collection: by edit distance, then most frequent."""
        frequencies: Counter[str] = Counter()
        for found in self.pool.ask("spelling", fieldname, text, maxdist, prefix).values():
            frequencies.update(found)
        scored = [(0 - (maxdist + (1.0 / (frequencies[term] or 1) * 0.5)), term) for term in frequencies]
        best = heapq.nlargest(limit, scored)
        return [term for _, term in sorted(best, key=lambda item: (0 - item[0], item[1]))]


class _Collection:
    """What whoosh.classify.Expander reads of an index reader, for the whole sharded collection."""

    def __init__(self, schema, documents: int, lengths: dict[str, int], fieldname: str, frequencies: dict[str, int]):
        self.schema, self.documents, self.lengths = schema, documents, lengths
        self.fieldname, self.frequencies = fieldname, frequencies

    def doc_count_all(self) -> int:
        return self.documents

    def field_length(self, fieldname: str) -> int:
        return self.lengths[fieldname]

    def _word(self, text) -> str:
        return self.schema[self.fieldname].from_bytes(text) if isinstance(text, bytes) else text

    def __contains__(self, term) -> bool:
        return self._word(term[1]) in self.frequencies

    def frequency(self, fieldname: str, text) -> int:
        return self.frequencies[self._word(text)]


def _left(seconds: float | None, started: float) -> float | None:
    """What is left of a search's `seconds` (None: no limit) since `started`: each shard gets the rest."""
    return None if seconds is None else max(seconds - (time.monotonic() - started), 0.0)


def _merged(answers: dict[int, Candidates]) -> list[Candidate]:
    return [Candidate((number, c.ref), c.score, c.article) for number, found in answers.items() for c in found.hits]


def index_order(candidate: Candidate) -> tuple:
    """Where an article stands in a freshly built index: Whoosh breaks ties of score by document number,
    which is the order the indexer found the files in (newsgrep.indexer.sources.find_files: roots in
    order, a folder's files by name before its subfolders by name) and, within a file, its records' order
    (which a shard keeps: the whole file is in one shard)."""
    folders, _, name = candidate.article.path.rpartition(os.sep)
    return (*((1, part) for part in folders.split(os.sep)), (0, name), candidate.ref[1])  # type: ignore[index]


def _timestamp(when: dt.datetime) -> float:
    return when.replace(tzinfo=dt.UTC).timestamp() if when.tzinfo is None else when.timestamp()
