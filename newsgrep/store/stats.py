"""What an index holds: article and passage counts, roots (with their own counts), size on disk, last
update."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass

from newsgrep.store import whoosh_internals
from newsgrep.store.layout import IndexDir, ShardsRecord, resolve_index_dir, whoosh_path
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
    path = resolve_index_dir(index_dir)
    if ShardsRecord.at(path):  # a sharded index: its shards' figures summed
        parts = [_index_stats(IndexDir(shard)) for shard in ShardsRecord(path).shard_paths()]
        updated = max((part.updated for part in parts if part.updated), default=None)
        summed = {name: sum(getattr(part, name) for part in parts) for name in _SUMMED}
        return IndexStats(str(path), roots=ShardsRecord(path).read()["roots"], updated=updated, **summed)
    return _index_stats(IndexDir(path))


_SUMMED = ("articles", "passages", "bytes", "files", "skipped_files", "segments")


def _index_stats(index: IndexDir) -> IndexStats:
    index.check_format()
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
    """The index's roots with the files and articles indexed from each (from every shard of a sharded
    index)."""
    path = resolve_index_dir(index_dir)
    record = ShardsRecord(path).read() if ShardsRecord.at(path) else None
    indexes = [IndexDir(shard) for shard in ShardsRecord(path).shard_paths()] if record else [IndexDir(path)]
    found: dict[str, RootInfo] = {}
    for index in indexes:
        with Manifest(index.manifest_path(index.current()), readonly=True) as manifest:
            for root in record["roots"] if record else manifest.roots():
                files, articles = manifest.counts_under(root)
                info = found.setdefault(root, RootInfo(root, 0, 0, os.path.exists(root)))
                info.files += files
                info.articles += articles
    return list(found.values())
