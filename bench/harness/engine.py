"""newsgrep as the benchmark drives it: its commands (index, stats, search, under cProfile), and in this
process one Searcher opened once with `open_index` and asked every query, as a long-lived process would."""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness.latency import QueryRunner
from harness.queries import Query

LIMIT = 10  # hits asked for per in-process query
PASSAGES = 3  # passages asked for per hit


def index_command(newsgrep: list[str], index_dir: Path, *paths: Path) -> list[str]:
    """`newsgrep index [PATHS] --index DIR --json` (no paths: re-scan the roots the index remembers)."""
    return [*newsgrep, "index", *map(str, paths), "--index", str(index_dir), "--json"]


def search_command(newsgrep: list[str], index_dir: Path, query: str) -> list[str]:
    """`newsgrep search QUERY --index DIR` printing for people, without colour."""
    return [*newsgrep, "search", query, "--index", str(index_dir), "--color", "never"]


def profiled_command(prof: Path, *args: str) -> list[str]:
    """The command running `newsgrep ARGS` under cProfile, its stats written to `prof`."""
    return [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "newsgrep", *args]


def stats(newsgrep: list[str], index_dir: Path, env: dict[str, str]) -> dict:
    """`newsgrep stats --json` of the index (articles, passages, segments, ...); {} if it cannot say."""
    done = subprocess.run(
        [*newsgrep, "stats", "--index", str(index_dir), "--json"], env=env, capture_output=True, text=True
    )
    try:
        return json.loads(done.stdout)
    except ValueError:
        return {}


def searcher_runner(index_dir: Path, stack: contextlib.ExitStack) -> QueryRunner:
    """Runs a query on one Searcher opened now (closed with `stack`): search(limit=LIMIT, passages=PASSAGES),
    highlights included; returns the number of hits."""
    from newsgrep import open_index

    searcher = stack.enter_context(open_index(index_dir))

    def run_one(q: Query) -> int:
        return len(searcher.search(q.text, limit=LIMIT, passages=PASSAGES).hits)

    return run_one


def open_time(index_dir: Path, repeats: int = 20) -> float:
    """Median seconds to open a Searcher on the index (`open_index`: the format check, the live
    generation, its Whoosh index and searcher) and close it: what a one-shot process pays before a query."""
    from newsgrep import open_index

    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        open_index(index_dir).close()
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])
