"""How long the queries that used to hold a search take: each run in a fresh process on an index, its
wall time, total and whether it ran out of its time budget.

    python bench/query_cost.py INDEX [QUERY ...]       (default: the slow queries of issue 18)

Run it with PYTHONPATH pointing at another checkout to compare versions in one session, alternating.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

SLOW = [
    "*",
    "?*",
    "e* OR s*",
    "x~2",
    "x~2 y~2 z~2",
    " OR ".join(f"{a}{b}*" for a in "ts" for b in "aeiou"),
    " ".join(f"{a}{b}{c}~2" for a in "bcdfgmnprst" for b in "aeiou" for c in "lnrst")[:2000],
]

_ONE = """
import json, sys, time
from newsgrep import open_index
with open_index(sys.argv[1]) as searcher:
    start = time.monotonic()
    result = searcher.search(sys.argv[2])
    print(json.dumps({"seconds": time.monotonic() - start, "total": result.total, "hits": len(result.hits),
                      "timed_out": getattr(result, "timed_out", None)}))
"""


def main(argv: list[str]) -> None:
    index, queries = argv[0], argv[1:] or SLOW
    print(f"{'query':<40} {'seconds':>8} {'total':>7} {'hits':>5} timed_out")
    for query in queries:
        started = time.monotonic()
        command = [sys.executable, "-c", _ONE, index, query]
        done = subprocess.run(command, capture_output=True, text=True, cwd="/")  # PYTHONPATH decides the version
        if done.returncode:
            print(f"{query[:40]:<40} error: {done.stderr.strip().splitlines()[-1]}")
            continue
        figures = json.loads(done.stdout)
        shown = query if len(query) <= 40 else query[:30] + f"... ({len(query)} ch)"
        print(
            f"{shown:<40} {figures['seconds']:>8.2f} {figures['total']:>7} {figures['hits']:>5} {figures['timed_out']}"
            f"  (process {time.monotonic() - started:.1f} s)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
