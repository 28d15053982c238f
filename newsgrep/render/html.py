"""The HTML printer: `newsgrep serve`'s results page, article page and messages, rendered with Jinja2 from
the same result objects the terminal and JSON printers print.

Autoescaping is on for every template: whatever an article holds (a title with `<script>`, a body with
`<img onerror=...>`) reaches the page as text. Marked words are split out in Python as (text, marked)
segments, so no markup is ever built from article text outside the templates. Addresses come from a
`Links` object the server passes in; this module knows no URL but its own static files'.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from newsgrep.render.charts import BarChart, column_chart, row_chart
from newsgrep.render.notes import fallback_note
from newsgrep.render.text import display_path
from newsgrep.search.results import format_date

if TYPE_CHECKING:
    from newsgrep.search.results import ReadArticle, SearchResult, Timeline

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
EXCERPT_CHARS = 360  # a hit's passage is shown trimmed to about this around its first matches
SOURCES_SHOWN = 12  # rows of the per-source chart; the rest are counted under it
FLUSH = "<!-- sent first: what follows is counted once this is out -->"
LINKABLE_SCHEMES = ("http://", "https://")  # an article's URL is a link only with these; else it is text
EMPTY_FORM: dict[str, str | bool] = {
    "q": "",
    "since": "",
    "until": "",
    "sort": "relevance",
    "any_word": False,
    "no_collapse": False,
}


class Links(Protocol):
    """The server's addresses for what a page links to."""

    def query(self, text: str) -> str: ...

    def page(self, offset: int) -> str: ...

    def period(self, label: str) -> str: ...

    def by(self, period: str) -> str: ...

    def source(self, name: str) -> str | None: ...

    def article(self, article_id: str, passage: int | None = None) -> str: ...

    def file(self, article_id: str) -> str: ...


@dataclass
class Charts:
    """What the results page draws beside the hits: the query's timeline and its matches per source."""

    timeline: Timeline | None
    sources: dict[str, int]  # {source: articles}, most first ("": no known source)


@dataclass
class ResultsPage:
    """What the results page shows: the form's values, the search's result (one page of its hits), and a
    call that gives the charts: made only once the hits are out (`HtmlPages.results_parts`)."""

    links: Links
    form: dict[str, str | bool]  # the search form's fields, as EMPTY_FORM
    result: SearchResult | None = None  # None: no query yet
    charts: Callable[[], Charts] | None = None
    offset: int = 0  # hits before this page's
    limit: int = 10
    more: bool = False  # the search has hits after this page's
    error: str | None = None
    started: float = field(default_factory=time.monotonic)  # when the request came (for the footer)


@dataclass
class ArticlePage:
    links: Links
    form: dict[str, str | bool]
    read: ReadArticle
    query: str = ""
    similar: Callable[[], SearchResult | None] | None = None  # made once the article is out


@dataclass(frozen=True)
class Block:
    """A run of the article's body to show: one of its passages (or text between passages), as paragraphs
    of (text, marked) segments."""

    number: int | None  # the passage's number, None for text outside any passage
    rank: int | None  # 1 for the passage that matched best, 2 for the next...; None if it did not match
    paragraphs: list[list[tuple[str, bool]]]


class HtmlPages:
    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            segments=segments,
            excerpt=excerpt,
            display_path=display_path,
            date=format_date,
            http_url=http_url,
            period=period_words,
        )

    def results(self, page: ResultsPage) -> str:
        return "".join(self.results_parts(page))

    def results_parts(self, page: ResultsPage) -> Iterator[str]:
        """The results page in two parts: up to the last hit, then the charts and the rest. The charts are
        made (their queries run) only when the second part is asked for, so a server can send the hits
        first: the hits arrive as fast as the search itself, the charts follow."""
        result = page.result
        context: dict = {"page": page, "form": page.form, "links": page.links, "flush": FLUSH}
        context["elapsed"] = lambda: time.monotonic() - page.started
        if result is not None:
            context.update(
                hits=result.hits,
                first=page.offset + 1,
                last=page.offset + len(result.hits),
                fallback=fallback_note(result) if result.fallback else None,
                panels=lambda: chart_panels(page),
            )
        return _in_two(self.env.get_template("results.html").generate(context))

    def article(self, page: ArticlePage) -> str:
        return "".join(self.article_parts(page))

    def article_parts(self, page: ArticlePage) -> Iterator[str]:
        """The article page in two parts: the article, then its similar stories (found only then)."""
        read = page.read
        context = {
            "page": page,
            "form": page.form,
            "links": page.links,
            "flush": FLUSH,
            "article": read.article,
            "title": segments(read.article.title or "(untitled)", read.title_highlights),
            "blocks": article_blocks(read),
            "matched": read.matched,
            "similar": lambda: page.similar() if page.similar else None,
        }
        return _in_two(self.env.get_template("article.html").generate(context))

    def alerts(self, panels: list, links) -> str:
        """The saved searches (newsgrep.web.app.AlertPanel), each with its last fired articles."""
        return self.env.get_template("alerts.html").render(panels=panels, links=links, form=EMPTY_FORM)

    def message(self, title: str, text: str, form: dict | None = None) -> str:
        return self.env.get_template("message.html").render(title=title, text=text, form=form or EMPTY_FORM)


