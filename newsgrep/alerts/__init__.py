"""Saved searches ("alerts") matched against every batch of new articles, as a percolator does.

`add`, `remove` and `listed` keep the alerts with the index (newsgrep.store.alerts). `check_new`, run after
every `newsgrep index` and each run of `watch`, matches them against the articles indexed (added or
changed) since it last ran, which the manifest logs by commit (only those: the Searcher's `among`
intersects each query with their ids), records the hits with the watermark in one transaction, then
delivers them from the outbox. `replay` shows what alerts match among the articles indexed in a period.

    from newsgrep import alerts
    alerts.add(".newsgrep", "familia", '"La Familia"')
    run = alerts.check_new(".newsgrep", show=print)
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable

from newsgrep.alerts.delivery import deliver
from newsgrep.alerts.hits import AlertHit, AlertRun
from newsgrep.errors import NewsgrepError, QueryError
from newsgrep.store.alerts import FILE, Alert, AlertStore
from newsgrep.store.layout import IndexDir, ShardsRecord, resolve_index_dir
from newsgrep.store.manifest import Manifest

NAME = re.compile(r"[\w][\w.-]{0,63}")
PAUSE = "NEWSGREP_TEST_ALERT_PAUSE"  # tests only: "matched" or "recorded": stop there until killed

__all__ = ["AlertHit", "AlertRun", "add", "check_new", "listed", "overview", "remove", "replay"]


def _index(index_dir) -> IndexDir:
    """The index (for a sharded one, its top folder, which keeps the alerts of all its shards)."""
    index = IndexDir(resolve_index_dir(index_dir))
    if not ShardsRecord.at(index.path):
        index.check_format()
    return index


def add(
    index_dir,
    name: str,
    query: str,
    *,
    since: str | None = None,
    until: str | None = None,
    paths: list[str] | tuple[str, ...] = (),
    globs: list[str] | tuple[str, ...] = (),
    operator: str = "and",
    command: str | None = None,
) -> Alert:
    """Saves a search to run against every batch of new articles. The query and options are checked by
    running them as the alert will (a QueryError for a malformed one); articles already indexed never
    fire it."""
    from newsgrep.search.searcher import open_index

    if not NAME.fullmatch(name):
        raise NewsgrepError(f"bad alert name {name!r}: letters, digits, '.', '-' and '_', at most 64")
    index = _index(index_dir)
    options = {"operator": operator, "since": since, "until": until, "paths": [os.path.abspath(p) for p in paths],
               "globs": list(globs)}  # fmt: skip
    alert = Alert(name, query, {k: v for k, v in options.items() if v}, command or None, time.time())
    with open_index(index.path) as searcher:
        from newsgrep.alerts.matching import search_options

        searcher.among(query, ["-"], **search_options(alert))  # parses and bounds it; matches nothing
    with AlertStore(index.path) as store:
        positions = _log_positions(index)
        fresh = {log: seq for log, (_, seq) in positions.items() if store.watermark(log) is None}
        if fresh:  # the first alert (or a new shard generation): what is indexed already is not new
            store.record({**store.watermarks(), **fresh}, [])
        if not store.add(alert):
            raise NewsgrepError(f"there is an alert named {name!r} already (`newsgrep alert remove {name}` first)")
    return alert


def remove(index_dir, name: str) -> None:
    index = _index(index_dir)
    with AlertStore(index.path) as store:
        if not store.remove(name):
            raise NewsgrepError(f"no alert named {name!r} (see `newsgrep alert list`)")


def listed(index_dir) -> list[tuple[Alert, int]]:
    """The alerts, each with how many articles it has fired for."""
    index = _index(index_dir)
    if not (index.path / FILE).exists():
        return []
    with AlertStore(index.path) as store:
        return [(alert, store.fired_count(alert.name)) for alert in store.alerts()]


def overview(index_dir, recent: int) -> list[tuple[Alert, int, list[tuple[str, float]]]]:
    """Each alert with how many articles it has fired for and the last `recent` of them (id, when),
    newest first: what the web page shows. Read only."""
    index = _index(index_dir)
    if not (index.path / FILE).exists():
        return []
    with AlertStore(index.path, readonly=True) as store:
        return [(a, store.fired_count(a.name), store.recent_fired(a.name, recent)) for a in store.alerts()]


def check_new(index_dir, show: Callable[[list[AlertHit]], None]) -> AlertRun:
    """Matches the alerts against the articles indexed since this last ran, records and delivers the new
    hits (`show` prints them), and retries deliveries that failed before. Problems (an alert whose query
    no longer parses, a failing command) are listed in the result, never raised: an indexing run does not
    fail for them. Cheap when the index has no alerts: nothing is opened."""
    started = time.monotonic()
    index = IndexDir(resolve_index_dir(index_dir))
    run = AlertRun([], [])
    if not (index.path / FILE).exists():
        return run
    try:
        with AlertStore(index.path) as store:
            _check(index, store, show, run)
    except (NewsgrepError, sqlite3.Error, OSError) as exc:  # the index run is done all the same
        run.problems.append(f"alerts not run: {exc} (the next run catches up)")
    run.seconds = round(time.monotonic() - started, 4)
    return run


def _check(index: IndexDir, store: AlertStore, show, run: AlertRun) -> None:
    alerts = store.alerts()
    marks: dict[str, int] = {}
    ids: list[str] = []
    for log, (logged, seq) in _log_positions(index).items():
        mark = store.watermark(log)
        if mark is None:  # a rebuild started a new generation: its articles are not new (see the README)
            marks[log] = seq
        elif alerts and seq > mark:
            new, marks[log] = _indexed_after(logged, mark)
            ids.extend(new)
        else:
            marks[log] = max(mark, seq)
    if ids:
        run.articles = len(ids)
        decided = _match(index, store, alerts, ids, run.problems)
        _pause("matched")
        store.record(marks, decided)
        _pause("recorded")
    elif marks != store.watermarks():
        store.record(marks, [])
    run.hits = deliver(store, show, run.problems)


def replay(index_dir, name: str | None, since: str | None, until: str | None = None) -> list[AlertHit]:
    """What alert `name` (or every alert) matches among the articles indexed (added or changed) in the
    period (`since`/`until` as search's: "last week", 2024-05-01; default: since the alert was made),
    marked `fired` if it fired for them. Nothing is recorded or delivered."""
    from newsgrep.alerts.matching import match_alert
    from newsgrep.search.dates import date_bound
    from newsgrep.search.searcher import open_index

    index = _index(index_dir)
    start = _epoch(date_bound(since)) if since else None
    end = _epoch(date_bound(until, end=True)) if until else None
    with AlertStore(index.path) as store:
        alerts = store.alerts(name)
        if name and not alerts:
            raise NewsgrepError(f"no alert named {name!r} (see `newsgrep alert list`)")
        hits: list[AlertHit] = []
        with open_index(index.path) as searcher:
            for alert in alerts:
                ids = _indexed_between(index, start if since else alert.created, end)
                copies = searcher.copies(ids)
                found = match_alert(searcher, alert, ids, lambda _: {}, [], copies)
                fired = store.fired(alert.name, [hit.id for hit in found])
                for hit in found:
                    hit.fired = hit.id in fired
                hits.extend(found)
    return hits


def _match(index: IndexDir, store: AlertStore, alerts: list[Alert], ids: list[str], problems: list[str]):
    from newsgrep.alerts.matching import RECENT_STORIES, match_alert
    from newsgrep.search.searcher import open_index

    decided: list[tuple[str, str, str, dict]] = []
    with open_index(index.path) as searcher:
        copies = searcher.copies(ids)
        for alert in alerts:
            try:
                hits = match_alert(
                    searcher,
                    alert,
                    ids,
                    lambda some, name=alert.name: store.fired(name, some),
                    store.recent_stories(alert.name, RECENT_STORIES),
                    copies,
                )
            except QueryError as exc:
                problems.append(f"alert {alert.name!r} cannot run: {exc}")
                continue
            decided.extend((alert.name, hit.id, hit.story, hit.to_dict()) for hit in hits)
    return decided


def _logs(index: IndexDir) -> dict[str, IndexDir]:
    """{name of a log of indexed articles: the index keeping it}: the live generation of the index, or of
    each shard of a sharded index ("shards/00/gen-3", ...): each manifest numbers its own commits."""
    if not ShardsRecord.at(index.path):
        return {index.current().name: index}
    logs = {}
    for path in ShardsRecord(index.path).shard_paths():
        shard = IndexDir(path)
        if shard.exists():
            logs[f"{path.relative_to(index.path).as_posix()}/{shard.current().name}"] = shard
    return logs


def _log_positions(index: IndexDir) -> dict[str, tuple[IndexDir, int]]:
    """{log: (its index, the number of its last commit that indexed articles)}."""
    positions = {}
    for log, logged in _logs(index).items():
        with Manifest(logged.manifest_path(), readonly=True) as manifest:
            try:
                positions[log] = (logged, manifest.last_seq())
            except sqlite3.OperationalError:
                positions[log] = (logged, 0)
    return positions


def _indexed_after(index: IndexDir, mark: int) -> tuple[list[str], int]:
    with Manifest(index.manifest_path(), readonly=True) as manifest:
        manifest.db.execute("BEGIN")  # one snapshot: the ids and the number they run to
        try:
            return manifest.indexed_after(mark), manifest.last_seq()
        except sqlite3.OperationalError:  # an index last written before the log existed
            return [], mark
        finally:
            manifest.db.execute("COMMIT")


def _indexed_between(index: IndexDir, start: float | None, end: float | None) -> list[str]:
    found: list[str] = []
    for logged in _logs(index).values():
        with Manifest(logged.manifest_path(), readonly=True) as manifest:
            try:
                found.extend(manifest.indexed_between(start, end))
            except sqlite3.OperationalError:
                pass
    return found


def _epoch(when) -> float:
    import calendar

    return float(calendar.timegm(when.timetuple()))


def _pause(point: str) -> None:
    if os.environ.get(PAUSE) == point:
        print(f"newsgrep: test pause at {point}", file=sys.stderr, flush=True)
        time.sleep(600)
