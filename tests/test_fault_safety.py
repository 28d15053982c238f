"""Faults on real processes and real files: `check --repair` killed at its commit, SIGKILL at many
points of index runs, the index lock and worker processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from whoosh import index as whoosh_index

from newsgrep.indexer.build import build_index
from newsgrep.indexer.check import check_index
from newsgrep.store.layout import IndexDir, whoosh_path
from newsgrep.store.schema import F
from tests.conftest import run_cli

pytestmark = pytest.mark.slow  # real processes killed and waited for


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsgrep", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _tocs(index_dir) -> set[str]:
    if not (index_dir / "CURRENT").exists():
        return set()
    return {toc.name for toc in whoosh_path(IndexDir(index_dir).current()).glob("_MAIN_*.toc")}


def _articles(index_dir) -> list[str]:
    ix = whoosh_index.open_dir(str(whoosh_path(IndexDir(index_dir).current())))
    with ix.reader() as reader:
        return sorted(fields[F.ID] for _, fields in reader.iter_docs())


def _kill_at_new_toc(process: subprocess.Popen, index_dir, before: set[str], timeout: float = 60) -> bool:
    """SIGKILLs `process` as soon as a table of contents it wrote appears; False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if _tocs(index_dir) - before:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    process.wait()
    return False


def test_a_check_repair_killed_at_its_commit_loses_no_article(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    build_index([str(corpus)], index_dir)
    everything = _articles(index_dir)
    victims = sorted({str(p) for p in (corpus / "wikinews").glob("*.txt")})[:10]
    ix = whoosh_index.open_dir(str(whoosh_path(IndexDir(index_dir).current())))
    writer = ix.writer()
    for path in victims:  # their articles are lost from the index; the manifest still counts them
        writer.delete_by_term(F.FILE, path)
    writer.commit()
    assert check_index(index_dir).mismatched == victims

    process = _start("check", "--repair", "--index", str(index_dir))
    killed = _kill_at_new_toc(process, index_dir, _tocs(index_dir))
    assert killed, "check --repair ended before it could be killed at its commit"

    done = run_cli("index", "--index", str(index_dir), "-q")
    assert done.returncode == 0, done.stderr
    assert _articles(index_dir) == everything
    assert check_index(index_dir).ok
