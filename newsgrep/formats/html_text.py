"""HTML to article text, for every format that carries HTML: whole pages through trafilatura (made for
news pages: it drops navigation and comments, and reads titles, dates, site names and authors from meta
tags and JSON-LD), fragments (feed items, e-mail parts, HTML inside Markdown) through a light lxml walk
that keeps every text node, and page bytes to text by their declared charset.

trafilatura refuses short fragments (favor_precision, and its minimum extracted size) and is about 30x
slower than the walk on whole ones, where it has no furniture to drop anyway: fragments take
`fragment_text`.
"""

from __future__ import annotations

import re

from newsgrep.formats.decoding import decode_declared
from newsgrep.formats.records import SkipFile


class NoArticleText(SkipFile):
    """The page holds no article text (a section front, an error page, a page of links)."""


def from_html(page: str, url: str | None = None) -> tuple[str, dict]:
    """(body text with one paragraph a line, metadata fields title/date/source/byline/url); raises
    NoArticleText when the page holds no article text. `url` (a crawl's target URI) helps trafilatura
    with relative links and the host name."""
    import trafilatura

    document = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if document is None:
        raise NoArticleText("no article text found in the HTML")
    found = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = found.get("text") or ""
    if not text.strip():
        raise NoArticleText("no article text found in the HTML")
    fields = {
        "title": found.get("title"),
        "date": found.get("date"),
        "source": found.get("sitename") or found.get("hostname"),
        "byline": found.get("author"),
        "url": found.get("url"),
    }
    return text, {k: v for k, v in fields.items() if v}


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def page_text(payload: bytes, charset: str | None = None) -> str:
    """An HTML page's bytes as text: BOM, valid UTF-8, the declared charset (HTTP header, else the page's
    own <meta charset>), else charset-normalizer's guess."""
    if not charset:
        match = _META_CHARSET.search(payload[:4096])
        charset = match.group(1).decode("ascii") if match else None
    return decode_declared(payload, charset)


_BLOCK = frozenset(
    "address article aside blockquote body dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header "
    "hr li main nav ol p pre section table tbody thead tfoot tr ul td th caption center".split()
)
_DROP = frozenset("script style noscript template head title iframe object embed svg math button select".split())
_SPACE = re.compile(r"\s+")


def fragment_text(html: str) -> str:
    """The text of an HTML fragment, one block (paragraph, heading, list item, cell) a line; scripts and
    styles dropped, every other text node kept."""
    if not html or not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return "\n".join(" ".join(line.split()) for line in html.splitlines()).strip()
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):  # nested past libxml2's depth limit, or no element at all
        return _stripped(html)
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            line = _SPACE.sub(" ", "".join(current)).strip()
            if line:
                lines.append(line)
            current.clear()

    # An explicit stack, not recursion: a hostile fragment may nest thousands of elements deep.
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.rpartition("}")[2].lower() if isinstance(element.tag, str) else ""  # type: ignore[attr-defined]
        tail = element.tail  # type: ignore[attr-defined]
        if closing:
            if tag in _BLOCK or tag == "br":
                flush()
            if tail and element is not root:
                current.append(tail)
            continue
        if not tag or tag in _DROP:  # comments, processing instructions, scripts: their tail text stays
            if tail:
                current.append(tail)
            continue
        if tag in _BLOCK:
            flush()
        if element.text:  # type: ignore[attr-defined]
            current.append(element.text)  # type: ignore[attr-defined]
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))  # type: ignore[call-overload]
    flush()
    return "\n".join(lines) if lines or "<" not in html else _stripped(html)


_TAG = re.compile(r"<(?:script|style)\b.*?</(?:script|style)\s*>|<!--.*?-->|<[^>]*>", re.I | re.S)
_BLOCK_TAG = re.compile(r"<\s*(?:/?(?:p|div|li|h[1-6]|tr|blockquote|section|article)\b|br)[^>]*>", re.I)


def _stripped(html: str) -> str:
    """Tags removed by pattern: the fallback when lxml gives up on a fragment."""
    import html as html_module

    text = _TAG.sub(" ", _BLOCK_TAG.sub("\n", html))
    return "\n".join(" ".join(line.split()) for line in html_module.unescape(text).splitlines() if line.strip())
