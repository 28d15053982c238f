"""Brings an index up to date with its roots: finds what is new, changed or gone, and writes it.

The one-way pipeline runs here: sources -> extract -> passages -> Whoosh writer. Work is committed
in batches (every `commit_every` files); after each Whoosh commit the manifest records the batch, so
a run that dies loses at most the batch in flight, which the next run redoes.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer import sources
from indexer.analysis import news_analyzer
from indexer.documents import Indexed, add_articles
from indexer.errors import NewsgrepError, PathMissing
from indexer.extract import NoArticle, Prepared, finish, prepare
from indexer.learnt_furniture import Counts, furniture_keys
from indexer.manifest import FileEntry, Manifest
from indexer.records import Article, Skip, SourceFile
from indexer.store import IndexDir, resolve_index_dir
from indexer.workers import Workers, worker_count

BUNDLED_CORPUS = "corpus"
COMMIT_EVERY = 30_000  # with worker processes; fewer, bigger segments that Whoosh will not merge again

Progress = Callable[[int, int], None]  # (files done, files to do)


@dataclass
class IndexReport:
    """What an indexing run did, in files (a feed file counts once) and in articles."""

    index: str
    roots: list[str]
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    refreshed: int = 0  # files re-extracted because lines they carry became (or stopped being) furniture
    deferred: int = 0  # files still being written (see `settle`), left for the next run
    articles: int = 0  # articles in the index after the run
    seconds: float = 0.0
    skips: list[Skip] = field(default_factory=list)
    rebuilt: bool = False

    def to_dict(self) -> dict:
        report = asdict(self)
        report["skips"] = [{"path": s.path, "reason": s.reason} for s in self.skips]
        return report


@dataclass
class _Planned:
    source: SourceFile
    previous: FileEntry | None


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
) -> IndexReport:
    """Indexes `paths` (added to the roots the index remembers), or re-scans the remembered roots.

    Only new, changed and removed files are touched; `rebuild` starts a new index from scratch and
    switches to it when complete. Files modified less than `settle` seconds ago may still be being
    written: they are left for a later run (counted in `deferred`). Articles are indexed by `processes`
    worker processes beside this one (default: one per core when there are PARALLEL_FROM files or more
    to index; 1: none, all in this process). Raises NewsgrepError for problems
    the user must fix.
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
                index.make_live(gen)  # a first build is searchable from its first commit on
        with Manifest(gen / "manifest.sqlite3") as manifest:
            roots = _merge_roots(manifest.roots(), new_roots)
            if not roots:
                roots = _default_roots()
            manifest.set_roots(roots)
            report = IndexReport(str(index.path), roots, rebuilt=rebuild and existed)
            fresh = not existed or rebuild
            _update(gen, manifest, roots, report, progress, commit_every, settle, fresh, processes)
            report.articles = manifest.counts()[2]
        if rebuild and existed:
            index.make_live(gen)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _remembered_roots(index: IndexDir) -> list[str]:
    try:
        with Manifest(index.current(check=False) / "manifest.sqlite3") as manifest:
            return manifest.roots()
    except (NewsgrepError, OSError, sqlite3.Error):
        return []


def _merge_roots(old: list[str], new: list[str]) -> list[str]:
    """The union, without roots inside other roots."""
    roots = sorted(set(old) | set(new))
    return [r for r in roots if not any(r != o and r.startswith(o.rstrip(os.sep) + os.sep) for o in roots)]


def _default_roots() -> list[str]:
    if os.path.isdir(BUNDLED_CORPUS):
        return [os.path.abspath(BUNDLED_CORPUS)]
    raise PathMissing("nothing to index: give a folder of articles, e.g. `newsgrep index corpus/`")


