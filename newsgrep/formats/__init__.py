"""The input formats newsgrep reads: a registry of small modules, one a format.

Each module declares `NAME`, the file name endings it reads (`EXTENSIONS`, lower case) and
`read(path, data, skips) -> list[RawRecord]`, which turns a file's bytes into raw records (decoding
text is the text formats' own job). It raises SkipFile when the whole file is unusable and appends a
Skip per bad record. Adding a format is one module and one line in FORMATS.
"""

from __future__ import annotations

from types import ModuleType

from newsgrep.formats import html, json, jsonl, text
from newsgrep.formats.records import RawRecord, Skip, SkipFile

FORMATS: tuple[ModuleType, ...] = (text, html, json, jsonl)

_BY_SUFFIX: dict[str, list[tuple[str, ModuleType]]] = {}  # last suffix -> [(whole ending, format)], longest first
for _format in FORMATS:
    for _ending in _format.EXTENSIONS:
        _BY_SUFFIX.setdefault("." + _ending.rsplit(".", 1)[1], []).append((_ending, _format))
for _endings in _BY_SUFFIX.values():
    _endings.sort(key=lambda item: -len(item[0]))


def format_for(name: str) -> ModuleType | None:
    """The format that reads a file of this name (or path), or None."""
    dot = name.rfind(".")
    if dot <= 0 or "/" in name[dot:]:
        return None
    candidates = _BY_SUFFIX.get(name[dot:].lower())
    if not candidates:
        return None
    lowered = name.lower()
    for ending, module in candidates:
        if lowered.endswith(ending) and len(lowered) > len(ending) and lowered[-len(ending) - 1] != "/":
            return module
    return None


def read_records(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    """The raw records of one file's bytes, by the format its name says (plain text if none does)."""
    return (format_for(path) or text).read(path, data, skips)


__all__ = ["FORMATS", "RawRecord", "Skip", "SkipFile", "format_for", "read_records"]
