"""What the benchmark prints: result lines on stdout (kept, so the JSON can hold them) and progress notes
on stderr."""

from __future__ import annotations

import sys


class Console:
    """Result lines, printed as they come and kept in `lines`."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def emit(self, text: str = "") -> None:
        self.lines.append(text)
        print(text, flush=True)


def progress(message: str) -> None:
    """A note on stderr saying what the benchmark is doing now."""
    print(f"… {message}", file=sys.stderr, flush=True)
