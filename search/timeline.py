"""Dates counted per day, month or year, empty periods included: what `newsgrep timeline` draws."""

from __future__ import annotations

import datetime as dt

PERIODS = ("day", "month", "year")
MAX_BUCKETS = 1000


def count_periods(
    dates: list[dt.datetime | None], by: str, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> tuple[list[tuple[str, int]], int]:
    """(every period from the first date's to the last's with its count, how many had no date); with
    `start`/`end` (--since/--until), from the period of `start` to that of `end`, empty ones included."""
    buckets: dict[str, int] = {}
    undated = 0
    for when in dates:
        if when is None:
            undated += 1
            continue
        label = _label(when, by)
        buckets[label] = buckets.get(label, 0) + 1
    if buckets:
        for bound in (start, end):
            if bound is not None and bound.year > 1 and bound.year < 9999:
                buckets.setdefault(_label(bound, by), 0)
    return _filled(buckets, by), undated


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
