"""The input formats newsgrep reads: a registry of small modules, one a format.

Each module declares `NAME`, the file name endings it reads (`EXTENSIONS`, lower case) and
`read(path, data, skips) -> list[RawRecord]`, which turns a file's bytes into raw records (decoding
text is the format's own job). It raises SkipFile when the whole file is unusable and appends a Skip
per bad record. Adding a format is one module and one line in FORMATS. A module may also declare:

- `AMBIGUOUS` (endings other files use too, such as `.xml`) and `sniff(head) -> bool`: a file with such
  an ending is the format's only if `sniff` says so from its first SNIFF_BYTES; else it is not an
  article file at all (not a skip).
- `EXTRA` and `LIBRARIES`: the optional extra (`pip install 'newsgrep[documents]'`) that installs the
  libraries it needs; without them its files are counted and reported once, not read.
- `MAX_BYTES`: the largest file it reads (default MAX_FILE_BYTES; None: no limit, for formats that read
  a file piece by piece).
- `APPENDABLE` and `read_from(path, data, skips, offset, stop) -> Piece`: files that grow by appending
  records (web archives, JSON Lines, mailboxes) are read from a record boundary on, stopping at the first
  record that starts at or after `stop`; keys stay those of a whole read. `data` may be a memory map.
- `READ_WHILE_WRITTEN`: an incomplete last record is detected (and left for the next read), so the
  file may be read while it is still being appended to.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

from newsgrep.formats import docx, eml, feed, html, json, jsonl, markdown, mbox, pdf, text, warc
from newsgrep.formats.records import MissingExtra, Piece, RawRecord, Skip, SkipFile

FORMATS: tuple[ModuleType, ...] = (
    text,
    html,
    json,
    jsonl,
    warc,
    feed,
    markdown,
    pdf,
    docx,
    eml,
    mbox,
)

MAX_FILE_BYTES = 50 * 1024 * 1024  # a news article is never this big; such a file is a mistake, skipped
SNIFF_BYTES = 4096  # what `sniff` sees of a file

_BY_SUFFIX: dict[str, list[tuple[str, ModuleType]]] = {}  # last suffix -> [(whole ending, format)], longest first
for _format in FORMATS:
    for _ending in _format.EXTENSIONS:
        _BY_SUFFIX.setdefault("." + _ending.rsplit(".", 1)[1], []).append((_ending, _format))
for _endings in _BY_SUFFIX.values():
    _endings.sort(key=lambda item: -len(item[0]))


def _match(name: str) -> tuple[str, ModuleType] | None:
    """(the ending, the format) of the longest registered ending a file name has."""
    dot = name.rfind(".")
    if dot <= 0 or "/" in name[dot:]:
        return None
    candidates = _BY_SUFFIX.get(name[dot:].lower())
    if not candidates:
        return None
    lowered = name.lower()
    for ending, module in candidates:
        if lowered.endswith(ending) and len(lowered) > len(ending) and lowered[-len(ending) - 1] != "/":
            return ending, module
    return None


def format_for(name: str, head: bytes | None = None) -> ModuleType | None:
    """The format that reads a file of this name (or path), or None. For an ambiguous ending (`.xml`),
    given the file's first bytes, the format only if it recognises them; without them, the candidate."""
    found = _match(name)
    if found is None:
        return None
    ending, module = found
    if head is not None and ending in getattr(module, "AMBIGUOUS", ()):
        return module if module.sniff(head[:SNIFF_BYTES]) else None
    return module


def is_ambiguous(name: str) -> bool:
    """Whether a file of this name is its format's only if `sniff` recognises its first bytes."""
    found = _match(name)
    return found is not None and found[0] in getattr(found[1], "AMBIGUOUS", ())


def ending(name: str) -> str:
    """The registered ending a file name has (".warc.gz", ".pdf"), or ""."""
    found = _match(name)
    return found[0] if found else ""


def missing_extra(module: ModuleType) -> str | None:
    """The extra to install before the format can read its files, or None when its libraries are there."""
    extra = getattr(module, "EXTRA", None)
    if extra is None:
        return None
    for library in getattr(module, "LIBRARIES", ()):
        try:
            if importlib.util.find_spec(library) is None:
                return extra
        except (ImportError, ValueError):  # a parent package missing, or a module blocked in sys.modules
            return extra
    return None


def max_bytes(module: ModuleType) -> int | None:
    """The largest file the format reads (None: any size, read piece by piece)."""
    return getattr(module, "MAX_BYTES", MAX_FILE_BYTES)


def appendable(module: ModuleType | None) -> bool:
    return bool(getattr(module, "APPENDABLE", False))


def read_while_written(module: ModuleType | None) -> bool:
    return bool(getattr(module, "READ_WHILE_WRITTEN", False))


def read_records(path: str, data, skips: list[Skip]) -> list[RawRecord]:
    """The raw records of one file's bytes, by the format its name says (plain text if none does)."""
    module = format_for(path) or text
    if is_ambiguous(path) and not module.sniff(bytes(data[:SNIFF_BYTES])):
        raise SkipFile(f"not a {module.NAME} file")  # it changed since it was found
    return _guarded(module, lambda: module.read(path, data, skips))


def read_piece(path: str, data, skips: list[Skip], offset: int = 0, stop: int | None = None) -> Piece:
    """The records of an appendable file from byte `offset` (a record boundary) on, up to the first record
    starting at or after `stop`."""
    module = format_for(path)
    if module is None or not appendable(module):
        raise ValueError(f"not an appendable format: {path}")
    return _guarded(module, lambda: module.read_from(path, data, skips, offset, stop))


def _guarded(module: ModuleType, read):
    """Runs a format's read: anything but SkipFile and MissingExtra becomes SkipFile, so that one hostile
    file can never stop the indexer (a library bug, a RecursionError, a MemoryError). The SkipFile is
    raised outside the handler, so that it holds no traceback (whose frames may hold views of a memory
    map the caller is about to close)."""
    try:
        return read()
    except (SkipFile, MissingExtra, KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except RecursionError:
        reason = f"unreadable {module.NAME} file (nested too deeply)"
    except MemoryError:
        reason = f"unreadable {module.NAME} file (out of memory)"
    except BaseException as exc:  # noqa: BLE001 - the contract: nothing else escapes. BaseException: Rust
        # bindings (FastWARC's pyo3) raise PanicException, which is not an Exception.
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        reason = f"unreadable {module.NAME} file ({type(exc).__name__}{': ' + detail if detail else ''})"
    raise SkipFile(reason)


__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "MissingExtra",
    "Piece",
    "RawRecord",
    "Skip",
    "SkipFile",
    "appendable",
    "ending",
    "format_for",
    "is_ambiguous",
    "max_bytes",
    "missing_extra",
    "read_piece",
    "read_records",
    "read_while_written",
]
