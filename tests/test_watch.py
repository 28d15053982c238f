"""`newsgrep watch` with real files appearing, changing, being written slowly and going away."""

import json
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import interruptible, json_hits, run_cli

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
        preexec_fn=interruptible,  # the test sends it SIGINT
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


def _articles(index_dir) -> int:
    done = run_cli("stats", "--index", str(index_dir), "--json")
    return json.loads(done.stdout)["articles"] if done.returncode == 0 else 0


def test_watch_indexes_a_web_archive_while_a_crawler_keeps_appending_to_it(tmp_path):
    from tests import format_builders as b

    crawl, index_dir = tmp_path / "crawl", tmp_path / "ix"
    crawl.mkdir()
    archive = crawl / "live.warc.gz"
    pages = b.wikinews(0, 40)
    archive.write_bytes(b.warc_bytes(b.page_records(pages[:2])))
    members = [b.warc_bytes(b.page_records([page], start=i), warcinfo=False) for i, page in enumerate(pages[2:], 2)]
    watcher = subprocess.Popen(
        [sys.executable, "-m", "newsgrep", "watch", str(crawl), "--index", str(index_dir)]
        + ["--debounce", "0.5", "--settle", "1.0", "--max-wait", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,  # the test sends it SIGINT
    )
    appending = threading.Event()

    def crawler():  # a record every 0.3 s, each written in two halves: never quiet, never settled
        appending.set()
        with open(archive, "ab") as f:
            for member in members:
                f.write(member[: len(member) // 2])
                f.flush()
                time.sleep(0.15)
                f.write(member[len(member) // 2 :])
                f.flush()
                time.sleep(0.15)
        appending.clear()

    try:
        assert _eventually(lambda: _articles(index_dir) == 2)
        thread = threading.Thread(target=crawler)
        thread.start()
        assert _eventually(lambda: _articles(index_dir) > 4 or not appending.is_set(), timeout=30)
        assert appending.is_set(), "nothing indexed while the crawler was appending"
        thread.join()
        assert _eventually(lambda: _articles(index_dir) == 40)
        shown = run_cli("show", str(archive), "--index", str(index_dir), "--json").stdout.splitlines()
        titles = [json.loads(line)["title"] for line in shown]
        assert sorted(titles) == sorted(page.title for page in pages)  # each once, none half-written
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, err
    assert "Traceback" not in err and run_cli("check", "--index", str(index_dir)).returncode == 0
