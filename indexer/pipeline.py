"""The indexing pipeline of one run: files are loaded and cleaned batch by batch in this process and
their articles indexed here or, for big runs, handed in chunks to worker processes that write them
into segments of their own while this process goes on with the next batch; a commit takes the
deletions, the articles (or the workers' segments) and then the manifest's record of them.

A batch is learnt from, then cleaned; a commit holds one batch (in this process) or, with workers,
as many as `commit_every` files (each worker's part of them in one segment: fewer, bigger segments).
Afterwards the files whose learnt furniture changed meanwhile are re-extracted.
"""

from __future__ import annotations

import os
import shutil
from collections import deque
from pathlib import Path

from newsgrep import formats
from newsgrep.errors import storage_problem
from newsgrep.formats.records import Skip
from newsgrep.indexer.batch import PIECE_BYTES, Commit, Loader
from newsgrep.indexer.learnt_furniture import Counts
from newsgrep.indexer.plan import Plan, Planned
from newsgrep.indexer.progress import COMMITTING, READING, REFRESHING, WRITING, Progress, quiet
from newsgrep.indexer.records import SourceFile
from newsgrep.indexer.report import IndexReport
from newsgrep.indexer.workers import Workers
from newsgrep.store.manifest import Manifest

CHUNK = 250  # articles handed to the workers at a time
BATCH = 10_000  # files loaded (and their lines counted, for learnt furniture) before any is cleaned
BATCH_BYTES = 256 * 1024 * 1024  # and at most this much read for them (more only for one big file)


