"""The sharded index's parts without a cluster (the fast loop): routing, the furniture census and its
once-only application, and shards opened in this process answering as one index (the same code the Dask
tasks and actors run; tests/test_sharded_cluster.py and tests/test_sharded_equivalence.py run them on
real Dask workers)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

from tests.conftest import REPO


def _build_shards(corpus, top, count: int, census: str = "run-1") -> list[str]:
    from newsgrep.indexer.build import build_index
    from newsgrep.indexer.census import furniture_census
    from newsgrep.store.layout import ShardsRecord

    record = ShardsRecord(top)
    record.create(count, None)
    record.write({**record.read(), "roots": [str(corpus)]})
    paths = [str(p) for p in record.shard_paths()]
    own = [furniture_census(path, [str(corpus)], (n, count)) for n, path in enumerate(paths)]
    total: Counter = Counter()
    for counted in own:
        total.update(counted)
    for n, path in enumerate(paths):
        foreign = {k: v - own[n].get(k, 0) for k, v in total.items() if v != own[n].get(k, 0)}
        build_index([str(corpus)], path, processes=1, shard=(n, count), foreign=foreign, census=census)
    return paths


def test_files_go_to_the_same_shard_in_every_process():
    code = "from newsgrep.store.layout import shard_of; print([shard_of(f'/news/{n}.txt', 7) for n in range(50)])"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    assert len(set(eval(runs.pop()))) == 7  # every shard gets files


def test_shards_strip_the_furniture_one_index_strips_and_answer_as_it(corpus, tmp_path):
    from newsgrep import open_index
    from newsgrep.indexer.build import build_index
    from newsgrep.store.manifest import Manifest

    for n in range(6):  # a line every article of the site carries: furniture, wherever the articles go
        animals, places = ["otter", "heron", "badger", "falcon", "marten", "stoat"], ["Leith", "Oban", "Wick", "Ayr"]
        paragraphs = [
            f"A {animals[n]} was seen in {places[k]} harbour by {animals[(n + k + 1) % 6]} watchers." for k in range(4)
        ]
        text = f"Story {n} about the harbour\n\nSubscribe to our newsletter\n\n" + "\n\n".join(paragraphs) + "\n"
        (corpus / "wikinews" / f"extra-{n}.txt").write_text(text)
    build_index([str(corpus)], tmp_path / "single", processes=1)
    paths = _build_shards(corpus, tmp_path / "sharded", 3)
    with Manifest(_manifest(paths[0])) as first:
        counts = first.furniture_share(5)
    with open_index(tmp_path / "single") as one, open_index(tmp_path / "sharded") as many:
        # the 6 articles are spread over the 3 shards: no shard alone has the 5 that make a line furniture
        assert one.search("subscribe newsletter").total == many.search("subscribe newsletter").total == 0
        assert one.search("harbour").total == many.search("harbour").total == 6
        for query in ["unique3", "police", "election OR obama", '"prime minister"', "govern*"]:
            a, b = one.search(query), many.search(query)
            assert [(h.id, round(h.score, 9)) for h in a.hits] == [(h.id, round(h.score, 9)) for h in b.hits]
            assert [[p.highlights for p in h.passages] for h in a.hits] == [
                [p.highlights for p in h.passages] for h in b.hits
            ]
    # the same census applied again (a task retried after its first commit): the counts do not move
    build_index([str(corpus)], paths[0], processes=1, shard=(0, 3), foreign={("wikinews", 1): 50}, census="run-1")
    with Manifest(_manifest(paths[0])) as first:
        assert first.furniture_share(5) == counts


def _manifest(shard: str) -> str:
    from newsgrep.store.layout import IndexDir

    return str(IndexDir(shard).manifest_path())