def _update(
    gen: Path,
    manifest: Manifest,
    roots: list[str],
    report: IndexReport,
    progress: Progress | None,
    commit_every: int,
    settle: float,
    fresh: bool,
    processes: int | None,
) -> None:
    """Indexes new and changed files and removes gone ones, batch by batch, then re-extracts the files
    whose learnt furniture changed meanwhile."""
    found, gone, todo = _plan(manifest, roots, report, settle)
    if not todo and not gone:
        return

    from whoosh import index as whoosh_index

    whoosh_dir = gen / "whoosh"
    _remove_temp_folders(whoosh_dir)
    ix = whoosh_index.open_dir(str(whoosh_dir))
    counts = Counts(manifest.furniture_counts)
    extracted_at: dict[str, int] = {}
    total = len(todo) + len(gone)
    done = 0
    count = processes if processes is not None else (worker_count() if len(todo) >= PARALLEL_FROM else 1)
    workers = Workers(str(whoosh_dir), count, WORKER_WRITER) if count > 1 and todo else None
    # A batch is learnt from, then cleaned; a commit holds one batch (in this process) or, with workers,
    # as many as `commit_every` files (each worker's part of them in one segment: fewer, bigger segments).
    size = min(commit_every, BATCH)
    batches = [todo[i : i + size] for i in range(0, len(todo), size)] or [[]]
    run: _Batch | None = None  # the commit being filled
    sent: _Batch | None = None  # a commit whose articles are all with the workers

    def hand_over(articles: list[Article]) -> None:
        """To the workers; the commit before is committed while they index the first of them."""
        nonlocal sent
        workers.add(articles)
        if sent:
            sent.commit(ix, *finished, cleanable=_unused_candidates(before))
            sent = None

    try:
        for number, batch in enumerate(batches):
            counts.epoch = number
            run = run or _Batch(manifest, counts, report, fresh)
            if number == 0:
                run.remove(gone)
                done += len(gone)
            for planned in batch:
                run.load(planned)
            if sent:
                finished = workers.finish()  # its segments
                before = set(os.listdir(whoosh_dir))  # files that the next segments will not be among
            for loaded in run.take_loaded():
                run.clean(loaded)
                extracted_at[loaded.source.path] = number
                done += 1
                if progress:
                    progress(done, total)
                if workers is not None and len(run.articles) >= CHUNK:
                    hand_over(run.take_articles())
            run.furniture.update(counts.take_dirty())  # this batch's counts, before the next batch's
            if workers is None:
                run.commit(ix)
                run = None
                continue
            hand_over(run.take_articles())
            if run.files >= commit_every or number == len(batches) - 1:
                sent, run = run, None
        if sent:
            sent.commit(ix, *workers.finish())
    except BaseException:
        if workers is not None:
            workers.close(abort=True)  # Ctrl-C, a failed worker: what they hold is not committed anyway
            workers = None
        raise
    finally:
        if workers is not None:
            workers.close()

    _refresh_stale(ix, manifest, counts, found, extracted_at, report)
    if progress:
        progress(total, total)


def _plan(
    manifest: Manifest, roots: list[str], report: IndexReport, settle: float
) -> tuple[dict[str, SourceFile], list[str], list[_Planned]]:
    """Scans the roots: (files found, paths gone, files to index). Files whose size and mtime match the
    manifest are counted unchanged without being read."""
    known = manifest.stamps()
    found: dict[str, SourceFile] = {}
    scanned_roots = []
    for root in roots:
        if not os.path.exists(root):
            report.skips.append(Skip(root, "root is missing: its articles are kept (index it again when it is back)"))
            continue
        scanned_roots.append(root)
        for source in sources.find_files(root, report.skips):
            found.setdefault(source.path, source)
    report.skipped += len(report.skips)

    def under_scanned(path: str) -> bool:
        return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in scanned_roots)

    gone = [path for path in known if path not in found and under_scanned(path)]
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
    todo = [_Planned(source, previous.get(source.path)) for source in changed]
    return found, gone, todo


PARALLEL_FROM = 1000  # files to index from which worker processes pay for their start
CHUNK = 250  # articles handed to the workers at a time
BATCH = 10_000  # files loaded (and their lines counted, for learnt furniture) before any is cleaned
WRITER = {"limitmb": 256, "compound": False}
WORKER_WRITER = {"limitmb": 64, "compound": False}  # each worker's postings in memory before spilling to disk


def _unused_candidates(names: set[str]) -> set[str]:
    """Files Whoosh may remove as unused while workers write new segments: those that were there before
    the workers started, but not tables of contents (a worker may be reading the last one)."""
    return {name for name in names if not name.endswith(".toc")}


