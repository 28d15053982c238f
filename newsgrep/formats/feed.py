"""RSS (0.9x, 1.0, 2.0) and Atom (0.3, 1.0) feeds, read with feedparser: each item is an article.

Per item: title; link (the key, `url`, and the source's host); published date (else updated); authors;
and the fullest text it carries: the longest of its content elements (content:encoded, Atom content) and
its summary/description, HTML reduced to text by html_path.fragment_text (trafilatura refuses short
fragments and is 30x slower on whole ones: see html_text). `source` is the item's own <source> (an
aggregator's item names its outlet there), else the outlet named by the link's host, else the feed's title.

.xml files are feeds only when sniff() says so (a sitemap, an XHTML page or a config file is not); the
registry calls sniff() on the first bytes of files with an extension in AMBIGUOUS.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re

from newsgrep.formats.fields import as_datetime, compact, one_line, source_from_url
from newsgrep.formats.html_text import fragment_text
from newsgrep.formats.records import RawRecord, Skip, SkipFile

NAME = "feed"
EXTENSIONS = (".rss", ".atom", ".xml", ".rdf")
AMBIGUOUS = (".xml", ".rdf")  # other files use these too: the registry asks sniff() first
# Not APPENDABLE: a feed is rewritten (new items first, old ones dropped), never only appended.
SNIFF_BYTES = 4096

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF|channel)[\s>/]", re.I)


def sniff(data: bytes) -> bool:
    """Whether a file's first bytes are a feed's: its root element is <rss>, Atom's <feed>, or RSS 1.0's
    <rdf:RDF> (after the XML declaration, comments and a doctype)."""
    head = bytes(data[:SNIFF_BYTES])
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[2:].decode(encoding, "ignore").encode("utf-8")
            break
    else:
        if head[:2] == b"<\x00":
            head = head.decode("utf-16-le", "ignore").encode("utf-8")
        elif head[:2] == b"\x00<":
            head = head.decode("utf-16-be", "ignore").encode("utf-8")
    head = head.removeprefix(codecs.BOM_UTF8)
    pos = 0
    for _ in range(20):
        prolog = _PROLOG.match(head, pos)
        if not prolog:
            break
        pos = prolog.end()
    root = _ROOT.match(head, pos)
    if not root:
        return False
    name = root.group(1).decode("ascii").lower()
    tag = head[root.start() : head.find(b">", root.start()) + 1 or len(head)]
    if name == "feed":
        return b"/Atom" in tag or b"purl.org/atom" in tag
    if name == "rdf":
        return b"purl.org/rss/1.0" in head or b"netscape.com/publish/formats/rss" in head.lower()
    return name == "rss"


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    """Each item of an RSS or Atom feed as an article."""
    import feedparser

    if not bytes(data[:SNIFF_BYTES]).strip():
        raise SkipFile("empty file")
    parsed = feedparser.parse(bytes(data), sanitize_html=True, resolve_relative_uris=True)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            detail = str(problem).splitlines()[0][:100] if problem else "unreadable XML"
            raise SkipFile(f"not a feed, or a malformed one ({detail})")
        raise SkipFile("feed has no items")
    feed_title = _text(parsed.feed.get("title"), parsed.feed.get("title_detail"))
    records, seen = [], set()
    for number, entry in enumerate(entries, 1):
        link = (entry.get("link") or "").strip()
        key = link or (entry.get("id") or "").strip() or f"item {number}"
        if key in seen:
            key = (entry.get("id") or "").strip()
            if not key or key in seen:
                key = f"{link or 'item'} ({number})"
        seen.add(key)
        title = one_line(_text(entry.get("title"), entry.get("title_detail")))
        text = _fullest(entry)
        if not title and not text:
            skips.append(Skip(f"{path}:{key}", "feed item with neither title nor text"))
            continue
        item_source = entry.get("source") or {}
        source = one_line(item_source.get("title") or "") or (source_from_url(link) if link else None) or feed_title
        fields = {
            "title": title,
            "date": _date(entry),
            "byline": _authors(entry),
            "url": link if link.startswith(("http://", "https://")) else None,
            "source": source,
        }
        records.append(RawRecord(path, key, text, compact(fields), f"{path}#{source or ''}"))
    return records


def _text(value, detail) -> str:
    """A title: feedparser decodes entities in text titles but keeps markup in HTML ones."""
    if not value:
        return ""
    kind = (detail or {}).get("type") or ""
    return fragment_text(value) if any(t in kind for t in _HTML_TYPES) else value


def _fullest(entry) -> str:
    candidates = [(c.get("value") or "", c.get("type") or "") for c in entry.get("content") or []]
    candidates.append((entry.get("summary") or "", (entry.get("summary_detail") or {}).get("type") or "text/html"))
    best = ""
    for value, kind in candidates:
        if not value.strip():
            continue
        text = fragment_text(value) if kind in _HTML_TYPES else value.strip()
        if len(text) > len(best):
            best = text
    return best


def _date(entry):
    """The published date (else updated), as the feed wrote it: RFC 822 and ISO 8601 dates keep their
    wall-clock time (util.as_datetime); other forms feedparser reads (in UTC); else the raw text."""
    for name in ("published", "updated", "created"):
        raw = entry.get(name)
        if not raw or not isinstance(raw, str):
            continue
        written = _written_date(raw.strip())
        if written is not None:
            return written
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            try:
                return dt.datetime(*parsed[:6])
            except (TypeError, ValueError):
                pass
        return raw.strip()[:100]  # a date feedparser could not read either: newsgrep's dates.py may
    return None


def _written_date(raw: str) -> dt.datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        return as_datetime(dt.datetime.fromisoformat(raw))
    except ValueError:
        pass
    try:
        return as_datetime(parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError):
        return None


def _authors(entry) -> str | None:
    names = []
    for author in entry.get("authors") or []:
        name = one_line((author or {}).get("name") or "")
        if name and name not in names:
            names.append(name)
    if not names and entry.get("author") and "@" not in entry.get("author"):
        names.append(one_line(entry["author"]))
    return ", ".join(names) or None
