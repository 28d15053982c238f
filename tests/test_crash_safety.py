"""Crash safety and concurrency of the real CLI: SIGKILL at several points, searches during indexing,
a second writer, stale locks, and `newsgrep check` on damaged indexes."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from whoosh import index as whoosh_index

from newsgrep.indexer.build import build_index
from newsgrep.indexer.check import check_index
from newsgrep.store.layout import IndexDir, whoosh_path
from tests.conftest import CORPUS, run_cli

pytestmark = pytest.mark.slow  # real corpora or real processes killed and waited for

COPIES = 10  # x 200 bundled Wikinews articles = 2,000 files


@pytest.fixture
def big_corpus(tmp_path):
    root = tmp_path / "big"
    for copy in range(COPIES):
        folder = root / f"copy{copy}"
        folder.mkdir(parents=True)
        for path in (CORPUS / "wikinews").glob("*.txt"):
            text = path.read_text()
            (folder / path.name).write_text(text.replace("\n\n", f"\n\nCopy {copy} of this report.\n\n", 1))
    return root


def _start_index(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "newsgrep", "index", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _indexed(index_dir):
    """(files with articles in the index, article ids, duplicate ids) read straight from Whoosh."""
    ix = whoosh_index.open_dir(str(whoosh_path(IndexDir(index_dir).current())))
    files, ids = set(), []
    with ix.reader() as reader:
        for _, fields in reader.iter_docs():
            files.add(fields["file"])
            ids.append(fields["id"])
    return files, ids, len(ids) - len(set(ids))


def _on_disk(root):
    return {str(p) for p in root.rglob("*.txt")}


def _commits(index_dir):
    """The TOCs of the index's current generation (each commit writes a new one)."""
    if not (index_dir / "CURRENT").exists():
        return set()
    return {toc.name for toc in whoosh_path(IndexDir(index_dir).current()).glob("_MAIN_*.toc")} - {"_MAIN_0.toc"}


