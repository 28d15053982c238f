"""The printers: search results as text for people (colour on a terminal only) or as JSON lines."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable

import click

from search.results import Hit, PassageMatch, SearchResult, iso_date

SHOWN_CHARS = 320  # a longer passage is trimmed around its first matches
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")

Style = Callable[..., str]


def use_color(choice: str, stream) -> bool:
    """--color auto|always|never; auto means a terminal, no NO_COLOR, and not TERM=dumb."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def printable(text: str) -> str:
    """Text safe to write to a terminal: control characters (escape sequences) become U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)


def display_path(path: str, key: str = "") -> str:
    try:
        rel = os.path.relpath(path)
        shown = rel if not rel.startswith("..") else path
    except ValueError:
        shown = path
    return f"{shown}:{key}" if key else shown


def render_json(result: SearchResult, echo: Callable[[str], None]) -> None:
    """One object per hit; with facets asked for, a last line {"facets": {...}}."""
    for hit in result.hits:
        echo(json.dumps(hit.to_dict(), ensure_ascii=False))
    if result.facets:
        echo(json.dumps({"facets": result.facets}, ensure_ascii=False))


def render_human(result: SearchResult, echo: Callable[[str], None], color: bool) -> None:
    def style(text: str, **kw) -> str:
        return click.style(text, **kw) if color else text

    for name, counts in result.facets.items():
        shown_counts = " · ".join(f"{printable(value) or '(none)'} {count}" for value, count in counts.items())
        echo(style(f"by {name}: ", bold=True) + (shown_counts or "nothing matched"))
        echo("")
    for hit in result.hits:
        _render_hit(hit, echo, style, color)
    shown = len(result.hits)
    if shown:
        noun = "article" if result.total == 1 else "articles"
        about = "about " if result.estimated else ""
        echo(style(f"{shown} of {about}{result.total:,} matching {noun} shown ({result.seconds:.3f} s)", dim=True))


def _render_hit(hit: Hit, echo, style: Style, color: bool) -> None:
    copy = style(" [copy]", fg="cyan") if hit.near_duplicate else ""
    echo(f"{style(f'{hit.rank}.', bold=True)} {style(printable(hit.title) or '(untitled)', bold=True)}{copy}")
    meta = [iso_date(hit.date), hit.source, display_path(hit.path, hit.key), f"id {hit.id}"]
    echo("   " + style(" · ".join(printable(m) for m in meta if m), fg="magenta"))
    for passage in hit.passages:
        echo("   " + _passage_line(passage, style, color))
    if hit.duplicates:
        more = len(hit.duplicates)
        listed = "; ".join(
            " ".join(p for p in (copy.source or display_path(copy.path), iso_date(copy.date), f"id {copy.id}") if p)
            for copy in hit.duplicates[:3]
        )
        rest = f"; and {more - 3} more" if more > 3 else ""
        echo("   " + style(f"also in: {more} more ({printable(listed)}{rest})", fg="cyan"))
    echo("")


def _passage_line(passage: PassageMatch, style: Style, color: bool) -> str:
    text, spans = passage.text, passage.highlights
    start, end = _window(text, spans)
    out = ["…"] if start > 0 else []
    at = start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        out.append(_flat(text[at:s]))
        word = _flat(text[s:e])
        out.append(style(word, fg="red", bold=True) if color else f"**{word}**")
        at = e
    out.append(_flat(text[at:end]))
    if end < len(text):
        out.append("…")
    return "".join(out).strip()


def _flat(text: str) -> str:
    return printable(_SPACE.sub(" ", text))


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The part of a passage to show: all of it if short, else SHOWN_CHARS around the first matches,
    cut at spaces."""
    if len(text) <= SHOWN_CHARS:
        return 0, len(text)
    first = spans[0][0] if spans else 0
    start = max(0, first - SHOWN_CHARS // 4)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SHOWN_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