class Pipeline:
    """One run's way from planned files to commits."""

    def __init__(
        self,
        ix,
        manifest: Manifest,
        report: IndexReport,
        *,
        fresh: bool,
        workers: Workers | None,
        commit_every: int,
        progress: Progress | None,
        foreign: dict[tuple[str, int], int] | None = None,
        census: str | None = None,
    ):
        self.ix, self.manifest, self.report = ix, manifest, report
        self.fresh, self.workers, self.commit_every = fresh, workers, commit_every
        self.progress: Progress = progress or quiet
        self.cleaned = self.written = self.commits = 0  # articles cleaned and written so far, commits made
        if workers is not None:
            workers.on_written = self._written
        self.counts = Counts(manifest.furniture_counts)
        # A shard's: how the other shards' files change the furniture counts, once per sharded build
        # (`census` names it: a retried build whose first commit went through does not count them twice).
        self.foreign = foreign if foreign and census and manifest.census() != census else {}
        self.census = census
        self.loader = Loader(manifest, self.counts, report)
        self.extracted_at: dict[str, int] = {}  # file -> the batch (furniture epoch) it was cleaned in
        self.done = self.total = 0
        self.sent: Commit | None = None  # a commit whose articles are all with the workers
        self.sent_segments: tuple[list, list] | None = None  # what the workers returned for it
        self.before: set[str] = set()  # the index's files before the workers' next segments

    def run(self, plan: Plan) -> None:
        """Removes the gone files and indexes the new and changed ones, batch by batch (the next pieces of
        files read piece by piece go into later batches)."""
        self.total = len(plan.todo) + len(plan.gone)
        self.progress(READING, 0, self.total)
        queue = deque(plan.todo)
        filling: Commit | None = None
        number = 0
        while number == 0 or queue:
            batch = _next_batch(queue, min(self.commit_every, BATCH))
            self.counts.epoch = number
            filling = filling or Commit()
            if number == 0:
                for (site, key), delta in self.foreign.items():
                    self.counts.change(site, [key], delta)
                if self.census:
                    filling.meta["census"] = self.census
                self.loader.remove(plan.gone, filling)
                self.done += len(plan.gone)
            self._load_and_clean(batch, filling, number)
            queue.extend(self.loader.continuations)
            self.total += len(self.loader.continuations)
            self.loader.continuations.clear()
            filling.furniture.update(self.counts.take_dirty())  # this batch's counts, before the next batch's
            number += 1
            if self.workers is None:
                self._write(filling)
                filling = None
                continue
            self._hand_over(filling.take_articles())
            if filling.files >= self.commit_every or not queue:
                self.sent, filling = filling, None
        if self.sent is not None and self.workers is not None:
            self.sent_segments = self.workers.finish()
            self._commit_sent(cleanable=None)

    def _load_and_clean(self, batch: list[Planned], commit: Commit, number: int) -> None:
        # Progress in half files: reading a file is one step, cleaning it the other.
        base, steps, loaded = self.done, 0, []
        for planned in batch:
            try:
                item = self.loader.load(planned, commit)
            except Exception as exc:  # a bug met by one file ends no run: the file is a reported skip
                if storage_problem(exc):
                    raise
                self.report.skip(Skip(planned.source.path, f"could not be read: {type(exc).__name__}: {exc}"))
                item = None
            if item is not None:
                loaded.append(item)
            steps += 1
            if steps % 50 == 0:
                self.progress(READING, base + steps // 2, self.total)
        steps += len(batch) - len(loaded)  # nothing to clean in those (unreadable, or touched only)
        if self.sent is not None and self.workers is not None:
            self.sent_segments = self.workers.finish()  # the sent commit's segments
            self.before = set(os.listdir(self.ix.storage.folder))  # files the next segments will not be among
        for item in loaded:
            before = len(commit.articles)
            self.loader.clean(item, commit)
            self.cleaned += len(commit.articles) - before
            # The file's oldest articles: a grown file's earlier ones were extracted before this run.
            epoch = -1 if item.start and not item.continued else number
            self.extracted_at[item.source.path] = min(self.extracted_at.get(item.source.path, epoch), epoch)
            steps += 1
            self.done = base + steps // 2
            self.progress(READING, self.done, self.total)
            if self.workers is not None and len(commit.articles) >= CHUNK:
                self._hand_over(commit.take_articles())
        self.done = base + len(batch)

    def _hand_over(self, articles) -> None:
        """To the workers; the commit sent before is committed while they index the first of them."""
        assert self.workers is not None
        self.workers.add(articles)
        if self.sent is not None:
            self._commit_sent(cleanable=_unused_candidates(self.before))

    def _commit_sent(self, cleanable: set[str] | None) -> None:
        assert self.sent is not None and self.sent_segments is not None
        segments, indexed = self.sent_segments
        self.progress(COMMITTING, self.commits, None)
        self.sent.write(
            self.ix, self.manifest, fresh=self.fresh, segments=segments, indexed=indexed, cleanable=cleanable
        )
        self.commits += 1
        self.progress(COMMITTING, self.commits, None)
        self.sent, self.sent_segments = None, None

    def _write(self, commit: Commit) -> None:
        """Indexes a commit's articles in this process, then commits."""
        commit.write(self.ix, self.manifest, fresh=self.fresh, on_written=self._written, on_commit=self._committing)
        self.commits += 1
        self.progress(COMMITTING, self.commits, None)

    def _written(self, count: int) -> None:
        self.written += count
        self.progress(WRITING, self.written, max(self.cleaned, self.written))

    def _committing(self) -> None:
        self.progress(COMMITTING, self.commits, None)

    def refresh_stale(self, found: dict[str, SourceFile]) -> None:
        """Re-extracts (in this process) the articles that carry a line whose furniture status changed
        after they were extracted (in an earlier run, or earlier in this one)."""
        counts = self.counts
        sites = {site for site, _ in counts.crossings}
        if not sites:
            return
        stale = sorted(
            {
                path
                for path, site, keys in self.manifest.keys_of_sites(sites)
                if path in found and counts.stale(site, keys, self.extracted_at.get(path, -1))
            }
        )
        if not stale:
            return
        counts.epoch += 1
        known = self.manifest.entries(stale)
        queue = deque(Planned(found[path], known.get(path)) for path in stale)
        self.fresh = False
        done, total = 0, len(stale)
        self.progress(REFRESHING, done, total)
        while queue:  # a batch a commit; the next pieces of files read piece by piece in the next ones
            commit = Commit()
            for planned in _next_batch(queue, BATCH):
                loaded = self.loader.load(planned, commit, force=True)
                if loaded is not None:
                    self.loader.clean(loaded, commit, refresh=True)
                done += 1
                self.progress(REFRESHING, done, max(total, done))
            queue.extend(self.loader.continuations)
            total += len(self.loader.continuations)
            self.loader.continuations.clear()
            commit.furniture = counts.take_dirty()
            self._write(commit)


def _next_batch(queue: deque[Planned], most: int) -> list[Planned]:
    """The next files to load together: at most `most` of them, and at most BATCH_BYTES to read (at least
    one file): what a batch holds between reading and cleaning is bounded."""
    batch: list[Planned] = []
    budget = BATCH_BYTES
    while queue and len(batch) < most:
        planned = queue[0]
        cost = planned.source.size
        if formats.appendable(formats.format_for(planned.source.path)):
            cost = min(cost, PIECE_BYTES)
        if batch and cost > budget:
            break
        batch.append(queue.popleft())
        budget -= cost
    return batch


def _unused_candidates(names: set[str]) -> set[str]:
    """Files Whoosh may remove as unused while workers write new segments: those that were there before
    the workers started, but not tables of contents (a worker may be reading the last one)."""
    return {name for name in names if not name.endswith(".toc")}


def remove_temp_folders(whoosh_dir: Path) -> None:
    """Whoosh's temporary folders left by a run that was killed (the index's lock is held: no writer
    is using them)."""
    for path in whoosh_dir.glob("*.tmp"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
