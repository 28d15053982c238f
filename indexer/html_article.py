"""HTML pages: the article's text and metadata, by trafilatura (made for news pages: it drops navigation
and comments, and reads titles, dates, site names and authors from meta tags and JSON-LD)."""

from __future__ import annotations


class NotAnArticle(Exception):
    pass


def from_html(page: str) -> tuple[str, dict]:
    """(body text with one paragraph a line, metadata fields title/date/source/byline/url)."""
    import trafilatura

    document = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if document is None:
        raise NotAnArticle("no article text found in the HTML")
    found = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = found.get("text") or ""
    if not text.strip():
        raise NotAnArticle("no article text found in the HTML")
    fields = {
        "title": found.get("title"),
        "date": found.get("date"),
        "source": found.get("sitename") or found.get("hostname"),
        "byline": found.get("author"),
        "url": found.get("url"),
    }
    return text, {k: v for k, v in fields.items() if v}
