"""A batch of files on its way into the index: read and counted (learnt furniture), then cleaned into
articles, then written with the manifest's record of it as one commit.

Files are loaded before any of them is cleaned, so that every article of a batch is cleaned with the
furniture counts that include the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from newsgrep.formats.records import Skip, SkipFile
from newsgrep.indexer import sources
from newsgrep.indexer.documents import Indexed, add_articles
from newsgrep.indexer.extract import NoArticle, Prepared, finish, prepare
from newsgrep.indexer.learnt_furniture import Counts, furniture_keys
from newsgrep.indexer.plan import Planned
from newsgrep.indexer.records import Article, SourceFile
from newsgrep.indexer.report import IndexReport
from newsgrep.store import whoosh_internals
from newsgrep.store.analysis import news_analyzer
from newsgrep.store.manifest import FileEntry, Manifest
from newsgrep.store.schema import F

WRITER = {"limitmb": 256, "compound": False}


@dataclass
class Loaded:
    """A file read and prepared, waiting to be cleaned."""

    source: SourceFile
    previous: FileEntry | None
    entry: FileEntry
    prepared: list[Prepared]
    skips: list[Skip]


@dataclass
class Commit:
    """What one Whoosh commit and the manifest transaction after it hold."""

    forgotten: list[str] = field(default_factory=list)  # files gone: their articles go, the manifest forgets them
    replaced: list[str] = field(default_factory=list)  # files cleaned: their old articles (if any) go first
    recorded: list[FileEntry] = field(default_factory=list)
    keys: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)  # furniture keys per file and site
    furniture: dict[tuple[str, int], int] = field(default_factory=dict)  # changed furniture counts
    articles: list[Article] = field(default_factory=list)  # cleaned, not yet handed to a writer
    files: int = 0  # files cleaned into this commit
    entries: dict[str, FileEntry] = field(default_factory=dict)  # article id -> its file's entry

    def take_articles(self) -> list[Article]:
        articles, self.articles = self.articles, []
        return articles

    def write(
        self,
        ix,
        manifest: Manifest,
        *,
        fresh: bool,
        segments: list | None = None,
        indexed: list[Indexed] | None = None,
        cleanable: set[str] | None = None,
        on_written: Callable[[int], None] | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        """Commits the deletions and the articles (indexed here unless `segments`, written by worker
        processes, hold them) and then the manifest's record. In a `fresh` index there is nothing to
        delete. With `cleanable`, only those of the index's files may be removed as unused.
        `on_written(n)` is told of articles indexed here as they go, `on_commit()` when the commit starts."""
        writer = ix.writer(**WRITER)
        try:
            for path in [*self.forgotten, *([] if fresh else self.replaced)]:  # old documents go first
                writer.delete_by_term(F.FILE, path)
            if segments is None:
                indexed = add_articles(writer, self.take_articles(), news_analyzer(), on_written)
            if on_commit:
                on_commit()
            whoosh_internals.commit_with(writer, segments or [], cleanable)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        signatures: dict[str, list[tuple[str, bytes]]] = {path: [] for path in self.replaced}
        for item in indexed or []:
            entry = self.entries[item.id]
            entry.passages += item.passages
            signatures[entry.path].append((item.id, item.signature))
        manifest.apply(self.recorded, self.forgotten, self.keys, self.furniture, signatures)


class Loader:
    """Reads files into commits and cleans them, keeping the report and the furniture counts."""

    def __init__(self, manifest: Manifest, counts: Counts, report: IndexReport):
        self.manifest, self.counts, self.report = manifest, counts, report

    def remove(self, paths: list[str], commit: Commit) -> None:
        for path in paths:
            self._uncount(path)
            commit.forgotten.append(path)
        self.report.removed += len(paths)

    def load(self, planned: Planned, commit: Commit, force: bool = False) -> Loaded | None:
        """Reads, decodes and prepares a file, and moves its furniture keys into the counts. None when
        there is nothing to clean: the file could not be read, or was touched but not changed (`force`:
        re-extract it all the same)."""
        source, previous, report = planned.source, planned.previous, self.report
        if source.size > sources.MAX_FILE_BYTES:  # not even read: recorded as skipped until it changes
            entry = FileEntry(source.path, source.root, source.size, source.mtime_ns, "", 0)
            self._uncount(source.path)
            commit.keys[source.path] = []
            reason = f"too large (over {sources.MAX_FILE_BYTES // 2**20} MB)"
            return Loaded(source, previous, entry, [], [Skip(source.path, reason)])
        try:
            data = sources.read_bytes(source.path)
        except OSError as exc:
            report.skip(Skip(source.path, f"cannot read: {exc.strerror}"))
            return None
        entry = FileEntry(source.path, source.root, source.size, source.mtime_ns, sources.digest(data), 0)
        if previous is not None and previous.digest == entry.digest and not force:
            report.unchanged += 1  # touched, not changed
            entry.articles, entry.passages, entry.skipped = previous.articles, previous.passages, previous.skipped
            commit.recorded.append(entry)
            return None
        skips: list[Skip] = []
        prepared: list[Prepared] = []
        try:
            prepared = [prepare(record, source.root) for record in sources.raw_records(source, data, skips)]
        except SkipFile as exc:
            skips.append(Skip(source.path, str(exc)))
        by_site: dict[str, list[int]] = {}
        for item in prepared:
            by_site.setdefault(item.site, []).extend(furniture_keys(item.lines))
        self._uncount(source.path)
        for site, keys in by_site.items():
            self.counts.change(site, keys, +1)
        commit.keys[source.path] = list(by_site.items())
        return Loaded(source, previous, entry, prepared, skips)

    def clean(self, loaded: Loaded, commit: Commit, refresh: bool = False) -> None:
        """Extracts a loaded file's articles into the commit and accounts for the file (`refresh`: a
        re-extraction of a file already counted, whose skips were reported when it was indexed)."""
        report, skips = self.report, loaded.skips
        commit.replaced.append(loaded.source.path)
        articles = []
        for item in loaded.prepared:
            try:
                articles.append(finish(item, self.counts))
            except NoArticle as exc:
                record = item.record
                skips.append(Skip(f"{record.path}:{record.key}" if record.key else record.path, str(exc)))
        if not refresh:
            report.skip(*skips)
        entry = loaded.entry
        entry.articles = len(articles)
        if not articles:
            entry.skipped = skips[0].reason if skips else "no articles"
        elif refresh:
            report.refreshed += 1
        elif loaded.previous is None:
            report.added += 1
        else:
            report.updated += 1
        commit.recorded.append(entry)
        commit.articles.extend(articles)
        commit.entries.update((article.id, entry) for article in articles)
        commit.files += 1
        loaded.prepared = []  # the cleaned articles are all that is needed from here on

    def _uncount(self, path: str) -> None:
        """Takes what the file counted for learnt furniture when it was last indexed out of the counts."""
        for site, keys in self.manifest.file_keys(path):
            self.counts.change(site, keys, -1)
