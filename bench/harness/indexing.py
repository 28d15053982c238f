"""Step: full index builds, one process each, measured the same way: `newsgrep index CORPUS EXTRA` and the
two baselines (`bench.py --child KIND`); wall, CPU, articles/s, peak RSS/PSS of the tree, size on disk."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from harness import MB
from harness.console import progress
from harness.engine import index_command, stats
from harness.measure import Run, run_measured
from harness.workspace import Workspace

BENCH_SCRIPT = Path(__file__).resolve().parents[1] / "bench.py"


def index_newsgrep(ws: Workspace, settings: dict[str, str] | None = None) -> dict:
    """Builds newsgrep's index over the corpus and the (empty) extra folder; its figures. With `settings`
    (environment variables), a throwaway index built with them, beside the one the other steps use."""
    progress("newsgrep index (full build)" + "".join(f" {k}={v}" for k, v in (settings or {}).items()))
    ws.extra.mkdir(exist_ok=True)
    index = ws.tmp / "newsgrep-index-with-settings" if settings else ws.index
    env = {**ws.env, **(settings or {})}
    cmd = index_command(ws.newsgrep, index, ws.corpus, ws.extra)
    run = run_measured(cmd, env, ws.args.timeout).check("newsgrep index")
    report = run.json_line()
    held = stats(ws.newsgrep, index, env)
    figures = index_figures(run, report.get("articles"), dir_bytes(index), report.get("seconds"))
    figures.update(segments=held.get("segments"), passages=held.get("passages"), skipped=report.get("skipped"))
    if report.get("skips"):
        figures["first_skip"] = report["skips"][0]
    return figures


def index_baseline(ws: Workspace, kind: str) -> dict:
    """Builds one baseline ("naive" or "fts5") in a child process; its figures."""
    progress(f"{kind} baseline (full build)")
    dest = ws.baseline(kind)
    cmd = [sys.executable, str(BENCH_SCRIPT), "--child", kind, str(ws.corpus), str(dest)]
    run = run_measured(cmd, ws.env, ws.args.timeout).check(f"{kind} baseline")
    report = run.json_line()
    size = dir_bytes(dest) if dest.is_dir() else dest.stat().st_size
    return index_figures(run, report.get("articles"), size, report.get("seconds"))


def index_figures(run: Run, articles: int | None, size: int, inner: float | None) -> dict:
    """The figures of one build: `inner` is the time the process says it spent, `size` its bytes on disk."""
    return {
        "articles": articles,
        "wall_s": round(run.wall, 3),
        "inner_s": round(inner, 3) if inner is not None else None,
        "articles_per_s": round(articles / run.wall, 1) if articles else None,
        "articles_per_cpu_s": round(articles / run.cpu, 1) if articles and run.cpu else None,
        "cpu_s": round(run.cpu, 2),
        "peak_tree_rss_mb": round(run.peak_rss / MB, 1),
        "peak_tree_pss_mb": round(run.peak_pss / MB, 1),
        "max_process_rss_mb": round(run.maxrss / MB, 1),
        "max_processes": run.procs,
        "size_mb": round(size / MB, 2),
    }


def dir_bytes(path: Path) -> int:
    """Bytes of the files under path (links not followed)."""
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total
