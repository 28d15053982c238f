"""Indexing in worker processes: the same index as one process builds, through additions, changes and
removals; a worker that dies fails the run with a one-line error and loses nothing."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from newsgrep.indexer.build import build_index
from newsgrep.indexer.check import check_index
from newsgrep.store.layout import IndexDir, whoosh_path
from tests.conftest import CORPUS, SEEDS, interruptible, run_cli, search

pytestmark = pytest.mark.slow  # real corpora or real processes killed and waited for

QUERIES = ["election", "Gomez Mont", '"prime minister"', "police AND arrested", "title:fire", "oil prices"]


def _corpus(root):
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(CORPUS / "wikinews", root / "wikinews")
    (root / "feed").mkdir()
    shutil.copy(CORPUS.parent / "tests" / "fixtures" / "wire-feed.jsonl", root / "feed" / "wire-feed.jsonl")
    return root


def _manifest(index_dir):
    db = sqlite3.connect(IndexDir(index_dir).manifest_path())
    try:
        files = db.execute("SELECT path, articles, passages, skipped FROM files ORDER BY path").fetchall()
        signatures = db.execute("SELECT id, path, signature FROM signatures ORDER BY id").fetchall()
        bands = db.execute("SELECT COUNT(*) FROM bands").fetchone()[0]
    finally:
        db.close()
    return files, signatures, bands


def _answers(index_dir):
    answers = []
    for query in QUERIES:
        result = search(query, index_dir, limit=20)
        answers.append(
            [(h.id, round(h.score, 6), [(p.number, p.text, p.highlights) for p in h.passages]) for h in result.hits]
        )
    return answers


def _report(report):
    return {k: v for k, v in report.to_dict().items() if k not in ("index", "seconds")}


def _same(one, many):
    assert _manifest(one) == _manifest(many)
    # Scores may differ a little, and near-ties swap: Whoosh's collection statistics count deleted
    # documents until their segment is merged, and the two indexes' segments are not merged alike.
    for alone, parallel in zip(_answers(one), _answers(many), strict=True):
        by_id = {aid: (score, passages) for aid, score, passages in parallel}
        assert {aid for aid, _, _ in alone[:10]} <= set(by_id)
        assert {aid for aid, _, _ in parallel[:10]} <= {aid for aid, _, _ in alone}
        for aid, score, passages in alone:
            if aid in by_id:
                assert by_id[aid][0] == pytest.approx(score, rel=0.01) and by_id[aid][1] == passages
    assert check_index(many).ok


def test_worker_processes_build_the_index_one_process_builds(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "news")
    one, many = tmp_path / "one", tmp_path / "many"
    # Small batches, chunks and commits: the workers index a commit's batches chunk by chunk, while this
    # process cleans the rest and commits the commit before.
    monkeypatch.setattr("newsgrep.indexer.pipeline.CHUNK", 16)
    monkeypatch.setattr("newsgrep.indexer.pipeline.BATCH", 13)
    first = build_index([str(corpus)], many, processes=2, commit_every=37)
    assert build_index([str(corpus)], one, processes=1, commit_every=37).added == first.added > 200
    _same(one, many)

    wikinews = sorted((corpus / "wikinews").glob("*.txt"))
    for path in wikinews[:15]:
        correction = (
            "This report was corrected after publication: an earlier version of it misstated the date of the vote."
        )
        path.write_text(path.read_text() + f"\n\n{correction}\n")  # a long line: prose, not furniture
    for path in wikinews[15:25]:
        path.unlink()
    for number, path in enumerate(wikinews[25:45]):
        shutil.copy(path, corpus / "wikinews" / f"reprint-{number}.txt")
    again = build_index(None, many, processes=2, commit_every=7)
    alone = build_index(None, one, processes=1, commit_every=7)
    assert _report(alone) == _report(again)
    assert (again.updated, again.removed, again.added) == (15, 10, 20)
    _same(one, many)
    assert search('"corrected after publication"', many).total == 15
    assert not [p for p in (whoosh_path(IndexDir(many).current())).iterdir() if p.suffix == ".tmp"]


def _committed(index_dir):
    if not (index_dir / "CURRENT").exists():
        return False
    whoosh_dir = whoosh_path(IndexDir(index_dir).current())
    return any(toc.name != "_MAIN_0.toc" for toc in whoosh_dir.glob("_MAIN_*.toc"))


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(child) for child in f.read().split()]
    except OSError:
        return []


def _copies(corpus, count=6):
    for copy in range(count):
        folder = corpus / f"copy{copy}"
        folder.mkdir(parents=True)
        for path in (CORPUS / "wikinews").glob("*.txt"):
            (folder / path.name).write_text(path.read_text().replace("\n\n", f"\n\nCopy {copy}.\n\n", 1))
    return corpus


def _start(corpus, index_dir, commit_every=100):
    return subprocess.Popen(
        [sys.executable, "-m", "newsgrep", "index", str(corpus), "--index", str(index_dir), "-j", "2"]
        + ["--commit-every", str(commit_every), "-q"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,  # the test sends it SIGINT
    )


def test_ctrl_c_stops_the_workers_at_once_and_the_next_run_completes(tmp_path):
    corpus, index_dir = _copies(tmp_path / "news", count=20), tmp_path / "ix"
    process = _start(corpus, index_dir, commit_every=100_000)  # one commit: the workers get a backlog
    deadline = time.monotonic() + 60
    while not list(index_dir.glob("gen-*/whoosh/worker-*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the workers have articles
    time.sleep(0.5)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    _, err = process.communicate(timeout=60)
    assert time.monotonic() - interrupted < 1.5  # the workers are killed, not left to finish their backlog
    assert process.returncode == 130
    assert err.startswith("newsgrep: interrupted: nothing of this run was committed") and err.count("\n") == 1
    done = run_cli("index", "--index", str(index_dir), "--json")
    assert done.returncode == 0, done.stderr
    assert check_index(index_dir).ok
    assert not [p for p in (whoosh_path(IndexDir(index_dir).current())).iterdir() if p.suffix == ".tmp"]


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/task"), reason="needs Linux's /proc")
def test_a_killed_worker_fails_the_run_in_one_line_and_the_next_run_completes(tmp_path):
    corpus, index_dir = _copies(tmp_path / "news"), tmp_path / "ix"
    process = _start(corpus, index_dir)
    deadline = time.monotonic() + 60
    victim = None
    while victim is None and time.monotonic() < deadline and process.poll() is None:
        if _committed(index_dir):  # the workers are busy with a later batch
            victim = next(iter(_children(process.pid)), None)
        time.sleep(0.02)
    assert victim is not None, "the run ended before a worker could be killed"
    os.kill(victim, signal.SIGKILL)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert err.count("\n") == 1 and "indexing process" in err and "died (signal SIGKILL)" in err
    assert "Traceback" not in err
    report = check_index(index_dir)  # what was committed is whole; the rest is not indexed yet
    assert report.files >= 100 and report.missing
    assert not (report.stale or report.extra or report.mismatched or report.duplicates or report.damaged)

    done = run_cli("index", "--index", str(index_dir), "--json")
    assert done.returncode == 0, done.stderr
    assert search("Copy 5", index_dir).total > 0
    assert check_index(index_dir).ok
    files, _, _ = _manifest(index_dir)
    assert len(files) == 6 * 200
