"""Turns a raw record into a clean `Article`: title, date, source, byline and body paragraphs.

Two steps, so that the writer can count a site's recurring lines between them:
`prepare` drops furniture found by per-page rules from the text a format read; `finish` drops the
furniture learnt from the corpus, reads the header (date line, title, byline, URL, dateline) and
splits the body into paragraphs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from newsgrep.formats.fields import source_from_url
from newsgrep.formats.records import RawRecord
from newsgrep.indexer.dates import date_line, date_value
from newsgrep.indexer.learnt_furniture import Counts, strip_learnt
from newsgrep.indexer.page_furniture import Clues, strip_page_furniture
from newsgrep.indexer.records import Article
from newsgrep.store.schema import article_id

# C0/C1 control characters other than tab and newline: never index or print them (terminal escapes).
_CONTROL = dict.fromkeys([*range(0, 9), *range(11, 32), 127, *range(128, 160)], None)
_CONTROL[ord("\r")] = "\n"
_CONTROL.update(
    dict.fromkeys(range(0xD800, 0xE000), "\ufffd")
)  # half a surrogate pair (JSON's "\ud800") cannot be printed
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_URL = re.compile(r"https?://\S+")
_BYLINE = re.compile(
    r"(?:by|from)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|da|van|von|bin|al|and)){0,5})"
    r"(?:\s*[,|–—-]\s*.{0,60})?",
    re.I,
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}),\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*)?"  # MEXICO CITY, July 16
    r"(?:\((?P<agency>[A-Za-z][\w .&-]{0,30})\)\s*)?[-–—]+\s*"  # (Reuters) -
)
_TERMINAL = tuple(".!?\"'”’:;)")
MAX_TITLE = 200
TITLE_WORDS = 25
WRAP_MAX = 160  # texts whose lines are all this short are hard-wrapped
# Folder names that say nothing about the outlet (a root named "bbc" does).
_GENERIC_FOLDERS = frozenset(
    "corpus corpora articles article news data docs documents texts text files downloads tmp temp inbox "
    "saved archive archives collection sample samples scaled seeds misc other input raw".split()
)


class NoArticle(Exception):
    """The record holds no article text; the message says why."""


@dataclass
class Prepared:
    """A record cleaned by the per-page rules, before the corpus-learnt furniture goes."""

    record: RawRecord
    id: str
    root: str  # the root (folder or file) the record's file was found under
    lines: list[str]  # body lines, blank lines and indentation kept (they mark paragraphs)
    clues: Clues = field(default_factory=Clues)

    @property
    def site(self) -> str:
        return self.record.site

    @property
    def fields(self) -> dict:
        return self.record.fields


def clean_text(text: str) -> str:
    """Text without control characters, with Unix newlines and single spaces (indentation kept)."""
    text = text.replace("\r\n", "\n").translate(_CONTROL)
    return "\n".join(_SPACES.sub(" ", line).rstrip() for line in text.split("\n"))


def one_line(value) -> str:
    return " ".join(clean_text(str(value)).split())


def prepare(record: RawRecord, root: str = "") -> Prepared:
    """Applies the per-page furniture rules to the record's text."""
    lines, clues = strip_page_furniture(logical_lines(clean_text(record.text).split("\n")))
    return Prepared(record, article_id(record.path, record.key), root, lines, clues)


def finish(prepared: Prepared, counts: Counts | None = None) -> Article:
    """The clean article: learnt furniture dropped, header read, body split into paragraphs."""
    record, fields = prepared.record, prepared.fields
    lines, _ = strip_learnt(prepared.lines, prepared.site, counts)
    header = _read_header(lines, fields)
    paragraphs = [line.strip() for line in header.body if line.strip()]
    title = one_line(fields["title"]) if fields.get("title") else header.title
    if title and paragraphs and paragraphs[0].lower() == title.lower():
        paragraphs = paragraphs[1:]  # HTML bodies repeat their headline
    if not paragraphs:
        if not title:
            raise NoArticle("no article text")
        paragraphs = [title]
    source = fields.get("source") or header.source
    agency = None
    match = _DATELINE.match(paragraphs[0])
    if match:
        agency = match.group("agency")
    source = source or agency or prepared.clues.owner or _folder_source(prepared)
    article = Article(
        id=prepared.id,
        path=record.path,
        title=_short(title) if title else _short(paragraphs[0], 80),
        paragraphs=paragraphs,
        date=date_value(fields.get("date")) if fields.get("date") else header.date,
        source=one_line(source) if source else None,
        byline=one_line(fields["byline"]) if fields.get("byline") else header.byline,
        key=record.key,
        titled=bool(title),
        url=one_line(fields["url"]) if fields.get("url") else header.url,
        crawled=_crawled(fields.get("crawled")),
    )
    return article


