"""Turns a raw record into a clean `Article`: title, date, source, byline and body paragraphs."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from indexer.records import Article, RawRecord

# C0/C1 control characters other than tab and newline: never index or print them (terminal escapes).
_CONTROL = dict.fromkeys([*range(0, 9), *range(11, 32), 127, *range(128, 160)], None)
_CONTROL[ord("\r")] = "\n"
_BLANK_LINES = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"[ \t\u00a0]+")
_URL = re.compile(r"^https?://\S+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?")
MAX_TITLE = 200
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})

JSON_TITLE = ("title", "headline", "name")
JSON_BODY = ("text", "body", "content", "article", "story", "description", "summary")
JSON_DATE = ("date", "published", "published_at", "publishedAt", "pubdate", "datetime", "time", "created")
JSON_SOURCE = ("source", "outlet", "publisher", "site", "site_name", "feed")
JSON_URL = ("url", "link", "source_url", "href")
JSON_BYLINE = ("byline", "author", "authors", "creator")


class NoArticle(Exception):
    """The record holds no article text; the message says why."""


def clean_text(text: str) -> str:
    """Text without control characters, with Unix newlines and single spaces."""
    text = text.replace("\r\n", "\n").translate(_CONTROL)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines; a text with no blank lines has one paragraph per line."""
    blocks = _BLANK_LINES.split(text) if _BLANK_LINES.search(text) else text.split("\n")
    return [" ".join(block.split()) for block in blocks if block.strip()]


def parse_date(value) -> dt.datetime | None:
    """An ISO 8601 date (or a Unix timestamp) as a naive UTC datetime; None if it is not one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def source_from_url(url: str) -> str | None:
    """The outlet named by a URL's host: "en.wikinews.org" -> "wikinews"."""
    host = urlsplit(url).hostname or ""
    parts = [p for p in host.split(".") if p not in ("www", "en", "m", "news", "edition", "mobile")]
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        parts = parts[:-1]  # bbc.co.uk, abc.net.au
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else None)


def extract(record: RawRecord) -> Article:
    """The clean article in a raw record; raises NoArticle if there is none."""
    article = _from_json(record) if record.kind == "json" else _from_text(record)
    article.key = record.key
    return article


def _from_text(record: RawRecord) -> Article:
    lines = clean_text(record.text).split("\n")
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        raise NoArticle("no text")
    title = lines.pop(0)
    date = source = None
    # A header block under the title: an ISO date line and a URL line (as in the bundled Wikinews files).
    while lines and lines[0] and (_ISO_DATE.match(lines[0]) or _URL.match(lines[0])):
        line = lines.pop(0)
        if _URL.match(line):
            source = source_from_url(line)
        else:
            date = parse_date(line.split()[0])
    paragraphs = split_paragraphs("\n".join(lines))
    if not paragraphs:  # a one-paragraph file: the title line was the text
        paragraphs = [title]
    return Article(record.id, record.path, _short_title(title), paragraphs, date, source)


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


def _from_json(record: RawRecord) -> Article:
    obj = record.fields
    body = _first(obj, JSON_BODY)
    if not isinstance(body, str) or not body.strip():
        raise NoArticle(f"no text field (looked for {', '.join(JSON_BODY)})")
    paragraphs = split_paragraphs(clean_text(body))
    title = _first(obj, JSON_TITLE)
    title = clean_text(str(title)).replace("\n", " ").strip() if title else paragraphs[0]
    source = _first(obj, JSON_SOURCE)
    url = _first(obj, JSON_URL)
    if not isinstance(source, str) and isinstance(url, str):
        source = source_from_url(url)
    byline = _first(obj, JSON_BYLINE)
    return Article(
        record.id,
        record.path,
        _short_title(title),
        paragraphs,
        parse_date(_first(obj, JSON_DATE)),
        clean_text(source).strip() if isinstance(source, str) else None,
        clean_text(str(byline)).strip() if byline else None,
    )


def _short_title(title: str) -> str:
    if len(title) <= MAX_TITLE:
        return title
    cut = title.rfind(" ", 0, MAX_TITLE)
    return title[: cut if cut > 0 else MAX_TITLE] + "…"
