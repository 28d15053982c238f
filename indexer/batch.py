"""A batch of files on its way into the index: read and counted (learnt furniture), then cleaned into
articles, then written with the manifest's record of it as one commit.

Files are loaded before any of them is cleaned, so that every article of a batch is cleaned with the
furniture counts that include the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from newsgrep import formats
from newsgrep.formats.records import MissingExtra, Partial, Skip, SkipFile
from newsgrep.indexer import sources
from newsgrep.indexer.documents import Indexed, add_articles
from newsgrep.indexer.extract import NoArticle, Prepared, finish, prepare
from newsgrep.indexer.learnt_furniture import Counts, furniture_keys
from newsgrep.indexer.plan import Continuation, Planned
from newsgrep.indexer.records import Article, SourceFile
from newsgrep.indexer.report import IndexReport
from newsgrep.store import bulk_segment, whoosh_internals
from newsgrep.store.analysis import news_analyzer
from newsgrep.store.manifest import FileEntry, Manifest
from newsgrep.store.schema import F, article_id

WRITER = {"limitmb": 256, "compound": False}
PIECE_BYTES = 32 * 1024 * 1024  # of an appendable file read at a time (into one batch): bounds memory


@dataclass
class Loaded:
    """A file (or a piece of one) read and prepared, waiting to be cleaned."""

    source: SourceFile
    previous: FileEntry | None
    entry: FileEntry
    prepared: list[Prepared]
    skips: list[Skip]
    start: int = 0  # the byte the read started at: 0 replaces the file's articles, more adds to them
    continued: bool = False  # a piece after the first of a file this run reads piece by piece


@dataclass
class Commit:
    """What one Whoosh commit and the manifest transaction after it hold."""

    forgotten: list[str] = field(default_factory=list)  # files gone: their articles go, the manifest forgets them
    replaced: list[str] = field(default_factory=list)  # files cleaned: their old articles (if any) go first
    recorded: list[FileEntry] = field(default_factory=list)
    grown: list[FileEntry] = field(default_factory=list)  # appendable files read on: their new articles only
    keys: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)  # furniture keys per file and site
    furniture: dict[tuple[str, int], int] = field(default_factory=dict)  # changed furniture counts
    articles: list[Article] = field(default_factory=list)  # cleaned, not yet handed to a writer
    files: int = 0  # files cleaned into this commit
    entries: dict[str, FileEntry] = field(default_factory=dict)  # article id -> its file's entry
    meta: dict[str, object] = field(default_factory=dict)  # manifest records committed with it

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
        grown = {id(entry) for entry in self.grown}
        try:
            for path in [*self.forgotten, *([] if fresh else self.replaced)]:  # old documents go first
                writer.delete_by_term(F.FILE, path)
            if not fresh:  # a run that died after committing a grown file's new articles, before the
                # manifest knew: the next run reads them again, and they must not be there twice
                for article_id, entry in self.entries.items():
                    if id(entry) in grown:
                        writer.delete_by_term(F.ID, article_id)
            if segments is None and bulk_segment.bulk_enabled():  # the articles as a segment of their own
                bulk = bulk_segment.BulkSegments(ix)
                try:
                    indexed = add_articles(bulk, self.take_articles(), news_analyzer(), on_written)
                    segments = bulk.finish()
                finally:
                    if not bulk.is_closed:
                        bulk.cancel()
            elif segments is None:
                indexed = add_articles(writer, self.take_articles(), news_analyzer(), on_written)
            if on_commit:
                on_commit()
            whoosh_internals.commit_with(writer, segments or [], cleanable)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        signatures: dict[str, list[tuple[str, bytes]]] = {path: [] for path in self.replaced}
        appended: dict[str, list[tuple[str, bytes]]] = {}
        for item in indexed or []:
            entry = self.entries[item.id]
            entry.passages += item.passages
            added = appended if id(entry) in grown else signatures
            added.setdefault(entry.path, []).append((item.id, item.signature))
        manifest.apply(
            self.recorded, self.forgotten, self.keys, self.furniture, signatures, self.grown, appended, self.meta
        )


class Loader:
    """Reads files into commits and cleans them, keeping the report and the furniture counts."""

    def __init__(self, manifest: Manifest, counts: Counts, report: IndexReport):
        self.manifest, self.counts, self.report = manifest, counts, report
        self.continuations: list[Planned] = []  # the next pieces of files read piece by piece

    def remove(self, paths: list[str], commit: Commit) -> None:
        for path in paths:
            self._uncount(path)
            commit.forgotten.append(path)
        self.report.removed += len(paths)

    def load(self, planned: Planned, commit: Commit, force: bool = False) -> Loaded | None:
        """Reads, decodes and prepares a file, and moves its furniture keys into the counts. None when
        there is nothing to clean: the file could not be read, its format's optional libraries are not
        installed, or it was touched but not changed (`force`: re-extract it all the same)."""
        source, previous, report = planned.source, planned.previous, self.report
        module = formats.format_for(source.path) or formats.text
        extra = formats.missing_extra(module)
        if extra is not None:  # not read, not recorded: counted, and tried again by every run
            report.need_extra(extra, formats.ending(source.path))
            return None
        limit = formats.max_bytes(module)
        if limit is not None and source.size > limit:  # not even read: recorded as skipped until it changes
            entry = FileEntry(source.path, source.root, source.size, source.mtime_ns, "", 0)
            self._uncount(source.path)
            commit.keys[source.path] = []
            reason = f"too large (over {limit // 2**20} MB)"
            return Loaded(source, previous, entry, [], [Skip(source.path, reason)])
        if formats.appendable(module):
            try:
                with sources.mapped(source.path) as (data, status):
                    return self._load_appendable(planned, commit, force, data, status)
            except OSError as exc:
                report.skip(Skip(source.path, f"cannot read: {exc.strerror}"))
                return None
        try:
            data = sources.read_bytes(source.path, limit or sources.MAX_FILE_BYTES)
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
        except MissingExtra as exc:  # its libraries are there but cannot be imported
            report.need_extra(exc.extra, formats.ending(source.path))
            return None
        self._count(source.path, prepared, commit)
        return Loaded(source, previous, entry, prepared, skips)

    def _load_appendable(self, planned: Planned, commit: Commit, force: bool, data, status) -> Loaded | None:
        """A piece of a file that grows by appending records: from where the last read ended when the
        bytes read then are unchanged (or from where this run's last piece ended), else from the start;
        up to PIECE_BYTES past that."""
        source, previous, continued = planned.source, planned.previous, planned.continued
        size = len(data)
        state = continued
        if state is not None and size < state.hashed:  # rewritten while this run read it: the next run reads it
            self.report.skip(Skip(source.path, "changed while it was read: read again next time", 0))
            return None
        if state is None and previous is not None and not force and size >= previous.size:
            hashing = sources.hasher()
            sources.hash_range(hashing, data, 0, previous.size)
            if hashing.hexdigest() == previous.digest:
                if size == previous.size:  # touched, not changed (or its last record still incomplete)
                    self.report.unchanged += 1
                    entry = FileEntry(**{**vars(previous), "mtime_ns": status.st_mtime_ns})
                    commit.recorded.append(entry)
                    return None
                if previous.resume is not None:
                    ids = self.manifest.article_ids(source.path)
                    keys = dict(self.manifest.file_keys(source.path))
                    state = Continuation(previous.resume, previous.size, hashing, ids, keys)
        skips: list[Skip] = []
        start = state.start if state is not None else 0
        try:
            piece = formats.read_piece(source.path, data, skips, start, start + PIECE_BYTES)
        except SkipFile as exc:
            if start and continued is None:  # the old end is no record boundary after all: read it whole
                return self._load_appendable(Planned(source, previous), commit, True, data, status)
            if state is not None:  # a later piece: what was read stays; the next run tries again from there
                digest = state.hashing.hexdigest()
                entry = FileEntry(source.path, source.root, state.hashed, status.st_mtime_ns, digest, 0, resume=start)
                skips = [Skip(f"{source.path}@{start}", f"cannot read on from byte {start}: {exc}")]
                return Loaded(source, previous, entry, [], skips, start, True)
            hashing = sources.hasher()
            sources.hash_range(hashing, data, 0, size)
            entry = FileEntry(source.path, source.root, size, status.st_mtime_ns, hashing.hexdigest(), 0)
            self._count(source.path, [], commit)
            return Loaded(source, previous, entry, [], [*skips, Skip(source.path, str(exc))])
        finished = piece.end >= size or any(isinstance(skip, Partial) for skip in skips)
        hashed, hashing = (state.hashed, state.hashing.copy()) if state is not None else (0, sources.hasher())
        covered = max(hashed, size if finished else piece.end)
        sources.hash_range(hashing, data, hashed, covered)
        entry = FileEntry(
            source.path, source.root, covered, status.st_mtime_ns, hashing.hexdigest(), 0, resume=piece.end
        )
        taken = set(state.ids) if state is not None else set()
        prepared = []
        for record in piece.records:
            item = prepare(record, source.root)
            if item.id in taken and record.fallback_key:  # a key an earlier record of the file has
                record.key = record.fallback_key
                item.id = article_id(record.path, record.key)
            if item.id in taken:
                skips.append(Skip(f"{source.path}:{record.key}", "a second record with this key"))
                continue
            taken.add(item.id)
            prepared.append(item)
        keys = self._count(source.path, prepared, commit, state.keys if state is not None else None)
        if not finished:
            self.continuations.append(
                Planned(source, entry, Continuation(piece.end, covered, hashing.copy(), taken, keys))
            )
        return Loaded(source, previous, entry, prepared, skips, start, continued is not None)

    def _count(
        self, path: str, prepared: list[Prepared], commit: Commit, before: dict[str, list[int]] | None = None
    ) -> dict[str, list[int]]:
        """Moves the file's furniture keys into the counts: its articles' keys replace what it counted when
        it was last indexed, or (`before`: the keys it counts already) add to them."""
        by_site: dict[str, list[int]] = {}
        for item in prepared:
            by_site.setdefault(item.site, []).extend(furniture_keys(item.lines))
        if before is None:
            self._uncount(path)
        for site, keys in by_site.items():
            self.counts.change(site, keys, +1)
        merged = {site: list(keys) for site, keys in (before or {}).items()}
        for site, keys in by_site.items():
            merged.setdefault(site, []).extend(keys)
        commit.keys[path] = list(merged.items())
        return merged

    def clean(self, loaded: Loaded, commit: Commit, refresh: bool = False) -> None:
        """Extracts a loaded file's articles into the commit and accounts for the file (`refresh`: a
        re-extraction of a file already counted, whose skips were reported when it was indexed)."""
        report, skips = self.report, loaded.skips
        if loaded.start == 0:
            commit.replaced.append(loaded.source.path)
        articles = []
        for item in loaded.prepared:
            try:
                articles.append(finish(item, self.counts))
            except NoArticle as exc:
                record = item.record
                skips.append(Skip(f"{record.path}:{record.key}" if record.key else record.path, str(exc)))
            except Exception as exc:  # a bug met by one record ends no run: the record is a reported skip
                record = item.record
                where = f"{record.path}:{record.key}" if record.key else record.path
                skips.append(Skip(where, f"could not be extracted: {type(exc).__name__}: {exc}"))
        if not refresh:
            report.skip(*skips)
        entry = loaded.entry
        entry.articles = len(articles)
        if not articles:
            entry.skipped = next((skip.reason for skip in skips if skip.count), "no articles")
        if loaded.start:  # read on from where a read ended: the file's other articles stay
            commit.grown.append(entry)
            report.grown += not loaded.continued and not refresh
        else:
            commit.recorded.append(entry)
            if articles and refresh:
                report.refreshed += 1
            elif articles and loaded.previous is None:
                report.added += 1
            elif articles:
                report.updated += 1
        commit.articles.extend(articles)
        commit.entries.update((article.id, entry) for article in articles)
        commit.files += 1
        loaded.prepared = []  # the cleaned articles are all that is needed from here on

    def _uncount(self, path: str) -> None:
        """Takes what the file counted for learnt furniture when it was last indexed out of the counts."""
        for site, keys in self.manifest.file_keys(path):
            self.counts.change(site, keys, -1)
