"""The furniture census of one shard: how its new, changed and removed files would move the learnt
furniture counts (newsgrep.indexer.learnt_furniture), without writing anything.

A sharded build runs it on every shard first and sums the answers, so that each shard is then built
with the counts of the whole collection and strips exactly the lines one index would.
"""

from __future__ import annotations

import os
from collections import Counter

from newsgrep.indexer.batch import Commit, Loader
from newsgrep.indexer.build import shard_filter
from newsgrep.indexer.learnt_furniture import Counts
from newsgrep.indexer.plan import plan_run
from newsgrep.indexer.report import IndexReport
from newsgrep.store.layout import IndexDir
from newsgrep.store.manifest import Manifest


class _Deltas(Counts):
    """Counts that only add up the changes (the totals are the census's caller's to make)."""

    def __init__(self):
        super().__init__(lambda site: {})
        self.deltas: Counter[tuple[str, int]] = Counter()

    def change(self, site: str, keys, delta: int) -> None:
        for key in keys:
            self.deltas[(site, key)] += delta


def furniture_census(
    index_dir: str | os.PathLike, roots: list[str], shard: tuple[int, int], settle: float = 0.0, rebuild: bool = False
) -> dict[tuple[str, int], int]:
    """{(site, key): change} that the shard's next build would make to the furniture counts (`rebuild`:
    counted from nothing, as a new generation is)."""
    index = IndexDir(index_dir)
    path = ":memory:" if rebuild or not index.exists() else str(index.manifest_path())
    deltas = _Deltas()
    with Manifest(path) as manifest:
        report = IndexReport(str(index_dir), roots)
        plan = plan_run(manifest, roots, report, settle, shard_filter(shard))
        loader = Loader(manifest, deltas, report)
        loader.remove(plan.gone, Commit())
        queue = list(plan.todo)
        while queue:
            for planned in queue:
                loader.load(planned, Commit())
            queue, loader.continuations = loader.continuations, []
    return {item: delta for item, delta in deltas.deltas.items() if delta}