def _crawled(value) -> dt.datetime | None:
    """A web archive's capture time, to the second (kept apart from the article's date)."""
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=None, microsecond=0)


def extract(record: RawRecord, counts: Counts | None = None, root: str = "") -> Article:
    """Both steps at once (for tests and callers that do not learn furniture)."""
    return finish(prepare(record, root), counts)


@dataclass
class _Header:
    body: list[str]
    title: str | None = None
    date: dt.datetime | None = None
    source: str | None = None
    byline: str | None = None
    url: str | None = None


def _read_header(lines: list[str], fields: dict) -> _Header:
    """Date lines, URL lines and a byline among the first lines come out of the body; then the first
    line is the title if it stands as one (alone in its block, or followed by an indented paragraph)."""
    header = _Header(body=[])
    seen = 0
    for line in lines:
        text = line.strip()
        if text and seen < 6:
            seen += 1
            if header.date is None and (found := date_line(text)) is not None:
                header.date = found
                continue
            if _URL.fullmatch(text):
                header.source = header.source or source_from_url(text)
                header.url = header.url or text
                continue
            if header.byline is None and len(text.split()) <= 10 and (m := _BYLINE.fullmatch(text)):
                header.byline = m.group("name")
                continue
        if text or header.body:
            header.body.append(line)
    body = header.body
    if body and not fields.get("title") and _is_title(body, 0):
        header.title = body.pop(0).strip()
    return header


def _is_title(lines: list[str], i: int) -> bool:
    """A headline: alone in its block, or a short line without end punctuation before a paragraph."""
    text = lines[i].strip()
    words = len(text.split())
    if words > TITLE_WORDS or text.endswith((",", ";")):
        return False
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if not following:
        return True
    return words <= 15 and not text.endswith(_TERMINAL) and following.endswith(_TERMINAL)


def logical_lines(lines: list[str]) -> list[str]:
    """The text's lines with hard wrapping undone, blank lines kept between blocks. In a hard-wrapped
    text (no line longer than WRAP_MAX), a line continues the one before unless that one stopped short
    of the wrap width (and this one does not start in lower case), ended a sentence, or this one is
    indented. Furniture rules and paragraphs work
    on these logical lines."""
    width = max((len(line) for line in lines), default=0)
    wrapped = width <= WRAP_MAX
    logical: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        text = line.strip()
        if current and (
            not text
            or not wrapped
            or line[:1].isspace()
            or (len(current[-1]) < 0.6 * width and not text[:1].islower())
            or (current[-1].endswith(_TERMINAL) and text[:1].isupper())
        ):
            logical.append(" ".join(" ".join(current).split()))
            current = []
        if text:
            current.append(line.rstrip())
        elif logical and logical[-1] != "":
            logical.append("")
    return logical


def _folder_source(prepared: Prepared) -> str | None:
    """The outlet named by the folder the user indexed, unless the name is generic ("corpus", "news"):
    then by the first-level folder under it that holds the file (news/bbc/sport/1.txt: "bbc"), unless
    that one is generic too."""
    given = prepared.root
    root = given if os.path.isdir(given) else os.path.dirname(given or prepared.record.path)
    name = os.path.basename(root.rstrip(os.sep))
    if name and name.lower() not in _GENERIC_FOLDERS:
        return name
    inside = os.path.relpath(prepared.record.path, root).split(os.sep)
    if len(inside) > 1 and inside[0] not in (os.curdir, os.pardir) and inside[0].lower() not in _GENERIC_FOLDERS:
        return inside[0]
    return None


def _short(text: str, limit: int = MAX_TITLE) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + "…"
