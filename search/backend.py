"""The seam between an index and the search pipeline: what a backend must provide.

A backend answers "which articles, with which statistics": the local Whoosh index
(newsgrep.search.local), or a set of shards that score with statistics summed over all of them.
Everything above it (passage ranking, story collapse, highlights, suggestions, timelines, facets)
is newsgrep.search.searcher's, shared by every backend. Documents are named by opaque, hashable
references (`Ref`) that only the backend that gave them reads; terms are text (str).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from whoosh import query as wq

from newsgrep.store.schema import StoredArticle

Ref = Hashable  # a document, as its backend names it


@dataclass(frozen=True)
class CollectionStats:
    """The statistics a BM25F score depends on beyond the document itself: the number of documents, each
    scored field's total length, and the document frequency of each term of the query (field, text).
    Shards score with the sum of theirs, so that their scores equal one index's."""

    documents: int
    field_lengths: dict[str, int]
    frequencies: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass
class Candidate:
    ref: Ref
    score: float
    article: StoredArticle


@dataclass
class Candidates:
    """The best-scoring articles for a query, and how many matched in all."""

    hits: list[Candidate]
    total: int  # articles matching
    estimated: bool = False  # `total` is an estimate (an upper bound): more matched than were scored
    timed_out: bool = False  # the search ran out of its time: `hits` are the best found until then


class Backend(Protocol):
    @property
    def schema(self) -> Any:
        """The Whoosh schema (field types and analyzers, for parsing queries and highlighting)."""
        ...

    def refresh(self) -> bool:
        """Picks up the index's last commit; True when it changed since the last call."""
        ...

    def statistics(self, query: wq.Query) -> CollectionStats | None:
        """The collection statistics for scoring `query` (None: the backend scores with its own)."""
        ...

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
        """The `limit` best articles matching `query` by BM25F with `stats` (or newest first, with
        `sort="date"`, or oldest first with "-date": dated articles before undated ones, which follow
        by score), without the articles whose ids are in `exclude`; after `seconds` (None: no limit)
        the best found until then, marked `timed_out`."""
        ...

    def count(self, query: wq.Query, cap: int, seconds: float | None = None) -> int:
        """Articles matching `query`, counted up to `cap` (or those counted in `seconds`, if given)."""
        ...

    def count_by(self, query: wq.Query, fieldname: str) -> dict[str, int]:
        """Articles matching `query` per value of a sortable field ("" for articles without one)."""
        ...

    def dates(self, query: wq.Query) -> list[dt.datetime | None]:
        """The date of every article matching `query` (None where it has none)."""
        ...

    def doc_count(self) -> int:
        """Documents in the index (Whoosh's doc_count_all: deleted but unmerged ones too)."""
        ...

    def doc_frequencies(self, fieldname: str, terms: Iterable[str], seconds: float | None = None) -> dict[str, int]:
        """How many articles hold each of `terms` in `fieldname` (with `seconds`: those looked up by then;
        a sharded index looks up all)."""
        ...

    def expand(self, query: wq.Query, fieldname: str, seconds: float | None = None) -> set[str]:
        """The index terms of `fieldname` that `query`'s words, prefixes, wildcards and fuzzy terms
        stand for (with `seconds`: those found by then)."""
        ...

    def positions(self, fieldname: str, term: str, refs: list[Ref]) -> dict[Ref, list[int]]:
        """Where `term` occurs in each of these documents' `fieldname` (those that have it)."""
        ...

    def positions_of(self, fieldname: str, terms: list[str], refs: list[Ref]) -> dict[str, dict[Ref, list[int]]]:
        """`positions` of each of `terms` (one question to a sharded index, not one a term)."""
        ...

    def stored(self, ids: Iterable[str]) -> dict[str, StoredArticle]:
        """Stored articles by id (those that exist)."""
        ...

    def stored_by_file(self, path: str) -> list[StoredArticle]: ...

    def first_match(self, query: wq.Query) -> StoredArticle | None:
        """The first article, in index order, matching `query`."""
        ...

    def copies(self, ids: list[str]) -> dict[str, list[str]]:
        """{id: ids of its near-duplicates} for articles that have some."""
        ...

    def key_terms(self, fieldname: str, text: str, count: int) -> list[tuple[str, float]]:
        """The `count` terms of `text` that best tell it apart from the collection (Bo1), weighted."""
        ...

    def corrections(self, fieldname: str, text: str, *, limit: int, maxdist: int, prefix: int) -> list[str]:
        """Index terms within `maxdist` edits of `text` (sharing its first `prefix` letters)."""
        ...

    def building(self) -> bool:
        """Whether the index is in its first build (results may be partial)."""
        ...

    def close(self) -> None: ...
