"""Saved searches ("alerts") kept with the index: `alerts.sqlite` in the index folder, beside the
generations, so that a rebuild keeps them and every reader of the index sees them.

Tables: `alerts` (name, query, search options as JSON, the command to run, when created); `fired`
(alert, article id, the story it was reported under): an article fires once per alert, ever;
`outbox` (hits decided but not yet delivered), written in the same transaction as the `fired` rows
and the `state` watermark (the last indexing commit matched), so a run killed between deciding and
delivering neither loses nor repeats a hit: the next run delivers what the outbox holds, then marks it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

FILE = "alerts.sqlite"


@dataclass
class Alert:
    name: str
    query: str
    options: dict = field(default_factory=dict)  # the search options: since, until, paths, globs, operator
    exec: str | None = None  # a shell command given each hit as JSON on its standard input
    created: float = 0.0

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "query": self.query,
            "options": self.options,
            "exec": self.exec,
            "created": self.created,
        }


@dataclass
class Pending:
    """A hit in the outbox: `shown` once reported in a run's output, `ran` once its command succeeded."""

    number: int
    alert: str
    hit: dict
    shown: bool
    ran: bool
    attempts: int
    error: str | None


class AlertStore:
    def __init__(self, index_path: str | Path, readonly: bool = False):
        self.path = Path(index_path) / FILE
        if readonly:  # the web page: it only reads, and the index may be shared read-only
            self.db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None)
            return
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS alerts (
                name TEXT PRIMARY KEY, query TEXT NOT NULL, options TEXT NOT NULL, exec TEXT, created REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS fired (
                alert TEXT NOT NULL, id TEXT NOT NULL, story TEXT NOT NULL, at REAL NOT NULL,
                PRIMARY KEY (alert, id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS outbox (
                number INTEGER PRIMARY KEY AUTOINCREMENT, alert TEXT NOT NULL, hit TEXT NOT NULL,
                shown INTEGER NOT NULL DEFAULT 0, ran INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0, error TEXT);
            CREATE TABLE IF NOT EXISTS state (generation TEXT PRIMARY KEY, seq INTEGER NOT NULL);
            """
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> AlertStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # the saved searches ------------------------------------------------------------------------------
    def add(self, alert: Alert) -> bool:
        """Saves `alert`; False if one of that name exists (nothing changed)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute(
                    "INSERT INTO alerts VALUES (?, ?, ?, ?, ?)",
                    (alert.name, alert.query, json.dumps(alert.options), alert.exec, alert.created or time.time()),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def remove(self, name: str) -> bool:
        """Forgets an alert, what it fired and what it had still to deliver; False if there is none."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            gone = self.db.execute("DELETE FROM alerts WHERE name = ?", (name,)).rowcount
            self.db.execute("DELETE FROM fired WHERE alert = ?", (name,))
            self.db.execute("DELETE FROM outbox WHERE alert = ?", (name,))
        return bool(gone)

    def alerts(self, name: str | None = None) -> list[Alert]:
        rows = self.db.execute(
            "SELECT name, query, options, exec, created FROM alerts WHERE ? IS NULL OR name = ? ORDER BY name",
            (name, name),
        )
        return [Alert(n, q, json.loads(o), e, c) for n, q, o, e, c in rows]

    def fired_count(self, name: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM fired WHERE alert = ?", (name,)).fetchone()[0]

    # what has fired ----------------------------------------------------------------------------------
    def fired(self, name: str, ids: list[str]) -> dict[str, str]:
        """{article id: its story} for those of `ids` that have fired for alert `name`."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.db.execute(
                f"SELECT id, story FROM fired WHERE alert = ? AND id IN ({','.join('?' * len(chunk))})",
                [name, *chunk],
            )
            found.update(rows)
        return found

    def recent_fired(self, name: str, count: int) -> list[tuple[str, float]]:
        """(article id, when it fired) of the last `count` articles alert `name` fired for, newest first."""
        rows = self.db.execute("SELECT id, at FROM fired WHERE alert = ? ORDER BY at DESC, id LIMIT ?", (name, count))
        return [(article_id, at) for article_id, at in rows]

    def recent_stories(self, name: str, count: int) -> list[str]:
        """The lead articles of the alert's last `count` stories, newest first."""
        rows = self.db.execute(
            "SELECT id FROM fired WHERE alert = ? AND story = id ORDER BY at DESC LIMIT ?", (name, count)
        )
        return [row[0] for row in rows]

    def watermark(self, generation: str) -> int | None:
        """The last indexing commit (of the generation named) whose articles were matched; None: none yet."""
        row = self.db.execute("SELECT seq FROM state WHERE generation = ?", (generation,)).fetchone()
        return row[0] if row else None

    def watermarks(self) -> dict[str, int]:
        """{log (a generation of the index, or of one shard): the last commit of it matched}."""
        return dict(self.db.execute("SELECT generation, seq FROM state").fetchall())

    def record(self, marks: dict[str, int], hits: list[tuple[str, str, str, dict]]) -> None:
        """In one transaction: the hits (alert, article id, story, hit record) fired and put in the outbox,
        and each log's watermark moved to its commit in `marks` (logs not in `marks`, generations gone,
        are forgotten). A hit whose article already fired for its alert is dropped."""
        now = time.time()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for alert, article_id, story, hit in hits:
                added = self.db.execute(
                    "INSERT OR IGNORE INTO fired VALUES (?, ?, ?, ?)", (alert, article_id, story, now)
                ).rowcount
                if added:
                    self.db.execute(  # an alert without a command has nothing to run
                        "INSERT INTO outbox (alert, hit, ran) SELECT ?, ?, exec IS NULL FROM alerts WHERE name = ?",
                        (alert, json.dumps(hit), alert),
                    )
            known = ",".join("?" * len(marks))
            self.db.execute(f"DELETE FROM state WHERE generation NOT IN ({known})", list(marks))
            for generation, seq in marks.items():
                self.db.execute(  # never backwards: another run may have recorded a later commit meanwhile
                    "INSERT OR REPLACE INTO state"
                    " SELECT ?, MAX(?, COALESCE((SELECT seq FROM state WHERE generation = ?), 0))",
                    (generation, seq, generation),
                )

    # the outbox --------------------------------------------------------------------------------------
    def pending(self) -> list[Pending]:
        rows = self.db.execute("SELECT number, alert, hit, shown, ran, attempts, error FROM outbox ORDER BY number")
        return [Pending(n, a, json.loads(h), bool(s), bool(r), t, e) for n, a, h, s, r, t, e in rows]

    def mark_shown(self, numbers: list[int]) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("UPDATE outbox SET shown = 1 WHERE number = ?", [(n,) for n in numbers])
            self._drop_delivered()

    def mark_ran(self, number: int, error: str | None) -> None:
        """A hit's command ran: done (`error` None), or failed and left to retry."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "UPDATE outbox SET ran = ?, attempts = attempts + 1, error = ? WHERE number = ?",
                (int(error is None), error, number),
            )
            self._drop_delivered()

    def _drop_delivered(self) -> None:
        self.db.execute("DELETE FROM outbox WHERE shown = 1 AND ran = 1")
