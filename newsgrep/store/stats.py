"""What an index holds: article and passage counts, roots (with their own counts), size on disk, last
update."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass

from newsgrep.store import whoosh_internals
from newsgrep.store.layout import IndexDir, resolve_index_dir, whoosh_path
from newsgrep.store.manifest import Manifest


@dataclass
class IndexStats:
    index: str
    articles: int
    passages: int
    roots: list[str]
    bytes: int
    updated: str | None  # ISO 8601, UTC
    files: int
    skipped_files: int
    segments: int

    def to_dict(self) -> dict:
        return asdict(self)


def index_stats(index_dir=None) -> IndexStats:
    index = IndexDir(resolve_index_dir(index_dir))
    ix = index.open_whoosh()
    gen = index.current()
    with ix.searcher() as searcher:
        articles = searcher.doc_count()
    segments = whoosh_internals.segment_count(ix)
    with Manifest(index.manifest_path(gen), readonly=True) as manifest:
        files, skipped, _, passages = manifest.counts()
        roots = manifest.roots()
        updated = manifest.updated()
    size = sum(entry.stat().st_size for entry in os.scandir(whoosh_path(gen)) if entry.is_file())
    size += sum(os.path.getsize(p) for p in gen.glob(index.manifest_path(gen).name + "*"))
    when = dt.datetime.fromtimestamp(updated, dt.UTC).isoformat(timespec="seconds") if updated else None
    return IndexStats(str(index.path), articles, passages, roots, size, when, files, skipped, segments)


@dataclass
class RootInfo:
    """A folder (or file) the index covers, as `newsgrep roots` lists it."""

    path: str
    files: int
    articles: int
    exists: bool

    def to_dict(self) -> dict:
        return asdict(self)


def index_roots(index_dir=None) -> list[RootInfo]:
    """The index's roots with the files and articles indexed from each."""
    index = IndexDir(resolve_index_dir(index_dir))
    with Manifest(index.manifest_path(index.current()), readonly=True) as manifest:
        found = []
        for root in manifest.roots():
            files, articles = manifest.counts_under(root)
            found.append(RootInfo(root, files, articles, os.path.exists(root)))
        return found
