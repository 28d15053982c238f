"""HTML pages: the article's text and metadata, by trafilatura (made for news pages: it drops navigation
and comments, and reads titles, dates, site names and authors from meta tags and JSON-LD)."""

from __future__ import annotations

from newsgrep.formats.decoding import decode
from newsgrep.formats.fields import folder_site
from newsgrep.formats.records import RawRecord, Skip, SkipFile

NAME = "html"
EXTENSIONS = (".html", ".htm")


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    text, fields = from_html(decode(data))
    return [RawRecord(path, "", text, fields, folder_site(path))]


def from_html(page: str) -> tuple[str, dict]:
    """(body text with one paragraph a line, metadata fields title/date/source/byline/url); raises
    SkipFile when the page holds no article text."""
    import trafilatura

    document = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if document is None:
        raise SkipFile("no article text found in the HTML")
    found = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = found.get("text") or ""
    if not text.strip():
        raise SkipFile("no article text found in the HTML")
    fields = {
        "title": found.get("title"),
        "date": found.get("date"),
        "source": found.get("sitename") or found.get("hostname"),
        "byline": found.get("author"),
        "url": found.get("url"),
    }
    return text, {k: v for k, v in fields.items() if v}
