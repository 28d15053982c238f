"""`newsgrep watch` with real files appearing, changing, being written slowly and going away."""

import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import json_hits, run_cli

pytestmark = pytest.mark.slow  # a real `newsgrep watch` waited for


def _search_ids(index_dir, query):
    done = run_cli("search", query, "--index", str(index_dir), "--json")
    return [hit["id"] for hit in json_hits(done.stdout)[0]] if done.returncode == 0 else []


def _write_slowly(path, pieces=12, pause=0.4):
    """Writes a file over several seconds, each write well within watch's --settle of the one before."""
    with open(path, "w") as f:
        f.write("Narwhal migration\n\nNarwhals ")
        f.flush()
        for _ in range(pieces):
            time.sleep(pause)
            f.write("swim ")
            f.flush()
        f.write("north along the ice edge.\n")


def _eventually(check, timeout=60.0):  # generous: a loaded CI machine is slow, the check is that it happens
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_watch_follows_new_changed_slow_and_removed_files_and_stops_cleanly(tmp_path):
    feed, index_dir = tmp_path / "feed", tmp_path / "ix"
    feed.mkdir()
    (feed / "first.txt").write_text("Okapi sighted\n\nAn okapi was sighted in the forest.\n")
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsgrep",
            "watch",
            str(feed),
            "--index",
            str(index_dir),
            "--debounce",
            "0.3",
            "--settle",
            "2.0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _eventually(lambda: _search_ids(index_dir, "okapi"))  # the first run indexes what is there

        (feed / "burst-1.txt").write_text("Pangolin rescue\n\nRangers rescued a pangolin.\n")
        (feed / "burst-2.txt").write_text("Pangolin trade\n\nPangolin scales were seized.\n")
        assert _eventually(lambda: len(_search_ids(index_dir, "pangolin")) == 2)

        slow = feed / "slow.txt"
        writing = threading.Thread(target=_write_slowly, args=(slow,))  # never indexed half-written
        writing.start()
        while writing.is_alive():  # checks in this thread, so that a slow search cannot delay a write
            assert not _search_ids(index_dir, "narwhal")
            time.sleep(0.2)
        writing.join()
        assert _eventually(lambda: _search_ids(index_dir, '"ice edge"'))
        assert len(_search_ids(index_dir, "narwhal")) == 1

        (feed / "first.txt").write_text("Okapi census\n\nThe okapi census counted a dozen calves.\n")
        assert _eventually(lambda: _search_ids(index_dir, "calves"))
        (feed / "burst-1.txt").unlink()
        assert _eventually(lambda: len(_search_ids(index_dir, "pangolin")) == 1)
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert "1 added" in out and "1 removed" in out
