"""HTML pages: the article's text and metadata, by trafilatura (made for news pages: it drops navigation
and comments, and reads titles, dates, site names and authors from meta tags and JSON-LD)."""

from __future__ import annotations

from newsgrep.formats.decoding import decode
from newsgrep.formats.fields import folder_site
from newsgrep.formats.html_text import from_html
from newsgrep.formats.records import RawRecord, Skip

NAME = "html"
EXTENSIONS = (".html", ".htm")


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    text, fields = from_html(decode(data))
    return [RawRecord(path, "", text, fields, folder_site(path))]


__all__ = ["NAME", "EXTENSIONS", "read", "from_html"]
