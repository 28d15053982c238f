"""The parts of `bench/bench.py`, newsgrep's speed benchmark, one job a module.

    checkout.py      the code under test: the checkout's path, its git state, the children's environment
    console.py       the printed lines (kept for the JSON) and progress notes
    corpus.py        which files are articles (newsgrep's own list) and the baselines' simple reader
    queries.py       the deterministic mixed query set drawn from the corpus
    measure.py       child processes measured: wall, CPU, peak RSS/PSS of the process tree
    latency.py       in-process query timing and latency summaries (percentiles)
    engine.py        newsgrep as the benchmark drives it: commands, stats, one open Searcher
    baselines.py     naive Whoosh and SQLite FTS5: their builders (child processes) and query runners
    workspace.py     one run's paths, commands and options, shared by the steps
    indexing.py      step: full index builds (newsgrep and the baselines) and their figures
    cli_timings.py   step: `newsgrep search` processes beside `rg`, and start-up floors
    incremental.py   step: incremental reindexing (a few cases, and many one-file runs)
    profiling.py     step: cProfile and -X importtime of newsgrep
    suite.py         the steps in order, their figures in one dict
    tables.py        number formatting and plain-text tables
    report.py        the printed sections of a run's figures
    ratios.py        newsgrep's figures divided by the baselines' (and by its own earlier ones)
    json_report.py   the figures as a JSON file (--json), and beside an earlier run's (--compare)

`bench/bench.py` is the command line over them; `bench/` is first on the path when it runs, so they
import as `harness.*`.
"""

from __future__ import annotations

MB = 1024 * 1024


class BenchError(Exception):
    """The benchmark cannot run; the message says why (printed as one line, exit status 2)."""
