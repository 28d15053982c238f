"""Builds and updates a sharded index on a Dask cluster: `build_sharded`, what `newsgrep index --shards N`
runs.

Two rounds of one task per shard: a furniture census (each shard's change to the learnt-furniture
counts, summed here), then the build proper (each shard brought up to date by the single-index
pipeline, newsgrep.indexer.build, with the other shards' changes to the counts). A task whose worker
dies is run again by Dask on another worker; a shard's build is crash-safe as any index's is, and the
census is applied once per run (newsgrep.indexer.pipeline), so a retry ends in the same index.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter

from newsgrep.errors import NewsgrepError, PathMissing
from newsgrep.indexer.build import without_roots
from newsgrep.indexer.plan import merge_roots
from newsgrep.indexer.report import IndexReport
from newsgrep.store.layout import IndexDir, ShardsRecord, resolve_index_dir

RETRIES = 3  # a shard's task failing with an error (a worker's death is Dask's own retry: allowed-failures)


def build_sharded(
    paths: list[str] | None,
    index_dir: str | os.PathLike | None = None,
    *,
    shards: int | None = None,
    cluster: str | None = None,
    workers: int | None = None,
    rebuild: bool = False,
    wait: float | None = None,
    settle: float = 0.0,
    forget: list[str] | None = None,
) -> IndexReport:
    """Creates (with `shards`) or updates the sharded index at `index_dir` from `paths` (added to the
        roots it remembers), on the Dask cluster at `cluster` (else $NEWSGREP_CLUSTER, else the address the
        index records, else a LocalCluster of `workers` processes on this machine). `forget` removes roots and
    their articles, as build_index's."""
    from newsgrep.cluster.connect import client, cluster_address

    started = time.monotonic()
    top = resolve_index_dir(index_dir)
    record_file = ShardsRecord(top)
    new_roots = [os.path.abspath(p) for p in paths or []]
    for root in new_roots:
        if not os.path.exists(root):
            raise PathMissing(f"no such file or folder: {root}")
    if IndexDir(top).exists():
        raise NewsgrepError(f"{top} holds an unsharded index: give another folder for a sharded one")
    with IndexDir(top).lock(wait):
        if not ShardsRecord.at(top):
            if not shards:
                raise NewsgrepError(f"no sharded index at {top}: give --shards N to create one")
            record_file.create(shards, cluster)
        record = record_file.read()
        if shards and shards != record["count"]:
            raise NewsgrepError(
                f"the index at {top} has {record['count']} shards, not {shards}: build a new index to change that"
            )
        roots = merge_roots(record["roots"], new_roots)
        if forget:
            roots = without_roots(roots, forget)
        elif not roots:
            raise PathMissing("nothing to index: give a folder of articles")
        count = record["count"]
        paths_of = [str(path) for path in record_file.shard_paths()]
        census = uuid.uuid4().hex
        with client(cluster_address(cluster, record.get("cluster")), workers) as dask_client:
            counted = dask_client.gather(
                [
                    dask_client.submit(
                        _census, path, roots, (number, count), settle, rebuild, pure=False, retries=RETRIES
                    )
                    for number, path in enumerate(paths_of)
                ]
            )
            total: Counter = Counter()
            for own in counted:
                total.update(own)
            reports = dask_client.gather(
                [
                    dask_client.submit(
                        _build,
                        path,
                        roots,
                        (number, count),
                        _others(total, own),
                        census,
                        rebuild,
                        settle,
                        forget,
                        pure=False,
                        retries=RETRIES,
                    )
                    for number, (path, own) in enumerate(zip(paths_of, counted, strict=True))
                ]
            )
        record_file.write({**record, "roots": roots, "cluster": cluster or record.get("cluster")})
    report = merge_reports(str(top), roots, reports)
    report.rebuilt = rebuild
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _others(total: Counter, own: dict) -> dict[tuple[str, int], int]:
    return {item: delta - own.get(item, 0) for item, delta in total.items() if delta != own.get(item, 0)}


def _census(path, roots, shard, settle, rebuild):
    from newsgrep.indexer.census import furniture_census

    return furniture_census(path, roots, shard, settle, rebuild)


def _build(path, roots, shard, foreign, census, rebuild, settle, forget) -> IndexReport:
    from newsgrep.indexer.build import build_index

    return build_index(
        roots,
        path,
        rebuild=rebuild and IndexDir(path).exists(),
        wait=60.0,  # a task re-run after its worker died: the dead process's lock goes with it
        settle=settle,
        processes=1,  # a shard is one task on one core; the cluster's workers are the parallelism
        shard=shard,
        foreign=foreign,
        census=census,
        forget=forget,
    )


def merge_reports(index: str, roots: list[str], reports: list[IndexReport]) -> IndexReport:
    """The shards' reports as one: counts summed, skips listed once (every shard scans every root)."""
    merged = IndexReport(index, roots)
    seen = set()
    for report in reports:
        for name in ("added", "updated", "removed", "unchanged", "refreshed", "deferred", "grown", "articles"):
            setattr(merged, name, getattr(merged, name) + getattr(report, name))
        for skip in report.skips:
            if (skip.path, skip.reason) not in seen:
                seen.add((skip.path, skip.reason))
                merged.skip(skip)
        for extra, files in report.missing_extras.items():
            for ending, n in files.items():
                merged.missing_extras.setdefault(extra, {})
                merged.missing_extras[extra][ending] = merged.missing_extras[extra].get(ending, 0) + n
        for ending, n in report.ignored.items():  # every shard counted every root's
            merged.ignored[ending] = max(merged.ignored[ending], n)
    return merged