def _wait_for_commit(index_dir, process, timeout=60, before=frozenset()):
    """Waits until the running index has committed once more than `before` (a first build is live from then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if _commits(index_dir) - before:
            return
        time.sleep(0.02)


def test_sigkill_at_several_points_then_reindex_gives_exactly_the_files(big_corpus, tmp_path):
    index_dir = tmp_path / "ix"
    kills = 0
    for delay in (0.0, 0.2, 0.5, 0.0, 0.3, 0.1, 0.0, 0.0):
        if kills == 4:
            break
        before = _commits(index_dir)
        process = _start_index(str(big_corpus), "--index", str(index_dir), "--commit-every", "150", "-q")
        _wait_for_commit(index_dir, process, before=before)  # killed after a commit of this run, not at start-up
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        if (index_dir / "CURRENT").exists():
            found = run_cli("search", "minister", "--index", str(index_dir), "--json")
            assert found.returncode in (0, 1), found.stderr  # the last commit is searchable
            files, _, duplicates = _indexed(index_dir)
            assert duplicates == 0 and files <= _on_disk(big_corpus)
    assert kills >= 3
    finished = run_cli("index", "--index", str(index_dir), "--json")
    assert finished.returncode == 0, finished.stderr
    files, ids, duplicates = _indexed(index_dir)
    assert files == _on_disk(big_corpus) and duplicates == 0 and len(ids) == 200 * COPIES
    assert check_index(index_dir).ok
    assert not [p for p in (whoosh_path(IndexDir(index_dir).current())).iterdir() if p.suffix == ".tmp"]


def test_sigkill_during_incremental_changes_and_rebuild(big_corpus, tmp_path):
    index_dir = tmp_path / "ix"
    build_index([str(big_corpus)], index_dir, commit_every=300)
    shutil.rmtree(big_corpus / "copy0")  # removals,
    for path in list((big_corpus / "copy1").glob("*.txt"))[:100]:  # changes
        path.write_text(path.read_text() + "\n\nA correction was appended.\n")
    for kind, args in (("incremental", []), ("rebuild", ["--rebuild"])):
        process = _start_index("--index", str(index_dir), "--commit-every", "50", "-q", *args)
        time.sleep(0.8)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        assert run_cli("search", "correction", "--index", str(index_dir)).returncode in (0, 1), kind
    assert run_cli("index", "--index", str(index_dir)).returncode == 0
    files, ids, duplicates = _indexed(index_dir)
    assert files == _on_disk(big_corpus) and duplicates == 0 and len(ids) == 200 * (COPIES - 1)
    assert len(IndexDir(index_dir).generations()) == 1  # the rebuild's unfinished generation is gone
    assert check_index(index_dir).ok


def test_searches_during_indexing_succeed_and_a_second_writer_is_refused(big_corpus, tmp_path):
    index_dir = tmp_path / "ix"
    process = _start_index(str(big_corpus), "--index", str(index_dir), "--commit-every", "100", "-q")
    _wait_for_commit(index_dir, process)
    codes = []
    second = run_cli("index", "--index", str(index_dir))
    while process.poll() is None and len(codes) < 15:
        codes.append(run_cli("search", "election", "--index", str(index_dir), "-n", "3").returncode)
    process.wait(timeout=120)
    assert codes and set(codes) <= {0, 1}
    assert second.returncode == 2 and "being written by another newsgrep" in second.stderr
    assert f"pid {process.pid}" in second.stderr
    assert process.returncode == 0


def test_wait_waits_for_the_running_writer(big_corpus, tmp_path):
    index_dir = tmp_path / "ix"
    build_index([str(big_corpus / "copy0")], index_dir)
    with IndexDir(index_dir).lock():
        waiting = _start_index(str(big_corpus / "copy1"), "--index", str(index_dir), "--wait", "--json")
        time.sleep(1.0)
        assert waiting.poll() is None  # still waiting for the lock
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert json.loads(out)["added"] == 200


def test_a_killed_writer_leaves_no_lock_behind(big_corpus, tmp_path):
    index_dir = tmp_path / "ix"
    process = _start_index(str(big_corpus), "--index", str(index_dir), "--commit-every", "100", "-q")
    _wait_for_commit(index_dir, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    started = time.monotonic()
    done = run_cli("index", "--index", str(index_dir))
    assert done.returncode == 0, done.stderr
    assert "added" in done.stdout and time.monotonic() - started < 60


def test_check_finds_and_repairs_duplicates_extras_and_damage(tmp_path):
    root = tmp_path / "articles"
    shutil.copytree(CORPUS / "seeds", root)
    index_dir = tmp_path / "ix"
    build_index([str(root)], index_dir)
    assert check_index(index_dir).ok

    ix = whoosh_index.open_dir(str(whoosh_path(IndexDir(index_dir).current())))
    with ix.searcher() as searcher:
        original = searcher.stored_fields(0)
    writer = ix.writer()
    writer.add_document(**{k: v for k, v in original.items() if k != "date"})  # the same id again
    writer.add_document(id="ghost", file=str(tmp_path / "ghost.txt"), body="A ghost article.", passages=[])
    writer.commit()
    found = check_index(index_dir)
    assert found.duplicates == [original["id"]] and found.extra == [str(tmp_path / "ghost.txt")]
    assert not found.ok
    done = run_cli("check", "--repair", "--index", str(index_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    assert check_index(index_dir).ok and len(_indexed(index_dir)[1]) == 2

    for segment in (whoosh_path(IndexDir(index_dir).current())).glob("MAIN_*.*"):
        if segment.suffix in (".trm", ".pst", ".col"):
            segment.write_bytes(b"garbage")
    damaged = run_cli("check", "--json", "--index", str(index_dir))
    assert damaged.returncode == 1 and json.loads(damaged.stdout)["damaged"]
    assert run_cli("check", "--repair", "--index", str(index_dir)).returncode == 0
    assert check_index(index_dir).ok and len(_indexed(index_dir)[1]) == 2


def test_index_from_an_incompatible_version_is_detected(tmp_path):
    index_dir = tmp_path / "ix"
    build_index([str(CORPUS / "seeds")], index_dir)
    (index_dir / "FORMAT").write_text('{"format": 99, "schema": 1}\n')
    for command in (["search", "cartel"], ["check"], ["stats"], ["index"]):
        done = run_cli(*command, "--index", str(index_dir))
        assert done.returncode == 2 and "incompatible" in done.stderr and "--rebuild" in done.stderr, command
    os.remove(index_dir / "FORMAT")
    assert run_cli("search", "cartel", "--index", str(index_dir)).returncode == 2


def test_sigkill_during_a_parallel_batch_leaves_no_writer_behind(big_corpus, tmp_path):
    """Batches of 1,000 files and more are written by Whoosh's two-process writer: killing the indexing
    process must take its writer processes with it (nothing left holding the lock or writing)."""
    index_dir = tmp_path / "ix"
    process = _start_index(str(big_corpus), "--index", str(index_dir), "--commit-every", "1000", "-q")
    children: list[str] = []
    deadline = time.monotonic() + 30
    while not children and time.monotonic() < deadline and process.poll() is None:
        children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()
        time.sleep(0.05)
    assert children, "the indexing process never started its writer processes"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if os.path.exists(f"/proc/{pid}")]
    done = run_cli("index", "--index", str(index_dir))
    assert done.returncode == 0, done.stderr
    files, ids, duplicates = _indexed(index_dir)
    assert files == _on_disk(big_corpus) and duplicates == 0 and len(ids) == 200 * COPIES
