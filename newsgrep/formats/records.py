"""What every format module returns: raw records (one article's text and metadata each) and skips, and
the exceptions a format may raise."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawRecord:
    """One article's worth of text and metadata from a file, before cleaning."""

    path: str  # the file's absolute path
    key: str  # "" for a one-article file, else the record's key inside the file (stable when the file grows)
    text: str  # the article's text, a paragraph or line a line (HTML already reduced to text)
    # What the format states: title, date (text, or a datetime as the source wrote it), source, byline, url,
    # crawled (a web archive's capture time: never the article's date).
    fields: dict = field(default_factory=dict)
    site: str = ""  # articles that share page furniture: the file's folder, or a feed file and its source
    # The key to use instead when `key` is already taken in the file (by a record an earlier read of a
    # growing file returned): its place in the file ("@1234", "line 56"), unique by construction.
    fallback_key: str = ""


@dataclass
class Skip:
    """A file (or record) that could not be indexed, and why."""

    path: str  # the file, or f"{path}:{key}" (or f"{path}@{offset}") for part of it
    reason: str
    # A summary skip stands for this many records ("412 non-HTML responses"); 0: a note, nothing was
    # skipped but part of a file was ignored (invalid front matter, a PDF read up to its page limit).
    count: int = 1


@dataclass
class Partial(Skip):
    """An appendable file ends in a record still being written: the records before it were read, and the
    next read starts at byte `resume`. A note, not a skip: the record is read once it is complete."""

    count: int = 0
    resume: int = 0


@dataclass
class Piece:
    """What a read of an appendable file from an offset gives: its records, and the byte where the next
    read starts (after the last record read, or at the start of an incomplete last record)."""

    records: list[RawRecord]
    end: int


class SkipFile(Exception):
    """Raised by a format when a whole file cannot be indexed; the message is the reason."""


class MissingExtra(Exception):
    """Raised by a format whose library is an optional extra that is not installed."""

    def __init__(self, extra: str, library: str = ""):
        self.extra, self.library = extra, library
        needs = f" (needs {library})" if library else ""
        super().__init__(f"install newsgrep[{extra}] to read these files{needs}")
