"""Verifies an index against its roots and manifest, and repairs what it can.

Finds files not indexed (missing), changed since they were indexed (stale), articles whose file the
manifest does not know or that is gone (extra), files whose article count differs between manifest
and index (mismatched), ids indexed twice (duplicates) and segments that cannot be read (damaged).
Repair marks every file in doubt to be read again (in one manifest transaction: a repair killed at any
point leaves them marked) and re-indexes them; a damaged index is rebuilt.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import asdict, dataclass, field

from newsgrep import formats
from newsgrep.indexer import sources
from newsgrep.indexer.plan import under
from newsgrep.indexer.records import SourceFile
from newsgrep.store.layout import IndexDir, ShardsRecord, resolve_index_dir, shard_of
from newsgrep.store.manifest import Manifest
from newsgrep.store.schema import F


@dataclass
class CheckReport:
    index: str
    articles: int = 0
    files: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.mismatched or self.duplicates or self.damaged)

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def check_index(index_dir=None, repair: bool = False, wait: float | None = None, verify: bool = False) -> CheckReport:
    """`verify` also hashes the files whose size and mtime match the manifest: an edit that kept both
    (a same-size fix copied with its old mtime) is then found stale."""
    path = resolve_index_dir(index_dir)
    if ShardsRecord.at(path):
        return _check_sharded(path, repair, wait, verify)
    index = IndexDir(path)
    report = _inspect(index, verify)
    if repair and not report.ok:
        _repair(index, report, wait)
        repaired = _inspect(index, verify)
        repaired.repaired = True
        return repaired
    return report


def _check_sharded(top, repair: bool, wait: float | None, verify: bool) -> CheckReport:
    """Each shard checked against the files routed to it, the reports merged (an id in two shards is a
    duplicate too); `repair` marks each shard's files in doubt, then one sharded run re-indexes them."""
    shards = [IndexDir(path) for path in ShardsRecord(top).shard_paths()]
    report, parts = _merged(top, shards, verify)
    if repair and not report.ok:
        from newsgrep.cluster.build import build_sharded

        if report.damaged:
            build_sharded(None, top, rebuild=True, wait=wait)
        else:
            for shard, part in zip(shards, parts, strict=True):
                _mark_doubtful(shard, part, wait)
            build_sharded(None, top, wait=wait)
        report, _ = _merged(top, shards, verify)
        report.repaired = True
    return report


def _merged(top, shards: list[IndexDir], verify: bool) -> tuple[CheckReport, list[CheckReport]]:
    """The shards' reports as one, and each shard's own."""
    report = CheckReport(str(top))
    ids: Counter[str] = Counter()
    parts = [_inspect(shard, verify, number, len(shards), ids) for number, shard in enumerate(shards)]
    for part in parts:
        report.articles += part.articles
        report.files += part.files
        for name in ("missing", "stale", "extra", "mismatched", "damaged"):
            getattr(report, name).extend(getattr(part, name))
    report.duplicates = sorted(i for i, n in ids.items() if n > 1)
    return report, parts


def _inspect(
    index: IndexDir, verify: bool = False, shard: int = 0, shards: int = 1, ids: Counter[str] | None = None
) -> CheckReport:
    """The index checked against the files under its roots (those routed to it, for shard `shard` of
    `shards`); `ids` counts the articles' ids (a sharded check counts them over every shard)."""
    report = CheckReport(str(index.path))
    gen = index.current()
    indexed_files: Counter[str] = Counter()
    ids = Counter() if ids is None else ids
    mine: Counter[str] = Counter()
    try:
        ix = index.open_whoosh()
        with ix.reader() as reader:
            for _, fields in reader.iter_docs():
                indexed_files[fields.get(F.FILE, "")] += 1
                mine[fields.get(F.ID, "")] += 1
            for _ in reader.lexicon(F.BODY):
                pass
    except Exception as exc:  # noqa: BLE001 - any failure to read a segment is damage to report
        report.damaged.append(f"{type(exc).__name__}: {exc}")
    with Manifest(index.manifest_path(gen), readonly=True) as manifest:
        known = manifest.files()
        roots = manifest.roots()
    on_disk: dict[str, SourceFile] = {}
    unlisted: list[str] = []  # folders that could not be listed: what is under them is not extra
    for root in roots:
        if os.path.exists(root):
            found = sources.find_files(root, [], unlisted=unlisted)
            on_disk.update((s.path, s) for s in found if shards == 1 or shard_of(s.path, shards) == shard)
    live_roots = [r for r in roots if os.path.exists(r)]

    def under_live_root(path: str) -> bool:
        return under(path, live_roots) and not under(path, unlisted)

    ids.update(mine)
    report.articles, report.files = sum(mine.values()), len(known)
    report.missing = sorted(p for p in on_disk if p not in known and _indexable(p))
    report.stale = sorted(
        p
        for p, s in on_disk.items()
        if p in known
        and ((known[p].size, known[p].mtime_ns) != (s.size, s.mtime_ns) or verify)
        and not _same_content(p, known[p])
    )
    report.extra = sorted(p for p in indexed_files if p not in known or (p not in on_disk and under_live_root(p)))
    report.mismatched = sorted(
        p for p, entry in known.items() if entry.articles != indexed_files.get(p, 0) and p not in report.extra
    )
    report.duplicates = sorted(i for i, n in mine.items() if n > 1)
    return report


def _indexable(path: str) -> bool:
    """Whether indexing reads the file: not when it is an `.xml` file that is no feed, nor when its format
    needs an extra that is not installed (`newsgrep index` says so)."""
    return sources.claimed(path) and formats.missing_extra(formats.format_for(path) or formats.text) is None


def _same_content(path: str, entry) -> bool:
    """A file touched but not changed (same bytes as indexed): `newsgrep index` calls it unchanged too."""
    try:
        return bool(entry.digest) and sources.digest(sources.read_bytes(path)) == entry.digest
    except OSError:
        return False


def _repair(index: IndexDir, report: CheckReport, wait: float | None) -> None:
    from newsgrep.indexer.build import build_index

    if report.damaged:
        build_index(None, index.path, rebuild=True, wait=wait)
        return
    _mark_doubtful(index, report, wait)
    build_index(None, index.path, wait=wait)


def _mark_doubtful(index: IndexDir, report: CheckReport, wait: float | None) -> None:
    """Forgets the articles of files the manifest never recorded, and marks every other file in doubt
    to be read again by the next run."""
    doubtful = set(report.extra) | set(report.mismatched) | set(report.stale)
    if report.duplicates:
        ix = index.open_whoosh()
        with ix.searcher() as searcher:
            for article_id in report.duplicates:
                for docnum in searcher.document_numbers(**{F.ID: article_id}):
                    doubtful.add(searcher.stored_fields(docnum).get(F.FILE, ""))
    if doubtful:
        with index.lock(wait):
            with Manifest(index.manifest_path()) as manifest:
                known = set(manifest.stamps())
                unknown = sorted(doubtful - known)
                if unknown:  # articles of files the manifest never recorded: nothing to forget
                    ix = index.open_whoosh()
                    writer = ix.writer(compound=False)
                    for path in unknown:
                        writer.delete_by_term(F.FILE, path)
                    writer.commit()
                # The others are marked to be read again, in one transaction: the next run replaces their
                # articles (deleting and adding in one Whoosh commit, then recording them), so a repair
                # killed at any point leaves them marked, and the next `newsgrep index` restores them.
                manifest.mark_unread(sorted(doubtful & known))
