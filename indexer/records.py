"""The records that flow through the indexing pipeline: files found, clean articles, passages.
(Raw records, what formats read from files, are newsgrep.formats.records.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceFile:
    """An article file found under a root, with what the manifest needs to tell if it changed."""

    path: str  # absolute
    root: str  # the root (absolute) it was found under
    size: int
    mtime_ns: int


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
    url: str | None = None  # where the article was published, as the file states it

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
