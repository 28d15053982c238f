"""Text for a terminal: paths as the user would type them, control characters made harmless, colour only
where it belongs."""

from __future__ import annotations

import os
import re

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


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
    """The path relative to the current folder when it lies under it, with a feed record's key."""
    try:
        rel = os.path.relpath(path)
        shown = rel if not rel.startswith("..") else path
    except ValueError:
        shown = path
    return f"{shown}:{key}" if key else shown


def plural(count: int, noun: str) -> str:
    """ "1 article", "2 articles", "1,303 articles"."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def process_seconds() -> float | None:
    """Seconds since this process started (what the user waited for a command, start-up included), from
    Linux's /proc; None elsewhere."""
    try:
        with open("/proc/self/stat") as f:
            after_name = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - int(after_name[19]) / os.sysconf("SC_CLK_TCK"))  # field 22: start time
    except (OSError, ValueError, IndexError):
        return None


def terminal_width(stream) -> int | None:
    """The width to wrap at: the terminal's ($COLUMNS first) when `stream` is one, else None (no wrapping:
    one line a passage, for grep and scripts)."""
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return None
    import shutil

    return max(shutil.get_terminal_size().columns, 20)
