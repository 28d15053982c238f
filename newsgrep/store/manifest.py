"""The manifest: the roots an index covers and, per file, its size, mtime, content hash and article count;
and the counts of recurring lines from which furniture is learnt.

For an appendable file (a web archive, JSON Lines, a mailbox) `size` is the number of bytes read and
`digest` their hash, and `resume` is where the next read starts: a later run that finds the same hash
for the file's first `size` bytes reads only what was appended after `resume`, and keeps the articles
it has.

It lives beside the Whoosh index (SQLite, one transaction per Whoosh commit, written just after it).
If a run dies between the two, the manifest lags the index: the next run sees those files as new or
changed and re-indexes them, deleting their old documents first, so nothing is duplicated or lost.
"""

from __future__ import annotations

import json
import sqlite3
import time
from array import array
from dataclasses import dataclass
from pathlib import Path

from newsgrep.store import duplicates


@dataclass
class FileEntry:
    path: str
    root: str
    size: int
    mtime_ns: int
    digest: str
    articles: int  # articles indexed from the file; 0 if it was skipped
    skipped: str | None = None  # why the file could not be indexed, if it could not
    passages: int = 0
    resume: int | None = None  # appendable files: the byte the next read starts at (None: from the start)


class Manifest:
    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        if readonly:  # searches: never write, never wait for a writer
            self.db = _read_only(self.path)
            return
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS files (
                path TEXT PRIMARY KEY, root TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                digest TEXT NOT NULL, articles INTEGER NOT NULL, skipped TEXT, passages INTEGER NOT NULL,
                resume INTEGER);
            CREATE TABLE IF NOT EXISTS furniture (
                site TEXT NOT NULL, key INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (site, key))
                WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS file_keys (
                path TEXT NOT NULL, site TEXT NOT NULL, keys BLOB NOT NULL, PRIMARY KEY (path, site))
                WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS file_keys_site ON file_keys (site);
            CREATE TABLE IF NOT EXISTS signatures (
                id TEXT PRIMARY KEY, path TEXT NOT NULL, signature BLOB NOT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS signatures_path ON signatures (path);
            CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id))
                WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS bands_id ON bands (id);
            CREATE TABLE IF NOT EXISTS indexed (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, at REAL NOT NULL)
                WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS indexed_seq ON indexed (seq);
            """
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # meta --------------------------------------------------------------------------------------------
    def _get(self, key: str, default=None):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def _set(self, key: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def roots(self) -> list[str]:
        return self._get("roots", [])

    def set_roots(self, roots: list[str]) -> None:
        self._set("roots", sorted(set(roots)))

    def updated(self) -> float | None:
        return self._get("updated")

    # files -------------------------------------------------------------------------------------------
    def files(self) -> dict[str, FileEntry]:
        rows = self.db.execute(f"SELECT {_ENTRY} FROM files")
        return {row[0]: FileEntry(*row) for row in rows}

    def stamps(self) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) of every file: all a re-scan needs to tell unchanged files (most) apart."""
        return {path: (size, mtime) for path, size, mtime in self.db.execute("SELECT path, size, mtime_ns FROM files")}

    def entries(self, paths: list[str]) -> dict[str, FileEntry]:
        found: dict[str, FileEntry] = {}
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            rows = self.db.execute(
                f"SELECT {_ENTRY} FROM files WHERE path IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update((row[0], FileEntry(*row)) for row in rows)
        return found

    def article_ids(self, path: str) -> set[str]:
        """The ids of the articles indexed from a file."""
        return {row[0] for row in self.db.execute("SELECT id FROM signatures WHERE path = ?", (path,))}

    def counts(self) -> tuple[int, int, int, int]:
        """(files indexed, files skipped, articles, passages)."""
        return self.db.execute(
            "SELECT COUNT(*) FILTER (WHERE skipped IS NULL), COUNT(*) FILTER (WHERE skipped IS NOT NULL),"
            " COALESCE(SUM(articles), 0), COALESCE(SUM(passages), 0) FROM files"
        ).fetchone()

    def counts_under(self, root: str) -> tuple[int, int]:
        """(files indexed, articles) of the files at or under `root` (by path: a file's recorded root may
        be a folder that a later root took in)."""
        folder = root.rstrip("/") + "/"
        return self.db.execute(
            "SELECT COUNT(*) FILTER (WHERE skipped IS NULL), COALESCE(SUM(articles), 0) FROM files"
            " WHERE path = ? OR substr(path, 1, ?) = ?",
            (root, len(folder), folder),
        ).fetchone()

    # learnt furniture (see newsgrep.indexer.learnt_furniture) ---------------------------------------
    def furniture_counts(self, site: str) -> dict[int, int]:
        return dict(self.db.execute("SELECT key, count FROM furniture WHERE site = ?", (site,)))

    def file_keys(self, path: str) -> list[tuple[str, list[int]]]:
        rows = self.db.execute("SELECT site, keys FROM file_keys WHERE path = ?", (path,))
        return [(site, _unpack_keys(blob)) for site, blob in rows]

    def keys_of_sites(self, sites: set[str]):
        """(path, site, keys) of every file with articles of these sites."""
        for site in sites:
            for path, blob in self.db.execute("SELECT path, keys FROM file_keys WHERE site = ?", (site,)):
                yield path, site, _unpack_keys(blob)

    def furniture_share(self, threshold: int) -> tuple[int, int]:
        """(keys counted, keys counted `threshold` times or more: furniture)."""
        return self.db.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE count >= ?) FROM furniture", (threshold,)
        ).fetchone()

    def census(self) -> str | None:
        """The sharded build whose other shards' furniture changes this shard's counts hold already."""
        return self._get("census")

    # near-duplicate signatures (see newsgrep.store.duplicates) ---------------------------------------
    def copies(self, article_ids: list[str]) -> dict[str, list[str]]:
        """{id: ids of its near-duplicates}: articles sharing an LSH band whose signatures agree enough."""
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        pairs = self.db.execute(
            "SELECT DISTINCT mine.id, other.id FROM bands AS mine JOIN bands AS other ON other.key = mine.key"
            f" WHERE mine.id IN ({marks}) AND other.id != mine.id",
            article_ids,
        ).fetchall()
        if not pairs:
            return {}
        wanted = sorted({i for pair in pairs for i in pair})
        marks = ",".join("?" * len(wanted))
        signatures = {
            i: duplicates.unpack(blob)
            for i, blob in self.db.execute(f"SELECT id, signature FROM signatures WHERE id IN ({marks})", wanted)
        }
        found: dict[str, list[str]] = {}
        for mine, other in pairs:
            if (
                mine in signatures
                and other in signatures
                and duplicates.similarity(signatures[mine], signatures[other]) >= duplicates.THRESHOLD
            ):
                found.setdefault(mine, []).append(other)
        return {i: sorted(others) for i, others in found.items()}

    def mark_unread(self, paths: list[str]) -> None:
        """Marks files to be read again and their articles replaced by the next run (`check --repair`), in
        one transaction: their stamps and digests no longer match any file."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "UPDATE files SET mtime_ns = -1, digest = '', resume = NULL WHERE path = ?", [(p,) for p in paths]
            )

    # the log of indexed articles (newsgrep.alerts matches saved searches against what is new) ------------
    def last_seq(self) -> int:
        """The number of the last commit that indexed articles (0: none logged)."""
        return self._get("seq", 0)

    def indexed_after(self, seq: int) -> list[str]:
        """Ids of the articles indexed (added or changed) by commits after number `seq`, still in the index."""
        return [row[0] for row in self.db.execute("SELECT id FROM indexed WHERE seq > ? ORDER BY seq, id", (seq,))]

    def indexed_between(self, start: float | None, end: float | None) -> list[str]:
        """Ids of the articles last indexed between these times (seconds since the epoch; None: open)."""
        rows = self.db.execute(
            "SELECT id FROM indexed WHERE at >= ? AND at <= ? ORDER BY seq, id",
            (start if start is not None else float("-inf"), end if end is not None else float("inf")),
        )
        return [row[0] for row in rows]

    def bands(self, article_ids: list[str]) -> list[tuple[str, int]]:
        """(id, LSH band key) of these articles (a sharded index looks for their copies in every shard)."""
        marks = ",".join("?" * len(article_ids))
        return self.db.execute(f"SELECT id, key FROM bands WHERE id IN ({marks})", article_ids).fetchall()

    def band_members(self, keys: list[int]) -> list[tuple[int, str]]:
        """(band key, id) of the articles in these LSH bands."""
        marks = ",".join("?" * len(keys))
        return self.db.execute(f"SELECT key, id FROM bands WHERE key IN ({marks})", keys).fetchall()

    def signatures(self, article_ids: list[str]) -> dict[str, list[int]]:
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(f"SELECT id, signature FROM signatures WHERE id IN ({marks})", article_ids)
        return {i: duplicates.unpack(blob) for i, blob in rows}

    # one transaction per Whoosh commit ---------------------------------------------------------------
    def apply(
        self,
        recorded: list[FileEntry],
        forgotten: list[str],
        keys: dict[str, list[tuple[str, list[int]]]] | None = None,
        furniture: dict[tuple[str, int], int] | None = None,
        signatures: dict[str, list[tuple[str, bytes]]] | None = None,  # packed: duplicates.pack
        grown: list[FileEntry] | None = None,
        appended: dict[str, list[tuple[str, bytes]]] | None = None,
        meta: dict[str, object] | None = None,
    ) -> None:
        """Records and forgets files (with their furniture keys) and stores changed furniture counts, in
        one transaction, and stamps the update time. `signatures` replace a file's. `grown` entries are of
        files that grew and were read from where the last read ended: they count only the new articles
        and passages, added to the manifest's (after `recorded`, in order: a file's first piece and the
        next ones may be in one commit), and the new articles' signatures, `appended`, are added to the
        file's."""
        keys, signatures, appended = keys or {}, signatures or {}, appended or {}
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_row(e) for e in recorded],
            )
            self.db.executemany(
                "INSERT OR REPLACE INTO files SELECT ?, ?, ?, ?, ?, old.articles + ?,"
                " CASE WHEN old.articles + ? > 0 THEN NULL ELSE COALESCE(?, old.skipped) END, old.passages + ?, ?"
                " FROM (SELECT COALESCE(MAX(articles), 0) AS articles, COALESCE(MAX(passages), 0) AS passages,"
                " MAX(skipped) AS skipped FROM files WHERE path = ?) AS old",
                [
                    (e.path, e.root, e.size, e.mtime_ns, e.digest, e.articles, e.articles, e.skipped, e.passages)
                    + (e.resume, e.path)
                    for e in grown or []
                ],
            )
            self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in forgotten])
            self.db.executemany("DELETE FROM file_keys WHERE path = ?", [(p,) for p in [*forgotten, *keys]])
            self.db.executemany(
                "INSERT INTO file_keys VALUES (?, ?, ?)",
                [(path, site, _pack_keys(site_keys)) for path, by_site in keys.items() for site, site_keys in by_site],
            )

            replaced = [(path,) for path in [*forgotten, *signatures]]
            self.db.executemany("DELETE FROM indexed WHERE id IN (SELECT id FROM signatures WHERE path = ?)", replaced)
            self.db.executemany("DELETE FROM bands WHERE id IN (SELECT id FROM signatures WHERE path = ?)", replaced)
            self.db.executemany("DELETE FROM signatures WHERE path = ?", replaced)
            added = [*signatures.items(), *appended.items()]
            self.db.executemany(
                "INSERT OR REPLACE INTO signatures VALUES (?, ?, ?)",
                [(aid, path, sig) for path, articles in added for aid, sig in articles],
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO bands VALUES (?, ?)",
                sorted(
                    (key, aid)
                    for _, articles in added
                    for aid, sig in articles
                    for key in duplicates.band_keys(duplicates.unpack(sig))
                ),
            )
            seq = self._get("seq", 0) + 1  # this commit's number in the log of indexed articles (alerts read it)
            now = time.time()
            self.db.executemany(
                "INSERT OR REPLACE INTO indexed VALUES (?, ?, ?)",
                [(aid, seq, now) for _, articles in added for aid, _ in articles],
            )
            self._set("seq", seq)
            if furniture:
                self.db.executemany(
                    "INSERT OR REPLACE INTO furniture VALUES (?, ?, ?)",
                    [(site, key, count) for (site, key), count in furniture.items() if count > 0],
                )
                self.db.executemany(
                    "DELETE FROM furniture WHERE site = ? AND key = ?",
                    [(site, key) for (site, key), count in furniture.items() if count <= 0],
                )
            for key, value in (meta or {}).items():  # in the same transaction (a shard's census mark)
                self._set(key, value)
            self._set("updated", time.time())


_ENTRY = "path, root, size, mtime_ns, digest, articles, skipped, passages, resume"


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes. SQLite reads a WAL database through its `-shm` file, which it
    must create when no writer has: on a read-only folder or a full disk it cannot, and the database is
    then opened as immutable (no writer can be running there; an unmerged WAL of a writer killed on a
    full disk is left out: its last transaction was not yet part of a finished run)."""
    from urllib.parse import quote

    address = f"file:{quote(str(path))}"
    db = sqlite3.connect(f"{address}?mode=ro", uri=True, timeout=5, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
    db = sqlite3.connect(f"{address}?mode=ro&immutable=1", uri=True, timeout=5, isolation_level=None)
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return db


def _row(e: FileEntry) -> tuple:
    return (e.path, e.root, e.size, e.mtime_ns, e.digest, e.articles, e.skipped, e.passages, e.resume)


def _pack_keys(keys: list[int]) -> bytes:
    return array("q", keys).tobytes()


def _unpack_keys(blob: bytes) -> list[int]:
    keys = array("q")
    keys.frombytes(blob)
    return keys.tolist()
