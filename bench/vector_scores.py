"""Times plain word queries (1-4 words, all of them and any of them) on a newsgrep index: Whoosh's searcher
(BM25F, top 10) against search.vector_scores (numpy over the same blocks), alternating query by query,
and counts the queries whose top 10 differ.

    python bench/vector_scores.py INDEX_DIR [--queries 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import query as wq  # noqa: E402

from newsgrep.store.layout import IndexDir  # noqa: E402
from newsgrep.store.schema import F  # noqa: E402
from search.settings import Ranking  # noqa: E402
from search.vector_scores import VectorScorer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    ix = IndexDir(Path(args.index)).open_whoosh()
    with ix.searcher(weighting=Ranking().weighting()) as searcher:
        reader = searcher.reader()
        stems = [t for t, df in ((t, reader.doc_frequency(F.BODY, t)) for t in reader.lexicon(F.BODY)) if df >= 2]
        scorer = VectorScorer(searcher)
        scorer.top(F.BODY, [stems[0]], "or")  # the length columns, read once per searcher
        whoosh_ms, numpy_ms, differ = [], [], 0
        for _ in range(args.queries):
            words = [rng.choice(stems) for _ in range(rng.randint(1, 4))]
            for operator, compound in (("and", wq.And), ("or", wq.Or)):
                start = time.perf_counter()
                expected = [(h.docnum, h.score) for h in searcher.search(compound([wq.Term(F.BODY, w) for w in words]))]
                whoosh_ms.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                got = scorer.top(F.BODY, words, operator)
                numpy_ms.append((time.perf_counter() - start) * 1000)
                differ += [d for d, _ in got] != [d for d, _ in expected]
    for name, times in (("Whoosh searcher.search", whoosh_ms), ("numpy VectorScorer.top", numpy_ms)):
        p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
        print(f"{name:24} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  ({len(times)} queries)")
    print(f"top 10 different: {differ} of {len(whoosh_ms)}")


if __name__ == "__main__":
    main()
