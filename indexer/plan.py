"""Plans an indexing run: the roots it covers, and which of their files are new, changed or gone.

Files whose size and mtime match the manifest are counted unchanged without being read. A new or changed
file whose ending is ambiguous (`.xml`) is an article file only if its format recognises its first bytes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsgrep import formats
from newsgrep.errors import PathMissing
from newsgrep.formats.records import Skip
from newsgrep.indexer import sources
from newsgrep.indexer.records import SourceFile
from newsgrep.indexer.report import IndexReport
from newsgrep.store.manifest import FileEntry, Manifest

BUNDLED_CORPUS = "corpus"


@dataclass
class Continuation:
    """Where this run goes on reading a big appendable file it reads piece by piece."""

    start: int  # the byte the next piece starts at
    hashed: int  # the bytes `hashing` has seen (from the file's start; at least `start`)
    hashing: Any  # sources.hasher() over them
    ids: set[str] = field(default_factory=set)  # article ids the file's records have taken so far
    keys: dict[str, list[int]] = field(default_factory=dict)  # the file's furniture keys so far, per site


@dataclass
class Planned:
    """A file to (re)index, and what the manifest knew of it (or, for a piece of a file read piece by
    piece, what the pieces before it made of it)."""

    source: SourceFile
    previous: FileEntry | None
    continued: Continuation | None = None


@dataclass
class Plan:
    found: dict[str, SourceFile]  # every article file under the roots that could be listed
    gone: list[str]  # indexed files no longer there
    todo: list[Planned]  # new and changed files


def merge_roots(old: list[str], new: list[str]) -> list[str]:
    """The union, without roots inside other roots."""
    roots = sorted(set(old) | set(new))
    return [r for r in roots if not any(r != o and r.startswith(o.rstrip(os.sep) + os.sep) for o in roots)]


def default_roots() -> list[str]:
    if os.path.isdir(BUNDLED_CORPUS):
        return [os.path.abspath(BUNDLED_CORPUS)]
    raise PathMissing("nothing to index: give a folder of articles, e.g. `newsgrep index corpus/`")


def under(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


_FUTURE_SEEN: dict[tuple[str, int, int], float] = {}  # files stamped in the future: when this process first saw them


def _unsettled(source: SourceFile, recent: int, settle: float) -> bool:
    """Whether the file was modified less than `settle` seconds ago. A file stamped in the future (a
    clock ahead, an archive's dates) cannot say so by its mtime: it has settled once it has kept its
    size and mtime for `settle` seconds of this process's scans (`watch`)."""
    if source.mtime_ns <= recent:
        return False
    if source.mtime_ns <= time.time_ns() + 1_000_000_000:
        return True
    key = (source.path, source.size, source.mtime_ns)
    first = _FUTURE_SEEN.setdefault(key, time.monotonic())
    if len(_FUTURE_SEEN) > 100_000:
        _FUTURE_SEEN.clear()
    return time.monotonic() - first < settle


def plan_run(
    manifest: Manifest, roots: list[str], report: IndexReport, settle: float, keep: Callable[[str], bool] | None = None
) -> Plan:
    """Scans the roots (`keep`: only the files it keeps, as a shard of a sharded index does). Files
    modified less than `settle` seconds ago are left for a later run, except those whose format tells a
    record still being written from a complete one (a crawler appends to its WARC for hours: its complete
    records are read, the one being written is left for the next run)."""
    known = manifest.stamps()
    found: dict[str, SourceFile] = {}
    scanned_roots = []
    skips: list[Skip] = []
    unlisted: list[str] = []  # folders that could not be listed: their files are not gone
    for root in roots:
        if not os.path.exists(root):
            skips.append(Skip(root, "root is missing: its articles are kept (index it again when it is back)"))
            continue
        scanned_roots.append(root)
        for source in sources.find_files(root, skips, report.ignored, unlisted):
            if keep is None or keep(source.path):
                found.setdefault(source.path, source)
    report.skip(*skips)

    changed = []
    recent = time.time_ns() - int(settle * 1e9)
    for path, source in list(found.items()):
        if known.get(path) == (source.size, source.mtime_ns):
            report.unchanged += 1
        elif not sources.claimed(path):
            del found[path]  # not an article file after all (or no longer): its articles, if any, go
        elif settle and _unsettled(source, recent, settle) and not formats.read_while_written(formats.format_for(path)):
            report.deferred += 1
        else:
            changed.append(source)
    # gone: files no longer under a root that could be scanned (or no longer article files), and files under
    # no root at all (their root was forgotten: `newsgrep roots --forget`)
    gone = [
        path
        for path in known
        if path not in found
        and (under(path, scanned_roots) or not under(path, roots))
        and not (unlisted and under(path, unlisted))
    ]
    previous = manifest.entries([source.path for source in changed if source.path in known])
    return Plan(found, gone, [Planned(source, previous.get(source.path)) for source in changed])
