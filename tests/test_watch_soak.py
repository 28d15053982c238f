"""A soak of `newsgrep watch`: a folder receives 300 files in bursts while searches run in a loop and
`newsgrep check` runs twice; at the end every file is indexed once and no search failed."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import run_cli
from tests.generated_news import article
from tests.test_fault_safety import _files_in_index

pytestmark = pytest.mark.slow  # a real `newsgrep watch` fed for half a minute

BURSTS, PER_BURST = 6, 50


def _articles(index_dir) -> int:
    done = run_cli("stats", "--index", str(index_dir), "--json")
    return json.loads(done.stdout)["articles"] if done.returncode == 0 else -1


def test_watch_indexes_bursts_of_files_once_while_searches_and_checks_run(tmp_path):
    feed, index_dir = tmp_path / "feed", tmp_path / "ix"
    feed.mkdir()
    rng = random.Random(18)
    for number in range(10):
        (feed / f"first-{number}.txt").write_text(article(rng, number))
    watcher = subprocess.Popen(
        [sys.executable, "-m", "newsgrep", "watch", str(feed), "--index", str(index_dir)]
        + ["--debounce", "0.3", "--settle", "0.5", "--max-wait", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    searches: list[tuple[int, str]] = []
    checks: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while _articles(index_dir) < 10 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _articles(index_dir) == 10, "the watch's first run did not index the folder"

        bursts: list[int] = []

        def feeder():  # bursts of 50 files, two seconds or so apart, some a folder deep
            for burst in range(BURSTS):
                folder = feed / f"burst-{burst}" if burst % 2 else feed
                folder.mkdir(exist_ok=True)
                for number in range(PER_BURST):
                    (folder / f"story-{burst}-{number}.txt").write_text(article(rng, 100 + burst * PER_BURST + number))
                bursts.append(burst)
                time.sleep(rng.uniform(1.5, 2.5))

        feeding = threading.Thread(target=feeder)
        feeding.start()
        while feeding.is_alive():
            for query in ("government", "minister OR election", "elect*"):
                done = run_cli("search", query, "--index", str(index_dir), "--json", "-n", "3")
                searches.append((done.returncode, done.stderr))
            if len(checks) < 2 and len(bursts) >= 2 * (len(checks) + 1):  # after the second and the fourth burst
                checked = run_cli("check", "--index", str(index_dir), "--json")
                checks.append(checked.returncode)
                assert checked.returncode in (0, 1) and "error" not in checked.stderr, checked.stderr
        feeding.join()
        files = {str(p) for p in feed.rglob("*.txt")}
        assert len(files) == 10 + BURSTS * PER_BURST
        deadline = time.monotonic() + 60
        while _articles(index_dir) != len(files) and time.monotonic() < deadline:
            done = run_cli("search", "government", "--index", str(index_dir), "--json", "-n", "3")
            searches.append((done.returncode, done.stderr))
            time.sleep(0.3)
        while len(checks) < 2:
            checks.append(run_cli("check", "--index", str(index_dir)).returncode)
    finally:
        watcher.send_signal(signal.SIGINT)
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert "Traceback" not in err and "error" not in err, err
    failed = [(code, stderr) for code, stderr in searches if code not in (0, 1) or "error" in stderr]
    assert not failed, failed[:3]
    indexed, duplicates = _files_in_index(index_dir)
    assert indexed == files and duplicates == 0
    assert run_cli("check", "--index", str(index_dir)).returncode == 0
    print(f"\n{len(files)} files watched in {BURSTS} bursts: {len(searches)} searches, none failed; checks {checks}")
