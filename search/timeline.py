"""How many articles match a query per day, month or year: counted from the index's date column,
without scoring or reading stored articles."""

from __future__ import annotations

import bisect
import datetime as dt
import os
from dataclasses import dataclass, field

from indexer.store import IndexDir, resolve_index_dir

PERIODS = ("day", "month", "year")
MAX_BUCKETS = 1000


@dataclass
class Timeline:
    query: str
    by: str
    counts: list[tuple[str, int]] = field(default_factory=list)  # every period from first to last, in order
    undated: int = 0
    total: int = 0
    fallback: bool = False

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "by": self.by,
            "counts": dict(self.counts),
            "undated": self.undated,
            "total": self.total,
        }


def timeline(
    query: str, index_dir: str | os.PathLike | None = None, *, by: str = "month", since=None, until=None
) -> Timeline:
    from indexer.errors import QueryError
    from search.parse import parse_query, positive_leaves
    from search.searcher import _period

    if by not in PERIODS:
        raise QueryError(f"cannot count by {by!r} (day, month or year)")
    ix = IndexDir(resolve_index_dir(index_dir)).open_whoosh()
    period = _period(since, until)
    with ix.searcher() as searcher:
        parsed = parse_query(query, ix.schema, "and", period)
        docnums = list(searcher.docs_for_query(parsed.article))
        fallback = False
        if not docnums and not parsed.has_operators and parsed.passage is not None:
            if len(positive_leaves(parsed.passage)) > 1:
                docnums = list(searcher.docs_for_query(parse_query(query, ix.schema, "or", period).article))
                fallback = bool(docnums)
        buckets: dict[str, int] = {}
        undated = 0
        for value in _dates_of(searcher, docnums):
            when = _as_datetime(value)
            if when is None:
                undated += 1
                continue
            label = _label(when, by)
            buckets[label] = buckets.get(label, 0) + 1
    return Timeline(query, by, _filled(buckets, by), undated, len(docnums), fallback)


def _dates_of(searcher, docnums: list[int]):
    """The raw date column value of each document, read segment by segment: Whoosh's multi-segment column
    reader leaves out segments without a date column (every article in them undated) and then maps the
    documents after them to the wrong segment."""
    docnums = sorted(docnums)
    for sub, offset in searcher.leaf_searchers():  # [(subsearcher, first docnum)], in docnum order
        mine = docnums[bisect.bisect_left(docnums, offset) : bisect.bisect_left(docnums, offset + sub.doc_count_all())]
        if mine:
            column = sub.reader().column_reader("date", translate=False)
            yield from (column[d - offset] for d in mine)


def _as_datetime(value) -> dt.datetime | None:
    """The column's raw value as a datetime; None for the column's filler where a date is missing."""
    from whoosh.util.times import long_to_datetime

    try:
        when = long_to_datetime(value)
    except (OverflowError, TypeError, ValueError):
        return None
    return when if when.year > 1 else None


def _label(when: dt.datetime, by: str) -> str:
    return {"day": f"{when:%Y-%m-%d}", "month": f"{when:%Y-%m}", "year": f"{when:%Y}"}[by]


def _filled(buckets: dict[str, int], by: str) -> list[tuple[str, int]]:
    """Every period between the first and the last, empty ones included (a chart shows gaps)."""
    if not buckets:
        return []
    labels = sorted(buckets)
    first, last = labels[0], labels[-1]
    filled: list[tuple[str, int]] = []
    current = first
    while current <= last and len(filled) < MAX_BUCKETS:
        filled.append((current, buckets.get(current, 0)))
        current = _next(current, by)
    if len(filled) >= MAX_BUCKETS:  # too many empty periods to draw: only the ones with articles
        return [(label, buckets[label]) for label in labels]
    return filled


def _next(label: str, by: str) -> str:
    if by == "year":
        return f"{int(label) + 1:04d}"
    if by == "month":
        year, month = map(int, label.split("-"))
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    return (dt.date.fromisoformat(label) + dt.timedelta(days=1)).isoformat()
