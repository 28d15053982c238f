"""Results as plain data: what the Searcher returns and the printers render (one type per command)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """Where a passage stands in its original file (newsgrep.search.locate): 1-based line, and column in
    bytes of that line."""

    line: int
    column: int
    found: bool  # False: the passage's words were not found; the position is the record's, or 1:1


@dataclass
class PassageMatch:
    """A passage of an article's body; `highlights` are (start, end) character spans into `text`."""

    text: str
    highlights: list[tuple[int, int]]
    number: int
    score: float
    place: Place | None = None  # set by newsgrep.search.locate.locate_hits (`search --vimgrep`)


@dataclass
class Copy:
    """Another report of a hit's story: a near-duplicate, or the same story from another outlet."""

    id: str
    path: str
    source: str | None
    date: dt.datetime | None
    title: str = ""
    key: str = ""  # the record's key inside a feed file

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "key": self.key or None,
            "source": self.source,
            "date": format_date(self.date),
        }


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
    title_highlights: list[tuple[int, int]] = field(default_factory=list)  # matched words of the title

    def to_dict(self) -> dict:
        record = {
            "rank": self.rank,
            "score": round(self.score, 6),
            "id": self.id,
            "path": self.path,
            "key": self.key or None,
            "title": self.title,
            "title_highlights": [list(h) for h in self.title_highlights],
            "date": format_date(self.date),
            "source": self.source,
            "passages": [_passage_dict(p) for p in self.passages],
            "duplicates": [copy.to_dict() for copy in self.duplicates],
        }
        if self.near_duplicate is not None:
            record["near_duplicate"] = self.near_duplicate
        return record


def _passage_dict(passage: PassageMatch) -> dict:
    record: dict = {"text": passage.text, "highlights": [list(h) for h in passage.highlights]}
    if passage.place is not None:
        record.update(line=passage.place.line, column=passage.place.column)
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
    offset: int = 0  # stories skipped before the first hit (paging)
    similar_to: str | None = None  # `similar`: the id of the article the hits are like
    building: bool = False  # the index is in its first build: more may match when it is done
    corrected_from: str | None = None  # the query as typed, when these are the results of `query`, a correction
    timed_out: bool = False  # the search ran out of time: the best articles found by then
    missing_shards: int = 0  # a sharded index's shards that did not answer in time: their articles are not here

    def summary(self) -> dict:
        """What the JSON printer says after the hits: how many matched, and how the query was run."""
        return {
            "query": self.query,
            "total": self.total,
            "estimated": self.estimated,
            "shown": len(self.hits),
            "offset": self.offset,
            "fallback": self.fallback,
            "all_words": self.all_words,
            "suggestion": self.suggestion,
            "corrected_from": self.corrected_from,
            "building": self.building,
            "timed_out": self.timed_out,
            "missing_shards": self.missing_shards,
            "seconds": self.seconds,
        }


@dataclass
class Timeline:
    """Matching articles per period (`newsgrep timeline`)."""

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


@dataclass
class ShownArticle:
    """An article as indexed (`newsgrep show`)."""

    id: str
    path: str
    key: str
    title: str
    date: dt.datetime | None
    source: str | None
    byline: str | None
    body: str
    passages: int
    url: str | None = None  # where it was published, as its file states it
    crawled: dt.datetime | None = None  # when a web archive captured the page (not its date)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "key": self.key or None,
            "title": self.title,
            "date": format_date(self.date),
            "source": self.source,
            "byline": self.byline,
            "url": self.url,
            "crawled": self.crawled.isoformat() if self.crawled else None,
            "passages": self.passages,
            "body": self.body,
        }


@dataclass
class ReadArticle:
    """An article to read (`newsgrep serve`'s article page): its passages, and where a query matched it."""

    article: ShownArticle
    passages: list[tuple[int, int]]  # each passage's (start, end) in `article.body`, in order
    title_highlights: list[tuple[int, int]] = field(default_factory=list)  # the query's words in the title
    highlights: list[tuple[int, int]] = field(default_factory=list)  # ... and in the body
    matched: list[int] = field(default_factory=list)  # numbers of the passages holding them, best first


def format_date(when: dt.datetime | None) -> str | None:
    """ISO 8601: the date alone when no time of day is known (midnight), else date and time."""
    if when is None:
        return None
    if when.time() == dt.time(0, 0):
        return when.date().isoformat()
    return when.isoformat()
