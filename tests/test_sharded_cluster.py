"""A sharded index on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1 started by these tests (tests.dask_cluster). Built, searched and updated through the real
command line; a worker SIGKILLed while building; a worker that stops answering during a search."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import CORPUS, json_hits, needs_shared, run_cli
from tests.dask_cluster import DaskCluster

pytestmark = pytest.mark.slow
QUERIES = ["election", "police", '"prime minister"', "govern*", "title:crash", "source:wikinews president", "obama"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    started = DaskCluster(tmp_path_factory.mktemp("dask"))
    yield started
    started.stop()


def _single(roots: list[str], folder: Path) -> Path:
    from newsgrep.indexer.build import build_index

    build_index(roots, folder, processes=1)
    return folder


def _answers(index: Path, query: str) -> tuple[list[tuple], dict]:
    done = run_cli("search", "--json", "--index", str(index), "-n", "8", query)
    assert done.returncode in (0, 1), done.stderr
    hits, summary = json_hits(done.stdout)
    return [(h["id"], h["score"], [p["text"] for p in h["passages"]]) for h in hits], summary


def _article_ids(sharded: Path) -> Counter:
    """Every live article id in every shard, counted (an article indexed twice counts 2)."""
    from newsgrep.store.layout import IndexDir, ShardsRecord

    found: Counter = Counter()
    for shard in ShardsRecord(sharded).shard_paths():
        with IndexDir(shard).open_whoosh().searcher() as searcher:
            found.update(fields["id"] for _, fields in searcher.reader().iter_docs())
    return found


def _single_ids(single: Path) -> Counter:
    from newsgrep.store.layout import IndexDir

    with IndexDir(single).open_whoosh().searcher() as searcher:
        return Counter(fields["id"] for _, fields in searcher.reader().iter_docs())


def test_a_cluster_index_is_built_searched_and_updated_as_one_index_is(cluster, corpus, tmp_path):
    sharded = tmp_path / "sharded"
    built = run_cli(
        "index", "--json", "--shards", "3", "--cluster", cluster.address, "--index", str(sharded), str(corpus)
    )
    assert built.returncode == 0, built.stderr
    assert json.loads((sharded / "SHARDS").read_text())["cluster"] == cluster.address
    single = _single([str(corpus)], tmp_path / "single")
    assert json.loads(built.stdout)["articles"] == sum(_single_ids(single).values()) > 20
    for query in QUERIES:  # searched through Dask actors on the workers: the index records its cluster
        expected, (got, summary) = _answers(single, query)[0], _answers(sharded, query)
        assert got == expected, query
        assert summary["missing_shards"] == 0

    # new, changed and removed files: each goes to its own shard, nothing is rebuilt
    wikinews = sorted((corpus / "wikinews").glob("*.txt"))
    wikinews[0].unlink()
    wikinews[1].write_text(wikinews[1].read_text() + "\nA late paragraph about zanzibarian elections.\n")
    shutil.copy(wikinews[2], corpus / "wikinews" / "copy-of-one.txt")
    updated = run_cli("index", "--json", "--index", str(sharded))  # the cluster and roots come from the index
    assert updated.returncode == 0, updated.stderr
    report = json.loads(updated.stdout)
    # each file by its own shard only (3 shards each doing all would count 3 of each), the others untouched
    assert (report["added"], report["updated"], report["removed"]) == (1, 1, 1)
    assert report["unchanged"] == len(list(corpus.rglob("*.txt"))) - 2
    fresh = _single([str(corpus)], tmp_path / "fresh")
    assert _article_ids(sharded) == _single_ids(fresh)
    for query in ["zanzibarian", *QUERIES[:3]]:
        expected, got = _answers(fresh, query)[0], _answers(sharded, query)[0]
        # the ids and order of a freshly built index; scores too, but for the deleted documents that
        # the updated shards still count in their statistics until Whoosh merges them away
        assert [hit[0] for hit in got] == [hit[0] for hit in expected], query


def test_a_worker_killed_while_building_leaves_the_index_equal_to_the_files(cluster, tmp_path):
    tech = needs_shared("corpora", "bbc", "tech")
    sharded = tmp_path / "sharded"
    command = [sys.executable, "-m", "newsgrep", "index", "--json", "--shards", "3", "--cluster", cluster.address]
    build = subprocess.Popen(
        [*command, "--index", str(sharded), str(tech)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    victim = cluster.worker_process(0)
    deadline = time.monotonic() + 120
    while not list((sharded / "shards").glob("*/CURRENT")):  # a shard's build has begun (after the census)
        assert build.poll() is None and time.monotonic() < deadline, "the build ended before a shard was built"
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(victim, signal.SIGKILL)
    out, err = build.communicate(timeout=600)
    assert build.returncode == 0, err
    cluster.wait_for(2)  # the nanny started a new worker process
    assert cluster.worker_process(0) != victim
    found = _article_ids(sharded)
    assert max(found.values()) == 1, "no article indexed twice"
    assert found == _single_ids(_single([str(tech)], tmp_path / "single"))
    assert json.loads(out)["articles"] == sum(found.values())


def test_a_shard_that_does_not_answer_in_time_is_reported_and_used_again_when_back(
    cluster, corpus, tmp_path, monkeypatch
):
    from newsgrep import open_index

    sharded = tmp_path / "sharded"
    built = run_cli("index", "--shards", "4", "--cluster", cluster.address, "--index", str(sharded), str(corpus))
    assert built.returncode == 0, built.stderr
    single = _single([str(corpus)], tmp_path / "single")
    monkeypatch.setenv("NEWSGREP_SHARD_SECONDS", "3")
    with open_index(single) as one:
        expected = [hit.id for hit in one.search("police OR election", limit=30).hits]
        everything = one.search("police OR election", limit=500, collapse=False)
    stopped = cluster.worker_process(1)
    with open_index(sharded) as many:
        assert [hit.id for hit in many.search("police OR election", limit=30).hits] == expected
        os.kill(stopped, signal.SIGSTOP)  # hung: alive for the scheduler, answering nobody
        try:
            partial = many.search("police OR election", limit=30)
            assert 0 < partial.missing_shards < 4
            assert {hit.id for hit in partial.hits} <= {hit.id for hit in everything.hits}
            assert partial.total < everything.total  # the stopped worker's shards' articles are not there
            done = run_cli(
                "search", "--json", "--index", str(sharded), "police OR election", env={"NEWSGREP_SHARD_SECONDS": "3"}
            )
            hits, summary = json_hits(done.stdout)
            assert summary["missing_shards"] == partial.missing_shards
            assert "did not answer in time" in done.stderr
        finally:
            os.kill(stopped, signal.SIGCONT)
        again = many.search("police OR election", limit=30)  # the same Searcher: nothing restarted
        assert again.missing_shards == 0
        assert [hit.id for hit in again.hits] == expected


def test_watch_keeps_a_cluster_index_up_to_date(cluster, corpus, tmp_path):
    import threading

    from newsgrep import open_index
    from newsgrep.indexer.watch import watch

    sharded = tmp_path / "sharded"
    built = run_cli("index", "--shards", "2", "--cluster", cluster.address, "--index", str(sharded), str(corpus))
    assert built.returncode == 0, built.stderr
    stop, reports = threading.Event(), []
    watcher = threading.Thread(
        target=watch,
        args=(None, sharded),
        kwargs={"debounce": 0.5, "settle": 0.2, "stop": stop, "on_report": reports.append},
    )
    watcher.start()
    try:
        while not reports:
            time.sleep(0.1)
        (corpus / "wikinews" / "late.txt").write_text("Late news\n\nThe quokkaphile society met in Perth today.\n")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with open_index(sharded) as searcher:
                if searcher.search("quokkaphile").hits:
                    break
            time.sleep(0.5)
        else:
            raise AssertionError("the new article was not indexed by watch")
    finally:
        stop.set()
        watcher.join(timeout=120)
    assert any(report.added == 1 for report in reports[1:])


def test_alerts_on_a_cluster_index_fire_once_for_new_articles_in_any_shard(cluster, tmp_path):
    news, ix = tmp_path / "news", tmp_path / "ix"
    from tests.test_alerts_cli import VOLCANO_BBC, _add, _article, _index, _write

    for path in sorted((CORPUS / "wikinews").glob("*.txt"))[:20]:
        _write(news, f"misc/{path.name}", path.read_text())
    done = run_cli("index", str(news), "--index", str(ix), "--shards", "2", "--cluster", cluster.address, "-q")
    assert done.returncode == 0, done.stderr
    _add(ix, "volcano", "Tungurahua")
    assert "volcano" in run_cli("alert", "list", "--index", str(ix)).stdout
    for n in range(6):  # files spread over both shards (routed by a hash of their paths)
        _write(news, f"bbc/volcano-{n}.txt", VOLCANO_BBC.replace("Thursday", f"day {n}") + f"\nReport {n}.\n")
    _write(news, "misc/other.txt", _article("Harvest festival", ["The village held its harvest festival."]))
    first, stderr = _index(news, ix)
    assert sorted(hit["path"].rsplit(os.sep, 1)[-1] for hit in first) == [f"volcano-{n}.txt" for n in range(6)]
    assert len({hit["path"] for hit in first}) == 6, stderr
    again, _ = _index(news, ix)
    assert again == []  # each article once, whichever shard holds it
    replay = run_cli("alert", "run", "volcano", "--since", "yesterday", "--index", str(ix), "--json")
    assert replay.returncode == 0, replay.stderr
    assert len(replay.stdout.splitlines()) == 6


def test_stats_roots_check_and_forget_on_a_cluster_index_agree_with_one_index(cluster, tmp_path):
    from tests.test_alerts_cli import _write

    news, notes = tmp_path / "news", tmp_path / "notes"
    for n, path in enumerate(sorted((CORPUS / "wikinews").glob("*.txt"))[:24]):
        _write(news if n % 3 else notes, path.name, path.read_text())
    sharded, single = tmp_path / "sharded", tmp_path / "single"
    roots = [str(news), str(notes)]
    built = run_cli("index", *roots, "--index", str(sharded), "--shards", "3", "--cluster", cluster.address, "-q")
    assert built.returncode == 0, built.stderr
    _single(roots, single)

    def agree() -> dict:
        figures = {}
        for index in (sharded, single):
            stats = json.loads(run_cli("stats", "--json", "--index", str(index)).stdout)
            listed = run_cli("roots", "--json", "--index", str(index)).stdout.splitlines()
            kept = ("articles", "passages", "files", "skipped_files", "roots")
            figures[index] = ({k: stats[k] for k in kept}, [json.loads(line) for line in listed])
        assert figures[sharded] == figures[single]
        return figures[sharded][0]

    assert agree()["articles"] == 24
    assert run_cli("check", "--index", str(sharded)).returncode == 0
    gone = sorted(news.glob("*.txt"))[0]
    gone.unlink()
    found = run_cli("check", "--json", "--index", str(sharded))
    assert found.returncode == 1 and json.loads(found.stdout)["extra"] == [str(gone)]
    repaired = run_cli("check", "--repair", "--json", "--index", str(sharded))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    _single(roots, single)
    assert agree()["articles"] == 23
    forgot = run_cli("roots", "--forget", str(notes), "--index", str(sharded))
    assert forgot.returncode == 0, forgot.stderr
    assert run_cli("roots", "--forget", str(notes), "--index", str(single)).returncode == 0
    assert agree()["roots"] == [str(news)]
    assert run_cli("check", "--index", str(sharded)).returncode == 0
