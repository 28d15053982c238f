"""Keeps an index up to date while files arrive: watches the roots (watchdog) and, when a burst of
changes has been quiet for `debounce` seconds, runs an incremental index. Files still being written
(modified in the last `settle` seconds) wait for the next run, so half-written files are not indexed;
but files whose format tells a record still being written from a complete one (a WARC a crawler appends
to for hours, a JSON Lines feed) are read as they are, their complete records indexed. Changes that never
go quiet (that crawler) start a run `max_wait` seconds after the first of them all the same."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from watchdog.events import FileSystemEventHandler

from newsgrep.indexer.build import build_index
from newsgrep.indexer.report import IndexReport
from newsgrep.indexer.sources import is_article_file

Report = Callable[[IndexReport], None]


class _Changes(FileSystemEventHandler):
    """Set by watchdog's thread on every relevant event; read by the indexing loop."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.last: float | None = None
        self.first: float | None = None  # the first change not yet indexed

    def dispatch(self, event) -> None:
        paths = [getattr(event, "src_path", ""), getattr(event, "dest_path", "")]
        if any(p and (event.is_directory or is_article_file(os.path.basename(os.fsdecode(p)))) for p in paths):
            self.poke()

    def due(self, quiet: float, most: float) -> bool:
        """Whether to index now: the changes have been quiet for `quiet` seconds, or the first of them is
        `most` seconds old."""
        with self.lock:
            if self.last is None or self.first is None:
                return False
            now = time.monotonic()
            return now - self.last >= quiet or now - self.first >= most

    def take(self) -> None:
        with self.lock:
            self.last = self.first = None

    def poke(self) -> None:
        with self.lock:
            self.last = time.monotonic()
            if self.first is None:
                self.first = self.last


def watch(
    paths: list[str] | None,
    index_dir=None,
    *,
    debounce: float = 2.0,
    settle: float = 1.0,
    stop: threading.Event | None = None,
    on_report: Report | None = None,
    wait: float | None = None,
    max_wait: float = 30.0,
) -> None:
    """Indexes `paths` (or the remembered roots), then follows their changes until `stop` is set: a run
    when they have been quiet for `debounce` seconds, or `max_wait` seconds after the first of them if
    they never are. A run in progress when `stop` is set finishes and commits first."""
    from watchdog.observers import Observer

    stop = stop or threading.Event()
    build = _builder(index_dir)
    report = build(paths, index_dir, wait=wait, settle=settle)
    if on_report:
        on_report(report)
    changes = _Changes()
    if report.deferred:
        changes.poke()
    observer = Observer()
    for root in report.roots:
        if os.path.isdir(root):
            observer.schedule(changes, root, recursive=True)
        elif os.path.exists(root):
            observer.schedule(changes, os.path.dirname(root), recursive=False)
    observer.start()
    try:
        while not stop.wait(0.2):
            if changes.due(max(debounce, settle if report.deferred else 0), max(max_wait, debounce)):
                changes.take()
                report = build(None, report.index, wait=float("inf"), settle=settle)
                if report.deferred:
                    changes.poke()
                if on_report:
                    on_report(report)
    finally:
        observer.stop()
        observer.join(timeout=5)


def _builder(index_dir):
    """How the index is brought up to date: build_index, or for a sharded index, build_sharded (on the
    cluster the index records, or a LocalCluster started for each run)."""
    from newsgrep.store.layout import ShardsRecord, resolve_index_dir

    if ShardsRecord.at(resolve_index_dir(index_dir)):
        from newsgrep.cluster.build import build_sharded

        return build_sharded
    return build_index
