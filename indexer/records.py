"""The records that flow through the indexing pipeline: files found, raw records, clean articles, passages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceFile:
    """An article file found under a root, with what the manifest needs to tell if it changed."""

    path: str  # absolute
    root: str  # the root (absolute) it was found under
    size: int
    mtime_ns: int


@dataclass
class RawRecord:
    """One article's worth of decoded text (a .txt file, or one record of a JSONL feed) before cleaning."""

    id: str
    path: str
    key: str  # "" for a one-article file, else the record's key inside the file (line number or id field)
    text: str  # decoded text (for JSON records: the body field)
    kind: str  # "text", "html" or "json"
    fields: dict = field(default_factory=dict)  # metadata a structured format gave (title, date, source...)
    root: str = ""  # the root folder (or file) it was found under


@dataclass
class Article:
    """A clean article: its fields and the body as paragraphs, as indexed and shown."""

    id: str
    path: str
    title: str
    paragraphs: list[str]
    date: dt.datetime | None = None
    source: str | None = None
    byline: str | None = None
    key: str = ""  # the record's key inside a feed file
    titled: bool = True  # False: the text has no headline, and `title` is its first words

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Passage:
    """A run of sentences of an article's body: `start`/`end` are character offsets into `Article.body`,
    `first_pos` and `length` the range of token positions the body's index gives its words."""

    number: int
    start: int
    end: int
    text: str
    first_pos: int = 0
    length: int = 0


@dataclass
class Skip:
    """A file (or record) that could not be indexed, and why."""

    path: str
    reason: str