def _in_two(pieces: Iterator[str]) -> Iterator[str]:
    """A template's output as two strings: up to the FLUSH mark (sent at once), and the rest (whose
    template calls run only when it is asked for)."""
    done: list[str] = []
    for piece in pieces:
        done.append(piece)
        if FLUSH in piece:
            yield "".join(done)
            done = []
    yield "".join(done)


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut at the `spans` (start, end): [(text, marked)], in order, empty pieces left out."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out


def excerpt(text: str, spans: list[tuple[int, int]], chars: int = EXCERPT_CHARS) -> list[tuple[str, bool]]:
    """The part of a passage a hit shows: all of it when short, else about `chars` around its first
    matches, cut at spaces, with "…" where text was left out; as `segments`."""
    if len(text) <= chars * 1.2:
        return segments(text, spans)
    first = spans[0][0] if spans else 0
    start = max(0, first - chars // 4)
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end]
    pieces = segments(text[start:end], inside)
    return ([("…", False)] if start else []) + pieces + ([("…", False)] if end < len(text) else [])


def article_blocks(read: ReadArticle) -> list[Block]:
    """The body as blocks: each passage (ranked if it matched) and any text between them, each split into
    paragraphs, with the query's words marked."""
    body = read.article.body
    ranks = {number: rank for rank, number in enumerate(read.matched, 1)}
    pieces: list[tuple[int | None, int, int]] = []
    at = 0
    for number, (start, end) in enumerate(read.passages):
        if body[at:start].strip():
            pieces.append((None, at, start))
        pieces.append((number, start, end))
        at = max(at, end)
    if body[at:].strip():
        pieces.append((None, at, len(body)))
    blocks = []
    for piece, start, end in pieces:
        paragraphs = []
        cursor = start
        for part in body[start:end].split("\n\n"):
            part_start = body.index(part, cursor) if part else cursor
            cursor = part_start + len(part)
            if not part.strip():
                continue
            spans = [(s - part_start, e - part_start) for s, e in read.highlights if e > part_start and s < cursor]
            paragraphs.append(segments(part, spans))
        blocks.append(Block(piece, ranks.get(piece) if piece is not None else None, paragraphs))
    return blocks


def chart_panels(page: ResultsPage) -> dict:
    """The charts' panels: made here, from `page.charts()`, when the template reaches them."""
    if page.charts is None:
        return {"timeline": None, "timeline_chart": None, "sources_chart": None}
    charts = page.charts()
    sources = charts.sources
    return {
        "timeline": charts.timeline,
        "timeline_chart": timeline_chart(charts.timeline, page.links) if charts.timeline else None,
        "sources_chart": sources_chart(sources, page.links),
        "sources_left": max(len([name for name in sources if name]) - SOURCES_SHOWN, 0),
        "unknown_source": sources.get("", 0),
    }


def timeline_chart(timeline: Timeline, links: Links) -> BarChart | None:
    if not timeline.counts:
        return None
    return column_chart(timeline.counts, links.period)


def sources_chart(counts: dict[str, int], links: Links) -> BarChart | None:
    named = [(name, count) for name, count in counts.items() if name][:SOURCES_SHOWN]
    if not named:
        return None
    return row_chart(named, links.source)


def http_url(url: str | None) -> str | None:
    """The URL if it is one a page may link to (http or https), else None: a `javascript:` or `data:`
    address from an article is shown as text, never as a link."""
    if url and url.strip().lower().startswith(LINKABLE_SCHEMES) and url == url.strip():
        return url
    return None


def period_words(label: str) -> str:
    """ "2009-07" -> "July 2009", for a bar's tooltip."""
    try:
        if len(label) == 7:
            return dt.date.fromisoformat(label + "-01").strftime("%B %Y")
        if len(label) == 10:
            return dt.date.fromisoformat(label).strftime("%-d %B %Y")
    except ValueError:
        pass
    return label
