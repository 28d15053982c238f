"""Step: `newsgrep search QUERY` as a process (start-up + open + search + print, output to a pipe) beside
`rg -i -l -e w1 -e w2 ...` over the same files, with `python -c pass` and `newsgrep --version` as
start-up floors; the median of several runs of each."""

from __future__ import annotations

import shlex
import statistics
import sys

from harness import BenchError
from harness.console import progress
from harness.engine import search_command
from harness.measure import run_quick
from harness.queries import Query
from harness.workspace import Workspace

ORDER = ("word", "words", "phrase", "title", "word+date")  # rg needs words: no date-only queries


def cli_timings(ws: Workspace, queries: list[Query]) -> dict:
    """Median wall and CPU ms of the floors and of --process-queries queries (taken in turn by kind)."""
    progress("newsgrep search / rg processes")
    picked = _pick(queries, ws.args.process_queries)
    runs = ws.args.process_runs

    def timed(cmd: list[str], check: bool = False) -> tuple[float, float]:
        """Median wall and CPU ms of `runs` runs of cmd (after one untimed warm-up run)."""
        run_quick(cmd, ws.env)  # warm-up: file cache, .pyc files
        walls, cpus = [], []
        for _ in range(runs):
            wall, rc, err, cpu = run_quick(cmd, ws.env)
            if check and rc not in (0, 1):
                raise BenchError(f"{shlex.join(cmd)} failed (exit {rc}): {err.strip()[-300:]}")
            walls.append(wall)
            cpus.append(cpu)
        return round(statistics.median(walls) * 1000, 1), round(statistics.median(cpus) * 1000, 1)

    floors, floors_cpu = {}, {}
    for name, cmd in (
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("newsgrep --version", [*ws.newsgrep, "--version"]),
    ):
        floors[name], floors_cpu[name] = timed(cmd)
    rows = []
    for q in picked:
        row: dict = {"query": q.text, "kind": q.kind}
        row["newsgrep_ms"], row["newsgrep_cpu_ms"] = timed(search_command(ws.newsgrep, ws.index, q.text), check=True)
        row["rg_ms"] = row["rg_cpu_ms"] = None
        if ws.rg:
            rg_cmd = [ws.rg, "-i", "-l", *[a for w in q.words for a in ("-e", w)], str(ws.corpus)]
            row["rg_ms"], row["rg_cpu_ms"] = timed(rg_cmd)
        rows.append(row)

    def median_of(key: str) -> float | None:
        values = [r[key] for r in rows if r[key] is not None]
        return round(statistics.median(values), 1) if values else None

    return {
        "runs_each": runs,
        "floors_ms": floors,
        "floors_cpu_ms": floors_cpu,
        "queries": rows,
        **{f"{key}_median": median_of(key) for key in ("newsgrep_ms", "newsgrep_cpu_ms", "rg_ms", "rg_cpu_ms")},
    }


def _pick(queries: list[Query], count: int) -> list[Query]:
    """Up to `count` queries, one of each kind of ORDER in turn, in the set's order."""
    pools = {kind: [q for q in queries if q.kind == kind] for kind in ORDER}
    picked: list[Query] = []
    while len(picked) < count and any(pools.values()):
        for kind in ORDER:
            if pools[kind] and len(picked) < count:
                picked.append(pools[kind].pop(0))
    return picked
