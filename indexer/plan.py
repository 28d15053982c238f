"""Plans an indexing run: the roots it covers, and which of their files are new, changed or gone.

Files whose size and mtime match the manifest are counted unchanged without being read.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from newsgrep.errors import PathMissing
from newsgrep.formats.records import Skip
from newsgrep.indexer import sources
from newsgrep.indexer.records import SourceFile
from newsgrep.indexer.report import IndexReport
from newsgrep.store.manifest import FileEntry, Manifest

BUNDLED_CORPUS = "corpus"


@dataclass
class Planned:
    """A file to (re)index, and what the manifest knew of it."""

    source: SourceFile
    previous: FileEntry | None


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


def plan_run(manifest: Manifest, roots: list[str], report: IndexReport, settle: float) -> Plan:
    """Scans the roots. Files modified less than `settle` seconds ago are left for a later run."""
    known = manifest.stamps()
    found: dict[str, SourceFile] = {}
    scanned_roots = []
    skips: list[Skip] = []
    for root in roots:
        if not os.path.exists(root):
            skips.append(Skip(root, "root is missing: its articles are kept (index it again when it is back)"))
            continue
        scanned_roots.append(root)
        for source in sources.find_files(root, skips, report.ignored):
            found.setdefault(source.path, source)
    report.skip(*skips)

    # gone: files no longer under a root that could be scanned, and files under no root at all (their
    # root was forgotten: `newsgrep roots --forget`)
    gone = [path for path in known if path not in found and (under(path, scanned_roots) or not under(path, roots))]
    changed = []
    recent = time.time_ns() - int(settle * 1e9)
    for path, source in found.items():
        if known.get(path) == (source.size, source.mtime_ns):
            report.unchanged += 1
        elif settle and source.mtime_ns > recent:
            report.deferred += 1
        else:
            changed.append(source)
    previous = manifest.entries([source.path for source in changed if source.path in known])
    return Plan(found, gone, [Planned(source, previous.get(source.path)) for source in changed])
