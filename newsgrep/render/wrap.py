"""Text laid out for a terminal: words wrapped at its width (never inside a word), continuation lines
indented, matched words marked (colour, `**like this**`, or nothing), widths counted in terminal cells
(wide East Asian characters take two, combining marks none)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_WORD = re.compile(r"\S+")


def cell_width(text: str) -> int:
    """Terminal cells `text` takes."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def wrap_marked(
    text: str,
    spans: list[tuple[int, int]],
    width: int | None,
    indent: str,
    mark: Callable[[str, bool, bool], str],
    first_indent: str | None = None,
    mark_cells: int = 0,
) -> list[str]:
    """`text` (one paragraph: runs of white space count as one space) as lines of at most `width` cells,
    the first starting with `first_indent` (default `indent`), the others with `indent`; each run of
    characters inside `spans` on one word is passed through `mark(run, opens, closes)` (whether the span
    starts and ends there: a span over several words opens on the first and closes on the last), which
    adds `mark_cells` visible cells at each end it marks (2 for `**`, 0 for colour). `width` None: one
    line."""
    marked = [False] * len(text)
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(text))):
            marked[i] = True
    words = []  # (shown text, cells)
    for match in _WORD.finditer(text):
        pieces: list[str] = []
        cells, at = 0, match.start()
        while at < match.end():
            run_end = at
            while run_end < match.end() and marked[run_end] == marked[at]:
                run_end += 1
            piece = text[at:run_end]
            if marked[at]:
                opens = at == 0 or not marked[at - 1]  # a span across spaces is marked once, not per word
                closes = run_end == len(text) or not marked[run_end]
                pieces.append(mark(piece, opens, closes))
                cells += cell_width(piece) + mark_cells * (opens + closes)
            else:
                pieces.append(piece)
                cells += cell_width(piece)
            at = run_end
        words.append(("".join(pieces), cells))
    lead = indent if first_indent is None else first_indent
    lines: list[str] = []
    line, used = lead, cell_width(lead)
    empty = True
    for shown, cells in words:
        if not empty and width is not None and used + 1 + cells > width:
            lines.append(line)
            line, used, empty = indent, cell_width(indent), True
        if not empty:
            line += " "
            used += 1
        line += shown
        used += cells
        empty = False
    lines.append(line)
    return lines
