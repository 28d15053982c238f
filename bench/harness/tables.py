"""Numbers as the benchmark prints them, and plain-text tables of them."""

from __future__ import annotations

import math


def fmt(value: float | int | None, digits: int = 1) -> str:
    """A figure for a table: thousands separated, more decimals for small numbers, "-" for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{max(digits, 2) if abs(value) < 10 else digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    """a ÷ b, or None when either is missing (or NaN) or b is 0."""
    if a is None or b is None or not b or (isinstance(a, float) and math.isnan(a)) or math.isnan(b):
        return None
    return a / b


def short_ratio(x: float | None) -> str:
    """A ratio with three significant digits, "-" for none."""
    return f"{x:.3g}" if x is not None else "-"


def table(title: str, header: list[str], rows: list[list]) -> str:
    """A title line, then the header, a rule and the rows: the first column left-aligned, the others right."""
    cells = [header] + [[c if isinstance(c, str) else fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title]
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  " + "  ".join(parts).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)
