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
class Copy:
    """Another report of a hit's story: a near-duplicate, or the same story from another outlet."""

    id: str
    path: str
    source: str | None
    date: dt.datetime | None
    title: str = ""

    def to_dict(self) -> dict:
        return {"id": self.id, "path": self.path, "source": self.source, "date": iso_date(self.date)}


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
    duplicates: list[Copy] = field(default_factory=list)
    near_duplicate: bool | None = None  # set by `similar`: a copy of the article asked about

    def to_dict(self) -> dict:
        record = {
            "rank": self.rank,
            "score": round(self.score, 6),
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "date": iso_date(self.date),
            "source": self.source,
            "passages": [{"text": p.text, "highlights": [list(h) for h in p.highlights]} for p in self.passages],
            "duplicates": [copy.to_dict() for copy in self.duplicates],
        }
        if self.near_duplicate is not None:
            record["near_duplicate"] = self.near_duplicate
        return record


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int  # articles matching (before --limit)
    fallback: bool = False  # too few articles had every word (`all_words` did), so these match any of them
    seconds: float = 0.0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)  # {"source": {"bbc": 12, ...}}
    suggestion: str | None = None  # a corrected query that finds more ("did you mean")
    all_words: int = 0  # articles that had every word of a plain query
    estimated: bool = False  # `total` is Whoosh's estimate (an upper bound), not a count


def iso_date(when: dt.datetime | None) -> str | None:
    """ISO 8601: the date alone when no time of day is known (midnight), else date and time."""
    if when is None:
        return None
    if when.time() == dt.time(0, 0):
        return when.date().isoformat()
    return when.isoformat()


def fallback_note(result: SearchResult) -> str:
    if not result.all_words:
        return "no article has all the words; showing articles with any of them"
    noun = "article has" if result.all_words == 1 else "articles have"
    return f"only {result.all_words} {noun} all the words; showing articles with any of them"
