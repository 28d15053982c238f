"""Brings an index up to date with its roots: `build_index`, what `newsgrep index` runs.

It holds the index's lock, picks the generation to write (the live one, or a new one for a first
build or a rebuild, switched to when complete), plans the run and feeds it through the pipeline.
Work is committed in batches; after each Whoosh commit the manifest records the batch, so a run
that dies loses at most the batch in flight, which the next run redoes.
"""

from __future__ import annotations

import os
import sqlite3
import time

from newsgrep import formats
from newsgrep.errors import NewsgrepError, PathMissing, storage_problem
from newsgrep.indexer.pipeline import Pipeline, remove_temp_folders
from newsgrep.indexer.plan import Planned, default_roots, merge_roots, plan_run
from newsgrep.indexer.progress import SCANNING, Progress
from newsgrep.indexer.report import IndexReport
from newsgrep.indexer.workers import Workers, worker_count
from newsgrep.store import whoosh_internals
from newsgrep.store.layout import IndexDir, resolve_index_dir, whoosh_path
from newsgrep.store.manifest import Manifest

COMMIT_EVERY = 30_000  # with worker processes; fewer, bigger segments that Whoosh will not merge again
PARALLEL_FROM = 1000  # articles to index (about) from which worker processes pay for their start
APPENDABLE_BYTES = 4096  # of an appendable file, counted as an article (a gzipped news page is 2-20 KB)
WORKER_WRITER = {"limitmb": 64, "compound": False}  # each worker's postings in memory before spilling to disk


def build_index(
    paths: list[str] | None = None,
    index_dir: str | os.PathLike | None = None,
    *,
    rebuild: bool = False,
    wait: float | None = None,
    progress: Progress | None = None,
    commit_every: int = COMMIT_EVERY,
    settle: float = 0.0,
    processes: int | None = None,
    forget: list[str] | None = None,
    shard: tuple[int, int] | None = None,
    foreign: dict[tuple[str, int], int] | None = None,
    census: str | None = None,
) -> IndexReport:
    """Indexes `paths` (added to the roots the index remembers), or re-scans the remembered roots.

    Only new, changed and removed files are touched; `rebuild` starts a new index from scratch and
    switches to it when complete. Files modified less than `settle` seconds ago may still be being
    written: they are left for a later run (counted in `deferred`). Articles are indexed by `processes`
    worker processes beside this one (default: one per core when there are PARALLEL_FROM files or more
    to index; 1: none, all in this process). `wait` is how long to wait for another writer (None: not
    at all). `forget` removes roots (exactly as the index lists them, or as paths to them) and their
    articles. `progress` is told each phase's progress (newsgrep.indexer.progress). `shard` = (number,
    count) makes this index that shard of a sharded index: only the files newsgrep.store.layout.shard_of
    routes to it, with furniture counts moved by `foreign` (the other shards' changes, from
    newsgrep.indexer.census; `census` names that census, so that a retried build counts them once).
    Raises NewsgrepError for problems the user must fix.
    """
    started = time.monotonic()
    new_roots = [os.path.abspath(p) for p in paths or []]
    for root in new_roots:
        if not os.path.exists(root):
            raise PathMissing(f"no such file or folder: {root}")
    index = IndexDir(resolve_index_dir(index_dir))
    with index.lock(wait):
        existed = index.exists()
        if existed and not rebuild:
            index.check_format()
            gen = index.current()
            index.remove_stale_generations()  # left by a rebuild that died
        else:
            old_roots = _remembered_roots(index) if existed else []
            if not new_roots:
                new_roots = old_roots
            gen = index.new_generation()
            if not existed:
                index.mark_building(True)  # searches meanwhile say that more may match when it is done
        try:
            with Manifest(index.manifest_path(gen)) as manifest:
                roots = merge_roots(manifest.roots(), new_roots)
                if forget:
                    roots = without_roots(roots, forget)
                else:
                    roots = roots or default_roots()
                manifest.set_roots(roots)
                if not existed:  # a first build is searchable from its first commit on, and knows its roots
                    index.make_live(gen)
                report = IndexReport(str(index.path), roots, rebuilt=rebuild and existed)
                fresh = not existed or rebuild
                _update(gen, manifest, report, progress, commit_every, settle, fresh, processes, shard, foreign, census)
                report.articles = manifest.counts()[2]
        except BaseException as exc:
            if rebuild and existed and storage_problem(exc):  # the unfinished new generation goes, not the live one
                index.remove_stale_generations()
            raise
        if rebuild and existed:
            index.make_live(gen)
        index.mark_building(False)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def shard_filter(shard: tuple[int, int] | None):
    """What a shard keeps of the files under its roots (None: an unsharded index keeps them all)."""
    if shard is None:
        return None
    from newsgrep.store.layout import shard_of

    number, count = shard
    return lambda path: shard_of(path, count) == number


def _work(todo: list[Planned]) -> int:
    """About how many articles a run has to index: a file each, and for a web archive, a mailbox or a
    JSON Lines feed, one per APPENDABLE_BYTES of it (a crawl's WARC holds thousands)."""
    return sum(
        max(1, planned.source.size // APPENDABLE_BYTES)
        if formats.appendable(formats.format_for(planned.source.path))
        else 1
        for planned in todo
    )


def without_roots(roots: list[str], forget: list[str]) -> list[str]:
    for path in forget:
        root = os.path.abspath(os.path.expanduser(path))
        if root not in roots and path not in roots:
            listed = ", ".join(roots) or "none"
            raise NewsgrepError(f"{path} is not a root of the index (its roots: {listed}; see `newsgrep roots`)")
    gone = {os.path.abspath(os.path.expanduser(path)) for path in forget} | set(forget)
    return [root for root in roots if root not in gone]


def _remembered_roots(index: IndexDir) -> list[str]:
    try:
        with Manifest(index.manifest_path(index.current(check=False))) as manifest:
            return manifest.roots()
    except (NewsgrepError, OSError, sqlite3.Error):
        return []


def _update(
    gen, manifest, report, progress, commit_every, settle, fresh, processes, shard=None, foreign=None, census=None
) -> None:
    if progress:
        progress(SCANNING, 0, None)
    plan = plan_run(manifest, report.roots, report, settle, shard_filter(shard))
    if not plan.todo and not plan.gone and not foreign:
        return
    from whoosh import index as whoosh_index

    whoosh_dir = whoosh_path(gen)
    remove_temp_folders(whoosh_dir)
    ix = whoosh_index.open_dir(str(whoosh_dir))
    count = processes if processes is not None else (worker_count() if _work(plan.todo) >= PARALLEL_FROM else 1)
    workers = Workers(str(whoosh_dir), count, WORKER_WRITER) if count > 1 and plan.todo else None
    pipeline = Pipeline(
        ix,
        manifest,
        report,
        fresh=fresh,
        workers=workers,
        commit_every=commit_every,
        progress=progress,
        foreign=foreign,
        census=census,
    )
    try:
        pipeline.run(plan)
    except BaseException as exc:
        if workers is not None:
            workers.close(abort=True)  # Ctrl-C, a failed worker: what they hold is not committed anyway
            workers = None
        if storage_problem(exc):  # a full disk: the failed commit's files go, or searches stay down
            remove_temp_folders(whoosh_dir)
            whoosh_internals.remove_unused_files(whoosh_dir)
        raise
    finally:
        if workers is not None:
            workers.close()
    pipeline.refresh_stale(plan.found)
