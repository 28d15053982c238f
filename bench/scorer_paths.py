"""Times the Searcher's two scoring paths on one index in one process: Whoosh's matchers
(NEWSGREP_SCORER=whoosh) and the default, where plain word queries are scored with numpy
(newsgrep.search.vector_path), alternating query by query (which goes first alternates too), over
bench.py's query set (single words, 2-4 words, phrases, title:, date filters), and checks that both give
the same results (hits, order, scores, passages, totals).

    python bench/scorer_paths.py CORPUS_DIR INDEX_DIR [--queries 200] [--seed 1] [--rounds 3]

INDEX_DIR is an index of CORPUS_DIR (`newsgrep index CORPUS_DIR --index INDEX_DIR`). Each query is run
`--rounds` times on each path, its best time kept; p50/p95 in ms of `searcher.search(limit=10,
passages=3)` (passages and highlights included), overall and per kind of query, and of the time spent in
`backend.candidates` (the retrieval, where the two paths differ; the rest of the pipeline is shared).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.corpus import corpus_files  # noqa: E402
from harness.engine import LIMIT, PASSAGES  # noqa: E402
from harness.latency import percentile  # noqa: E402
from harness.queries import make_queries, sample_docs  # noqa: E402

from newsgrep import open_index  # noqa: E402
from newsgrep.search import vector_path  # noqa: E402

PATHS = ("whoosh", "numpy")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("index", type=Path)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    queries = make_queries(sample_docs(corpus_files(args.corpus), args.seed), args.queries, args.seed)
    times: dict[str, dict[str, list[float]]] = {path: {} for path in PATHS}
    differ, fast = [], 0
    retrieval: dict[str, list[float]] = {path: [] for path in PATHS}  # backend.candidates' share, per query
    with open_index(args.index) as searcher:
        backend = searcher.backend
        spent = [0.0]
        candidates = backend.candidates

        def timed_candidates(*a, **kw):  # the time in the backend's retrieval (where the paths differ)
            started = time.perf_counter()
            try:
                return candidates(*a, **kw)
            finally:
                spent[0] += time.perf_counter() - started

        backend.candidates = timed_candidates

        def run(path: str, text: str):
            if path == "whoosh":
                os.environ[vector_path.SWITCH] = "whoosh"
            else:
                os.environ.pop(vector_path.SWITCH, None)
            spent[0] = 0.0
            started = time.perf_counter()
            result = searcher.search(text, limit=LIMIT, passages=PASSAGES, timeout=0)
            return time.perf_counter() - started, spent[0], result

        for q in queries[:3]:  # warm-up: the length columns, the file cache
            run("numpy", q.text)
        for number, q in enumerate(queries):
            best: dict[str, float] = {}
            best_retrieval: dict[str, float] = {}
            results = {}
            before = backend.vector_searches
            for round_ in range(args.rounds):
                order = PATHS if (number + round_) % 2 == 0 else PATHS[::-1]
                for path in order:
                    seconds, retrieving, result = run(path, q.text)
                    best[path] = min(best.get(path, seconds), seconds)
                    best_retrieval[path] = min(best_retrieval.get(path, retrieving), retrieving)
                    found = dataclasses.asdict(result)
                    found.pop("seconds")
                    results[path] = found
            fast += backend.vector_searches > before
            if results["whoosh"] != results["numpy"]:
                differ.append(q.text)
            for path in PATHS:
                times[path].setdefault(q.kind, []).append(best[path])
                retrieval[path].append(best_retrieval[path])
    os.environ.pop(vector_path.SWITCH, None)
    print(f"{len(queries)} queries on {args.index} ({args.rounds} rounds, best kept), {fast} took the numpy path")
    print(f"{'kind':<10} {'n':>4} {'whoosh p50':>11} {'p95':>7} {'numpy p50':>10} {'p95':>7} {'p50 x':>6} {'p95 x':>6}")
    kinds = sorted(times["whoosh"]) + ["all"]
    for kind in kinds:
        got = {path: [t * 1000 for k, ts in times[path].items() if kind in (k, "all") for t in ts] for path in PATHS}
        w50, w95 = percentile(got["whoosh"], 0.5), percentile(got["whoosh"], 0.95)
        n50, n95 = percentile(got["numpy"], 0.5), percentile(got["numpy"], 0.95)
        print(
            f"{kind:<10} {len(got['whoosh']):>4} {w50:>11.1f} {w95:>7.1f} {n50:>10.1f} {n95:>7.1f}"
            f" {w50 / n50:>6.2f} {w95 / n95:>6.2f}"
        )
    w, n = ([t * 1000 for t in retrieval[path]] for path in PATHS)
    print(
        f"{'retrieval':<10} {len(w):>4} {percentile(w, 0.5):>11.1f} {percentile(w, 0.95):>7.1f}"
        f" {percentile(n, 0.5):>10.1f} {percentile(n, 0.95):>7.1f}"
        f" {percentile(w, 0.5) / percentile(n, 0.5):>6.2f} {percentile(w, 0.95) / percentile(n, 0.95):>6.2f}"
        "  (backend.candidates only, all queries)"
    )
    print(f"queries whose results differ between the paths: {len(differ)}" + (f" {differ[:5]}" if differ else ""))


if __name__ == "__main__":
    main()