def _remove_temp_folders(whoosh_dir: Path) -> None:
    """Whoosh's temporary folders left by a run that was killed (the index's lock is held: no writer
    is using them)."""
    import shutil

    for path in whoosh_dir.glob("*.tmp"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _refresh_stale(ix, manifest: Manifest, counts: Counts, found, extracted_at: dict[str, int], report) -> None:
    """Re-extracts the articles that carry a line whose furniture status changed after they were
    extracted (in an earlier run, or earlier in this one)."""
    sites = {site for site, _ in counts.crossings}
    if not sites:
        return
    stale = [
        path
        for path, site, keys in manifest.keys_of_sites(sites)
        if path in found and counts.stale(site, keys, extracted_at.get(path, -1))
    ]
    if not stale:
        return
    counts.epoch += 1
    stale = sorted(set(stale))
    known = manifest.entries(stale)
    run = _Batch(manifest, counts, report, fresh=False, refresh=True)
    for path in stale:
        run.load(_Planned(found[path], known.get(path)), force=True)
    for loaded in run.take_loaded():
        run.clean(loaded)
    run.furniture = counts.take_dirty()
    run.commit(ix)


@dataclass
class _Loaded:
    source: SourceFile
    previous: FileEntry | None
    entry: FileEntry
    prepared: list[Prepared]
    skips: list[Skip]


class _Batch:
    """One commit's worth of work: files loaded and counted first, then cleaned (so that every article
    of the batch is cleaned with the furniture counts that include the batch), then indexed - here or
    by worker processes - and committed with the manifest's record of it."""

    def __init__(self, manifest: Manifest, counts: Counts, report: IndexReport, fresh: bool, refresh: bool = False):
        self.manifest, self.counts, self.report = manifest, counts, report
        self.fresh, self.refresh = fresh, refresh
        self.loaded: list[_Loaded] = []
        self.articles: list[Article] = []
        self.recorded: list[FileEntry] = []
        self.forgotten: list[str] = []
        self.keys: dict[str, list[tuple[str, list[int]]]] = {}
        self.furniture: dict[tuple[str, int], int] = {}
        self.files = 0  # files loaded into this commit
        self.cleaned: list[str] = []  # files whose articles (maybe none) replace what the index had
        self._entries: dict[str, FileEntry] = {}  # article id -> its file's entry

    def remove(self, paths: list[str]) -> None:
        for path in paths:
            for site, keys in self.manifest.file_keys(path):
                self.counts.change(site, keys, -1)
            self.forgotten.append(path)
        self.report.removed += len(paths)

    def load(self, planned: _Planned, force: bool = False) -> None:
        """Reads, decodes and prepares a file, and moves its furniture keys into the counts."""
        source, previous, report = planned.source, planned.previous, self.report
        if source.size > sources.MAX_FILE_BYTES:  # not even read: recorded as skipped until it changes
            entry = FileEntry(source.path, source.root, source.size, source.mtime_ns, "", 0)
            for site, keys in self.manifest.file_keys(source.path):
                self.counts.change(site, keys, -1)
            self.keys[source.path] = []
            reason = f"too large (over {sources.MAX_FILE_BYTES // 2**20} MB)"
            self.loaded.append(_Loaded(source, previous, entry, [], [Skip(source.path, reason)]))
            return
        try:
            data = sources.read_bytes(source.path)
        except OSError as exc:
            report.skips.append(Skip(source.path, f"cannot read: {exc.strerror}"))
            report.skipped += 1
            return
        entry = FileEntry(source.path, source.root, source.size, source.mtime_ns, sources.digest(data), 0)
        if previous is not None and previous.digest == entry.digest and not force:
            report.unchanged += 1  # touched, not changed
            entry.articles, entry.passages, entry.skipped = previous.articles, previous.passages, previous.skipped
            self.recorded.append(entry)
            return
        skips: list[Skip] = []
        prepared: list[Prepared] = []
        try:
            for record in sources.raw_records(source, data, skips):
                try:
                    prepared.append(prepare(record))
                except NoArticle as exc:
                    skips.append(Skip(f"{source.path}:{record.key}" if record.key else source.path, str(exc)))
        except sources.SkipFile as exc:
            skips.append(Skip(source.path, str(exc)))
        by_site: dict[str, list[int]] = {}
        for item in prepared:
            by_site.setdefault(item.site, []).extend(furniture_keys(item.lines))
        for site, keys in self.manifest.file_keys(source.path):
            self.counts.change(site, keys, -1)
        for site, keys in by_site.items():
            self.counts.change(site, keys, +1)
        self.keys[source.path] = list(by_site.items())
        self.loaded.append(_Loaded(source, previous, entry, prepared, skips))

    def take_loaded(self) -> list[_Loaded]:
        loaded, self.loaded = self.loaded, []
        self.files += len(loaded)
        return loaded

    def take_articles(self) -> list[Article]:
        articles, self.articles = self.articles, []
        return articles

    def clean(self, loaded: _Loaded) -> None:
        """Extracts a loaded file's articles (to be indexed) and accounts for the file."""
        report, skips = self.report, loaded.skips
        self.cleaned.append(loaded.source.path)
        articles = []
        for item in loaded.prepared:
            try:
                articles.append(finish(item, self.counts))
            except NoArticle as exc:
                record = item.record
                skips.append(Skip(f"{record.path}:{record.key}" if record.key else record.path, str(exc)))
        if not self.refresh:
            report.skips.extend(skips)
            report.skipped += len(skips)
        entry = loaded.entry
        entry.articles = len(articles)
        if not articles:
            entry.skipped = skips[0].reason if skips else "no articles"
        elif self.refresh:
            report.refreshed += 1
        elif loaded.previous is None:
            report.added += 1
        else:
            report.updated += 1
        self.recorded.append(entry)
        self.articles.extend(articles)
        self._entries.update((article.id, entry) for article in articles)
        loaded.prepared = []  # the cleaned articles are all that is needed from here on

    def commit(
        self, ix, segments: list | None = None, indexed: list[Indexed] | None = None, cleanable: set[str] | None = None
    ) -> None:
        """Commits the batch: its deletions, its articles (indexed here unless `segments`, written by
        worker processes, hold them) and, once Whoosh's commit is done, the manifest's record. With
        `cleanable`, only those of the index's files may be removed as unused."""
        writer = ix.writer(**WRITER)
        try:
            for path in [*self.forgotten, *([] if self.fresh else self.cleaned)]:  # old documents go first
                writer.delete_by_term("file", path)
            if segments is None:
                indexed = add_articles(writer, self.articles, news_analyzer())
            _commit_with(writer, segments or [], cleanable)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        signatures: dict[str, list[tuple[str, bytes]]] = {path: [] for path in self.cleaned}
        for item in indexed or []:
            entry = self._entries[item.id]
            entry.passages += item.passages
            signatures[entry.path].append((item.id, item.signature))
        self.manifest.apply(self.recorded, self.forgotten, self.keys, self.furniture, signatures)


def _commit_with(writer, segments: list, cleanable: set[str] | None = None) -> None:
    """Whoosh's SegmentWriter.commit, with segments written by other processes added to the table of
    contents (as Whoosh's own multiprocessing writer does), and its cleaning of unused files limited to
    `cleanable` (None: all): worker processes may be writing the next segments meanwhile."""
    if not segments and cleanable is None:
        writer.commit()
        return
    from whoosh.index import TOC, clean_files

    final = writer._merge_segments(None, False, True)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    final += segments
    TOC(writer.schema, final, writer.generation).write(writer.storage, writer.indexname)
    files = _Only(writer.storage, cleanable) if cleanable is not None else writer.storage
    clean_files(files, writer.indexname, writer.generation, final)
    writer._finish()


class _Only:
    """The files of a Whoosh storage that Whoosh's clean_files may look at and remove."""

    def __init__(self, storage, names: set[str]):
        self._storage, self._names = storage, names

    def __iter__(self):
        return iter(sorted(self._names))

    def delete_file(self, name: str) -> None:
        self._storage.delete_file(name)
