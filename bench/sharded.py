"""A sharded index against one index on this machine: build time and query latency.

    python bench/sharded.py CORPUS [--shards 2] [--workers 2] [--queries 40] [--work DIR]

Builds CORPUS (e.g. the Reuters articles that /work/shared/tools/prepare_corpora.py writes, `scaled/`) once
as one index (`newsgrep index`'s default: worker processes, one per core) and once as a sharded index on a
Dask LocalCluster of --workers single-threaded processes on 127.0.0.1 (`newsgrep index --shards N`), and
prints both wall times, their ratio and the LocalCluster's own start-up. Then runs the same queries (words,
two words, phrases drawn from the corpus's titles) on both, alternating, warm, and prints p50 and p95 of
one index, of the shards opened in this process, and of the shards held by Dask actors on a LocalCluster.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def _queries(searcher, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    titles = [hit.title for hit in searcher.search("year OR said OR new", limit=200, passages=1, collapse=False).hits]
    words = sorted({w.lower() for t in titles for w in t.split() if w.isalpha() and len(w) > 4})
    pairs = [t.split()[i : i + 2] for t in titles for i in range(len(t.split()) - 1)]
    pairs = [p for p in pairs if all(w.isalpha() for w in p)]
    third = max(1, count // 3)
    found = rng.sample(words, third) + [" ".join(rng.sample(words, 2)) for _ in range(third)]
    found += [f'"{a} {b}"' for a, b in rng.sample(pairs, min(len(pairs), count - 2 * third))]
    return found


def _percentiles(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="where the indexes go (default: a temporary folder)")
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    from newsgrep import open_index
    from newsgrep.cluster.actors import ActorShards
    from newsgrep.cluster.build import build_sharded
    from newsgrep.indexer.build import build_index
    from newsgrep.search.searcher import Searcher
    from newsgrep.search.settings import DEFAULT_RANKING
    from newsgrep.search.sharded import ShardedBackend
    from newsgrep.store.layout import ShardsRecord

    work = args.work or Path(tempfile.mkdtemp(prefix="sharded-bench-"))
    single, sharded = work / "single", work / "sharded"
    shutil.rmtree(single, ignore_errors=True)
    shutil.rmtree(sharded, ignore_errors=True)

    started = time.monotonic()
    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    Client(cluster).close()
    cluster_start = time.monotonic() - started
    cluster.close()

    started = time.monotonic()
    one = build_index([str(args.corpus)], single)
    single_seconds = time.monotonic() - started
    started = time.monotonic()
    many = build_sharded([str(args.corpus)], sharded, shards=args.shards, workers=args.workers)
    sharded_seconds = time.monotonic() - started
    print(f"corpus {args.corpus}: {one.articles} articles (sharded: {many.articles})")
    print(f"build, one index (one process per core):          {single_seconds:7.1f} s")
    print(
        f"build, {args.shards} shards on a {args.workers}-worker LocalCluster:      {sharded_seconds:7.1f} s"
        f"   ratio {sharded_seconds / single_seconds:.2f}x   (LocalCluster start alone: {cluster_start:.1f} s)"
    )

    with open_index(single) as searcher:
        queries = _queries(searcher, args.queries, args.seed)
    paths = [str(p) for p in ShardsRecord(sharded).shard_paths()]
    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    searchers = {
        "one index": open_index(single),
        "shards in this process": open_index(sharded),  # no cluster recorded: opened here
        "shards as Dask actors": Searcher(
            ShardedBackend(ActorShards(cluster.scheduler_address, paths, DEFAULT_RANKING.weighting(), 30.0))
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in searchers}
    for query in queries:  # warm: each searcher's first search opens what it keeps open
        for searcher in searchers.values():
            searcher.search(query, limit=10)
        for name, searcher in searchers.items():  # alternating, each query on each
            started = time.monotonic()
            searcher.search(query, limit=10)
            times[name].append(time.monotonic() - started)
    print(f"{len(queries)} queries (-n 10), warm:")
    for name, measured in times.items():
        print(f"  {name:24} {_percentiles(measured)}")
    base = statistics.median(times["one index"])
    for name in list(times)[1:]:
        print(f"  {name}: p50 {1000 * (statistics.median(times[name]) - base):+.1f} ms against one index")
    for searcher in searchers.values():
        searcher.close()
    cluster.close()


if __name__ == "__main__":
    main()
