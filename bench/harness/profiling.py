"""Step (--profile): cProfile of one `newsgrep index` process over the first --profile-files files, of one
`newsgrep search` process and of the in-process query set, and `-X importtime` of `newsgrep search`
grouped by package; the top of each printed, the raw files kept in --out."""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
import re
import sys
from pathlib import Path

from harness.console import progress
from harness.corpus import link_subset
from harness.engine import profiled_command, searcher_runner
from harness.measure import run_measured, run_quick
from harness.queries import Query
from harness.workspace import Workspace


def profile(ws: Workspace, queries: list[Query], files: list[Path]) -> None:
    out = Path(ws.args.out or ws.tmp / "profile")
    out.mkdir(parents=True, exist_ok=True)
    subset = files[: ws.args.profile_files]
    root = ws.tmp / "profile-corpus"
    link_subset(ws.corpus, subset, root)
    progress(f"profiling newsgrep index over {len(subset):,} files")
    prof = out / "index.prof"
    cmd = profiled_command(prof, "index", str(root), "--index", str(ws.tmp / "profile-index"), "-q")
    run = run_measured(cmd, ws.env, ws.args.timeout).check("profiled newsgrep index")
    ws.emit()
    ws.emit(f"PROFILE newsgrep index, {len(subset):,} files, {run.wall:.1f} s under cProfile ({prof})")
    ws.emit(top_functions(prof, "cumulative", 25))
    ws.emit(top_functions(prof, "tottime", 20))

    query = next((q for q in queries if q.kind == "words"), queries[0])
    prof = out / "search.prof"
    cmd = profiled_command(prof, "search", query.text, "--index", str(ws.index))
    run_measured(cmd, ws.env, ws.args.timeout).check("profiled newsgrep search")
    ws.emit(f"PROFILE newsgrep search {query.text!r} ({prof})")
    ws.emit(top_functions(prof, "cumulative", 25))

    prof = out / "search-inprocess.prof"
    with contextlib.ExitStack() as stack:
        run_one = searcher_runner(ws.index, stack)
        profiler = cProfile.Profile()
        profiler.enable()
        for q in queries:
            with contextlib.suppress(Exception):
                run_one(q)
        profiler.disable()
    profiler.dump_stats(str(prof))
    ws.emit(f"PROFILE in-process Searcher.search() × {len(queries)}, one Searcher ({prof})")
    ws.emit(top_functions(prof, "cumulative", 25))
    ws.emit(top_functions(prof, "tottime", 15))

    cmd = [sys.executable, "-X", "importtime", "-m", "newsgrep", "search", query.text, "--index", str(ws.index)]
    run_quick(cmd, ws.env)
    wall, _, err, _ = run_quick(cmd, ws.env)
    (out / "search.importtime.txt").write_text(err)
    ws.emit(importtime_report(err, wall))


def top_functions(path: Path, sort: str, limit: int) -> str:
    """The top `limit` functions of a cProfile stats file by `sort`, indented."""
    buf = io.StringIO()
    stats = pstats.Stats(str(path), stream=buf)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    lines = buf.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    total = next((line.strip() for line in lines if "function calls" in line), "")
    return f"  top {limit} by {sort} ({total})\n" + "\n".join("  " + line for line in lines[start:] if line.strip())


def importtime_report(stderr: str, wall: float) -> str:
    """`-X importtime` output summarised: total, per top-level package (self time), slowest imports."""
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    if not rows:
        return "  (no -X importtime output)"
    total = sum(r[0] for r in rows)
    by_package: dict[str, int] = {}
    for self_us, _, _, name in rows:
        by_package[name.split(".")[0]] = by_package.get(name.split(".")[0], 0) + self_us
    top = sorted(by_package.items(), key=lambda kv: -kv[1])[:15]
    lines = [
        f"IMPORT TIME of `newsgrep search` (-X importtime): {total / 1000:.1f} ms of {wall * 1000:.0f} ms wall, "
        f"{len(rows)} modules"
    ]
    lines.append("  self time (ms) by top-level package:")
    lines += _wrapped([f"{k} {v / 1000:.1f}" for k, v in top])
    slow = sorted((r for r in rows if r[2] <= 2), key=lambda r: -r[1])[:20]
    lines.append("  slowest imports (cumulative ms, nesting depth ≤ 2):")
    lines += _wrapped([f"{n} {c / 1000:.1f}" for _, c, _, n in slow])
    return "\n".join(lines)


def _wrapped(items: list[str], width: int = 100) -> list[str]:
    lines, line = [], ""
    for item in items:
        if line and len(line) + len(item) + 2 > width:
            lines.append("    " + line.rstrip(", "))
            line = ""
        line += item + ", "
    if line:
        lines.append("    " + line.rstrip(", "))
    return lines
