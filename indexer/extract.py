"""Turns a raw record into a clean `Article`: title, date, source, byline and body paragraphs.

Two steps, so that the writer can count a site's recurring lines between them:
`prepare` decodes the format (text, HTML through trafilatura, JSON fields) and drops furniture found by
per-page rules; `finish` drops the furniture learnt from the corpus, reads the header (date line,
title, byline, URL, dateline) and splits the body into paragraphs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from indexer.dates import date_line, date_value
from indexer.learnt_furniture import Counts, site_of, strip_learnt
from indexer.page_furniture import Clues, strip_page_furniture
from indexer.records import Article, RawRecord

# C0/C1 control characters other than tab and newline: never index or print them (terminal escapes).
_CONTROL = dict.fromkeys([*range(0, 9), *range(11, 32), 127, *range(128, 160)], None)
_CONTROL[ord("\r")] = "\n"
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
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})
# Folder names that say nothing about the outlet (a root named "bbc" does).
_GENERIC_FOLDERS = frozenset(
    "corpus corpora articles article news data docs documents texts text files downloads tmp temp inbox "
    "saved archive archives collection sample samples scaled".split()
)

JSON_TITLE = ("title", "headline", "name")
JSON_BODY = ("text", "body", "content", "article", "story", "description", "summary")
JSON_DATE = ("date", "published", "published_at", "publishedAt", "pubdate", "datetime", "time", "created")
JSON_SOURCE = ("source", "outlet", "publisher", "site", "site_name", "feed")
JSON_URL = ("url", "link", "source_url", "href")
JSON_BYLINE = ("byline", "author", "authors", "creator")


class NoArticle(Exception):
    """The record holds no article text; the message says why."""


@dataclass
class Prepared:
    """A record decoded and cleaned by the per-page rules, before the corpus-learnt furniture goes."""

    record: RawRecord
    site: str
    lines: list[str]  # body lines, blank lines and indentation kept (they mark paragraphs)
    fields: dict  # title/date/source/byline/url from a structured format
    clues: Clues = field(default_factory=Clues)


def clean_text(text: str) -> str:
    """Text without control characters, with Unix newlines and single spaces (indentation kept)."""
    text = text.replace("\r\n", "\n").translate(_CONTROL)
    return "\n".join(_SPACES.sub(" ", line).rstrip() for line in text.split("\n"))


def one_line(value) -> str:
    return " ".join(clean_text(str(value)).split())


def source_from_url(url: str) -> str | None:
    """The outlet named by a URL's host: "en.wikinews.org" -> "wikinews", "www.bbc.co.uk" -> "bbc"."""
    host = urlsplit(url).hostname or ""
    parts = [p for p in host.split(".") if p not in ("www", "en", "m", "news", "edition", "mobile", "amp")]
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        parts = parts[:-1]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else None)


def prepare(record: RawRecord) -> Prepared:
    """Decodes the record's format and applies the per-page furniture rules."""
    fields: dict = {}
    if record.kind == "json":
        fields = _json_fields(record.fields)
        text = fields.pop("text")
    elif record.kind == "html":
        from indexer.html_article import NotAnArticle, from_html

        try:
            text, fields = from_html(record.text)
        except NotAnArticle as exc:
            raise NoArticle(str(exc)) from None
    else:
        text = record.text
    lines, clues = strip_page_furniture(logical_lines(clean_text(text).split("\n")))
    return Prepared(record, site_of(record), lines, fields, clues)


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
    source = source or agency or prepared.clues.owner or _folder_source(record)
    article = Article(
        id=record.id,
        path=record.path,
        title=_short(title) if title else _short(paragraphs[0], 80),
        paragraphs=paragraphs,
        date=date_value(fields.get("date")) if fields.get("date") else header.date,
        source=one_line(source) if source else None,
        byline=one_line(fields["byline"]) if fields.get("byline") else header.byline,
        key=record.key,
        titled=bool(title),
    )
    return article


def extract(record: RawRecord, counts: Counts | None = None) -> Article:
    """Both steps at once (for tests and callers that do not learn furniture)."""
    return finish(prepare(record), counts)


@dataclass
class _Header:
    body: list[str]
    title: str | None = None
    date: object = None
    source: str | None = None
    byline: str | None = None


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


def _json_fields(obj: dict) -> dict:
    body = _first(obj, JSON_BODY)
    if not isinstance(body, str) or not body.strip():
        raise NoArticle(f"no text field (looked for {', '.join(JSON_BODY)})")
    found = {"text": body}
    for name, names in (("title", JSON_TITLE), ("date", JSON_DATE), ("byline", JSON_BYLINE), ("url", JSON_URL)):
        value = _first(obj, names)
        if value is not None:
            found[name] = value
    source = _first(obj, JSON_SOURCE)
    if not isinstance(source, str) and isinstance(found.get("url"), str):
        source = source_from_url(found["url"])
    if isinstance(source, str):
        found["source"] = source
    return found


def _first(obj: dict, names: tuple[str, ...]):
    for name in names:
        value = obj.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, (str, int)))
        if isinstance(value, dict):
            value = value.get("name") or value.get("title")
        if value not in (None, "") and not isinstance(value, bool):
            return value
    return None


def _folder_source(record: RawRecord) -> str | None:
    """The outlet named by the folder the user indexed, unless the name is generic ("corpus", "news")."""
    root = record.root if os.path.isdir(record.root) else os.path.dirname(record.root or record.path)
    name = os.path.basename(root.rstrip(os.sep))
    return name if name and name.lower() not in _GENERIC_FOLDERS else None


def _short(text: str, limit: int = MAX_TITLE) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + "…"
