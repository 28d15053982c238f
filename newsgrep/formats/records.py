"""What every format module returns: raw records (one article's text and metadata each) and skips."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawRecord:
    """One article's worth of text and metadata from a file, before cleaning."""

    path: str  # the file's absolute path
    key: str  # "" for a one-article file, else the record's key inside the file (stable when the file grows)
    text: str  # the article's text, a paragraph or line a line (HTML already reduced to text)
    fields: dict = field(default_factory=dict)  # what the format states: title, date, source, byline, url
    site: str = ""  # articles that share page furniture: the file's folder, or a feed file and its source


@dataclass
class Skip:
    """A file (or record) that could not be indexed, and why."""

    path: str
    reason: str


class SkipFile(Exception):
    """Raised by a format when a whole file cannot be indexed; the message is the reason."""
