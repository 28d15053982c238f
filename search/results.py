"""Search results as plain data: what the searcher returns and the printers render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class PassageMatch:
    """A passage of an article's body; `highlights` are (start, end) character spans into `text`."""

    text: str
    highlights: list[tuple[int, int]]
    number: int
    score: float


@dataclass
class Hit:
    """One article in the results, with its best passages."""

    rank: int
    score: float
    id: str
    path: str
    title: str
    date: dt.datetime | None
    source: str | None
    passages: list[PassageMatch]
    key: str = ""  # the record's key inside a feed file

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "date": iso_date(self.date),
            "source": self.source,
            "passages": [{"text": p.text, "highlights": [list(h) for h in p.highlights]} for p in self.passages],
        }


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # articles matching (before --limit)
    fallback: bool = False  # no article had every word, so these match any of them
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def iso_date(when: dt.datetime | None) -> str | None:
    """ISO 8601: the date alone when no time of day is known (midnight), else date and time."""
    if when is None:
        return None
    if when.time() == dt.time(0, 0):
        return when.date().isoformat()
    return when.isoformat()
