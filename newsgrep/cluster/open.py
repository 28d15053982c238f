"""Opens a sharded index for searching: its shards in this process, or held by Dask actors on the
cluster the index records (or $NEWSGREP_CLUSTER names)."""

from __future__ import annotations

import os
from pathlib import Path

from newsgrep.search.sharded import LocalShards, ShardedBackend
from newsgrep.store.layout import ShardsRecord

SHARD_SECONDS = 10.0  # a shard's time budget for one question ($NEWSGREP_SHARD_SECONDS)


def open_sharded(path: Path, weighting) -> ShardedBackend:
    from newsgrep.cluster.connect import cluster_address

    record = ShardsRecord(path)
    paths = [str(p) for p in record.shard_paths()]
    address = cluster_address(None, record.read().get("cluster"))
    if address is None:
        return ShardedBackend(LocalShards(paths, weighting))
    from newsgrep.cluster.actors import ActorShards

    budget = float(os.environ.get("NEWSGREP_SHARD_SECONDS") or SHARD_SECONDS)
    return ShardedBackend(ActorShards(address, paths, weighting, budget))
