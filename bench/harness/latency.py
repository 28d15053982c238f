"""In-process query timing: a runner timed over the query set (wall and CPU time per query, hits, errors)
and latency summaries (p50/p95/mean/max, overall and per kind of query)."""

from __future__ import annotations

import contextlib
import math
import statistics
import time
from collections.abc import Callable

from harness.queries import Query

QueryRunner = Callable[[Query], int]  # runs one query, returns its number of hits
WARMUP = 3  # untimed queries first


def percentile(values: list[float], p: float) -> float:
    """The p-quantile (0..1) of values, linearly interpolated; NaN for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    k = (len(s) - 1) * p
    lo = math.floor(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def latency_summary(seconds: list[float], cpu: list[float] | None = None) -> dict:
    """Wall-clock p50/p95/mean/max in ms, and CPU-time p50/p95 (robust when the machine is shared)."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None, "max_ms": None}
    summary = {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
    }
    if cpu:
        cpu_ms = [s * 1000 for s in cpu]
        summary.update(cpu_p50_ms=round(percentile(cpu_ms, 0.50), 2), cpu_p95_ms=round(percentile(cpu_ms, 0.95), 2))
    return summary


def time_queries(run_one: QueryRunner, queries: list[Query], warmup: int = WARMUP) -> dict:
    """Times run_one(query) -> hit count over the set (after `warmup` untimed queries)."""
    for q in queries[:warmup]:
        with contextlib.suppress(Exception):
            run_one(q)
    times, cpus, zero, errors, first_error = [], [], 0, 0, None
    by_kind: dict[str, list[float]] = {}
    for q in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            hits = run_one(q)
        except Exception as exc:  # a query an engine cannot run is counted, not fatal
            errors += 1
            first_error = first_error or f"{q.text!r}: {type(exc).__name__}: {exc}"
            continue
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        times.append(elapsed)
        cpus.append(cpu)
        by_kind.setdefault(q.kind, []).append(elapsed)
        zero += hits == 0
    summary = latency_summary(times, cpus)
    summary.update(zero_hits=zero, errors=errors, first_error=first_error)
    summary["by_kind"] = {k: latency_summary(v) for k, v in sorted(by_kind.items())}
    return summary


def median_or_none(values: list[float | None], digits: int = 3) -> float | None:
    """The median of the values that are not None, rounded; None when there are none."""
    present = [v for v in values if v is not None]
    return round(statistics.median(present), digits) if present else None
