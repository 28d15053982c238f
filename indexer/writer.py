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
from indexer.errors import NewsgrepError, PathMissing
from indexer.extract import NoArticle, extract
from indexer.manifest import FileEntry, Manifest
from indexer.passages import split_passages
from indexer.records import Article, Passage, Skip, SourceFile
from indexer.schema import ARTICLE, PASSAGE
from indexer.store import IndexDir, resolve_index_dir

BUNDLED_CORPUS = "corpus"
COMMIT_EVERY = 2000

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
) -> IndexReport:
    """Indexes `paths` (added to the roots the index remembers), or re-scans the remembered roots.

    Only new, changed and removed files are touched; `rebuild` starts a new index from scratch and
    switches to it when complete. Raises NewsgrepError for problems the user must fix.
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
            _update(gen, manifest, roots, report, progress, commit_every, fresh=not existed or rebuild)
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
    fresh: bool,
) -> None:
    known = manifest.files()
    found: dict[str, SourceFile] = {}
    scanned_roots = []
    for root in roots:
        if not os.path.exists(root):
            report.skips.append(
                Skip(root, "root folder is missing: its articles are kept (index it again when it is back)")
            )
            continue
        scanned_roots.append(root)
        for source in sources.find_files(root, report.skips):
            found.setdefault(source.path, source)
    report.skipped += len(report.skips)

    def under_scanned(path: str) -> bool:
        return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in scanned_roots)

    gone = [path for path in known if path not in found and under_scanned(path)]
    todo = []
    for path, source in found.items():
        previous = known.get(path)
        if previous and previous.size == source.size and previous.mtime_ns == source.mtime_ns:
            report.unchanged += 1
        else:
            todo.append(_Planned(source, previous))
    if not todo and not gone:
        return

    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(gen / "whoosh"))
    total = len(todo) + len(gone)
    done = 0
    batches = [todo[i : i + commit_every] for i in range(0, len(todo), commit_every)] or [[]]
    for number, batch in enumerate(batches):
        writer = ix.writer(limitmb=256)
        recorded, forgotten = [], []
        try:
            if number == 0:
                for path in gone:
                    writer.delete_by_term("file", path)
                    forgotten.append(path)
                report.removed += len(gone)
                done += len(gone)
            for planned in batch:
                entry = _index_file(writer, planned, report, fresh)
                if entry is not None:
                    recorded.append(entry)
                done += 1
                if progress:
                    progress(done, total)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        manifest.apply(recorded, forgotten)
    if progress:
        progress(total, total)


def _index_file(writer, planned: _Planned, report: IndexReport, fresh: bool) -> FileEntry | None:
    """Indexes one file's articles; returns its manifest entry (None: leave the file as it was)."""
    source, previous = planned.source, planned.previous
    try:
        data = sources.read_bytes(source.path)
    except OSError as exc:
        report.skips.append(Skip(source.path, f"cannot read: {exc.strerror}"))
        report.skipped += 1
        return None
    digest = sources.digest(data)
    entry = FileEntry(source.path, source.root, source.size, source.mtime_ns, digest, 0)
    if previous is not None and previous.digest == digest:
        report.unchanged += 1  # touched, not changed
        entry.articles, entry.skipped = previous.articles, previous.skipped
        return entry
    if not fresh:
        writer.delete_by_term("file", source.path)
    skips: list[Skip] = []
    articles: list[Article] = []
    try:
        for record in sources.raw_records(source, data, skips):
            try:
                articles.append(extract(record))
            except NoArticle as exc:
                where = f"{source.path}:{record.key}" if record.key else source.path
                skips.append(Skip(where, str(exc)))
    except sources.SkipFile as exc:
        skips.append(Skip(source.path, str(exc)))
    report.skips.extend(skips)
    report.skipped += len(skips)
    for article in articles:
        _add_article(writer, article, split_passages(article))
    entry.articles = len(articles)
    if not articles:
        entry.skipped = skips[0].reason if skips else "no articles"
    elif previous is None:
        report.added += 1
    else:
        report.updated += 1
    return entry


def _add_article(writer, article: Article, passages: list[Passage]) -> None:
    common = {"article": article.id, "file": article.path}
    fields = {
        "kind": ARTICLE,
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "path": article.path,
        "key": article.key,
        **common,
    }
    if article.date is not None:
        fields["date"] = article.date
    if article.source:
        fields["source"] = article.source
    if article.byline:
        fields["byline"] = article.byline
    writer.add_document(**fields)
    for passage in passages:
        writer.add_document(
            kind=PASSAGE,
            id=f"{article.id}:{passage.number}",
            text=passage.text,
            span=(passage.start, passage.end),
            number=passage.number,
            **common,
        )
