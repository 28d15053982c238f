"""The manifest: the roots an index covers and, per file, its size, mtime, content hash and article count.

It lives beside the Whoosh index (SQLite, one transaction per Whoosh commit, written just after it).
If a run dies between the two, the manifest lags the index: the next run sees those files as new or
changed and re-indexes them, deleting their old documents first, so nothing is duplicated or lost.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class FileEntry:
    path: str
    root: str
    size: int
    mtime_ns: int
    digest: str
    articles: int  # articles indexed from the file; 0 if it was skipped
    skipped: str | None = None  # why the file could not be indexed, if it could not


class Manifest:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS files (
                path TEXT PRIMARY KEY, root TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                digest TEXT NOT NULL, articles INTEGER NOT NULL, skipped TEXT);
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
        rows = self.db.execute("SELECT path, root, size, mtime_ns, digest, articles, skipped FROM files")
        return {row[0]: FileEntry(*row) for row in rows}

    def counts(self) -> tuple[int, int, int]:
        """(files indexed, files skipped, articles)."""
        ok, skipped, articles = self.db.execute(
            "SELECT COUNT(*) FILTER (WHERE skipped IS NULL), COUNT(*) FILTER (WHERE skipped IS NOT NULL),"
            " COALESCE(SUM(articles), 0) FROM files"
        ).fetchone()
        return ok, skipped, articles

    def apply(self, recorded: list[FileEntry], forgotten: list[str]) -> None:
        """Records and forgets files in one transaction, and stamps the update time."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(e.path, e.root, e.size, e.mtime_ns, e.digest, e.articles, e.skipped) for e in recorded],
            )
            self.db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in forgotten])
            self._set("updated", time.time())
