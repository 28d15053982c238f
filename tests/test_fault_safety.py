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
from tests.conftest import interruptible, run_cli

pytestmark = pytest.mark.slow  # real processes killed and waited for


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsgrep", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interruptible,  # the test sends it SIGINT
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


@pytest.fixture
def small_disk(tmp_path):
    """A 1.5 MB filesystem of its own (tmpfs), or a clean skip where this process cannot mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small filesystem here (needs root): {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _remount(mount, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount)], check=True, capture_output=True)


def _used_kb(mount) -> int:
    import os

    stat = os.statvfs(mount)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize // 1024


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_full_disk_is_one_line_keeps_the_last_commit_and_frees_what_it_wrote(corpus, small_disk, processes):
    from tests.conftest import CORPUS

    index_dir = small_disk / "ix"
    assert run_cli("index", str(corpus), "--index", str(index_dir), "-q").returncode == 0
    before, used = _articles(index_dir), _used_kb(small_disk)

    done = run_cli("index", str(CORPUS / "wikinews"), "--index", str(index_dir), "-j", processes)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "disk full while writing" in done.stderr, done.stderr
    assert _articles(index_dir) == before
    assert _used_kb(small_disk) < used + 200, "the failed commit's files were left on the full disk"
    for command in (["search", "okapi OR the"], ["stats"], ["check"]):
        ran = run_cli(*command, "--index", str(index_dir))
        assert ran.returncode in (0, 1), (command, ran.stderr)
        assert "error" not in ran.stderr

    _remount(small_disk, "size=64m")
    done = run_cli("index", "--index", str(index_dir), "-q", "-j", processes)
    assert done.returncode == 0, done.stderr
    assert check_index(index_dir).ok
    assert len(_articles(index_dir)) == len(before) + 200


def test_a_read_only_index_is_searched_and_a_write_is_refused_in_one_line(corpus, small_disk):
    index_dir = small_disk / "ix"
    assert run_cli("index", str(corpus), "--index", str(index_dir), "-q").returncode == 0
    _remount(small_disk, "ro")
    try:
        seed = sorted((corpus / "seeds").iterdir())[0]
        for command in (["search", "the"], ["stats"], ["check"], ["roots"], ["show", str(seed)]):
            ran = run_cli(*command, "--index", str(index_dir))
            assert ran.returncode in (0, 1), (command, ran.stderr)
        assert "consistent" in run_cli("check", "--index", str(index_dir)).stdout
        done = run_cli("index", str(corpus), "--index", str(index_dir))
        assert done.returncode == 2
        assert done.stderr.strip().count("\n") == 0 and "cannot write" in done.stderr, done.stderr
        assert "internal error" not in done.stderr
    finally:
        _remount(small_disk, "rw")


def test_indexing_workers_do_not_hold_the_index_lock(tmp_path):
    import os

    from tests.conftest import CORPUS

    index_dir = tmp_path / "ix"
    process = _start("index", str(CORPUS / "wikinews"), "--index", str(index_dir), "-j", "2", "-q")
    try:
        lock = str(index_dir / "lock")
        deadline, workers = time.monotonic() + 60, []
        while time.monotonic() < deadline and process.poll() is None and not workers:
            children = f"/proc/{process.pid}/task/{process.pid}/children"
            workers = open(children).read().split() if os.path.exists(children) else []
            time.sleep(0.01)
        assert workers, "no worker process was seen"
        holders = []
        for pid in workers:
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
                holders += [pid for fd in fds if os.readlink(f"/proc/{pid}/fd/{fd}") == lock]
            except OSError:
                continue  # the worker ended meanwhile
        assert not holders, f"workers {holders} hold the parent's lock"
    finally:
        process.wait(timeout=120)


def _without_root_powers(*args: str) -> subprocess.CompletedProcess:
    """`newsgrep ARGS` as root without the power to read what permissions forbid (as any other user)."""
    import os
    import shutil

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to take a folder's permissions away from the test")
    command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m", "newsgrep", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_folder_that_cannot_be_listed_keeps_its_articles(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    build_index([str(corpus)], index_dir)
    everything = _articles(index_dir)
    locked = corpus / "wikinews"
    locked.chmod(0)
    try:
        done = _without_root_powers("index", "--index", str(index_dir))
        assert done.returncode == 0, done.stderr
        assert _articles(index_dir) == everything
        assert "cannot list folder" in done.stderr and "kept" in done.stderr
        checked = _without_root_powers("check", "--index", str(index_dir), "--json")
        assert '"extra": []' in checked.stdout, checked.stdout
    finally:
        locked.chmod(0o755)
    assert run_cli("index", "--index", str(index_dir), "-q").returncode == 0
    assert _articles(index_dir) == everything and check_index(index_dir).ok


# SIGKILL at many points of index runs: after each, searches work; after the next run, the index holds
# exactly the files on disk ------------------------------------------------------------------------------


def _all_tocs(index_dir) -> set[str]:
    """The tables of contents of commits (not the empty index a new generation starts with)."""
    tocs = index_dir.glob("gen-*/whoosh/_MAIN_*.toc")
    return {f"{toc.parent.parent.name}/{toc.name}" for toc in tocs if toc.name != "_MAIN_0.toc"}


def _kill_at(process: subprocess.Popen, index_dir, point: str, timeout: float = 90) -> None:
    """SIGKILL at a `point`: "toc:N" (the N-th table of contents the run writes, in any generation) or
    "after:SECONDS" (from its start)."""
    kind, value = point.split(":")
    before, started = _all_tocs(index_dir), time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if kind == "toc" and len(_all_tocs(index_dir) - before) >= int(value):
            break
        if kind == "after" and time.monotonic() - started >= float(value):
            break
        time.sleep(0.003)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()


def _files_in_index(index_dir) -> tuple[set[str], int]:
    ix = whoosh_index.open_dir(str(whoosh_path(IndexDir(index_dir).current())))
    with ix.reader() as reader:
        stored = [fields for _, fields in reader.iter_docs()]
    ids = [fields[F.ID] for fields in stored]
    return {fields[F.FILE] for fields in stored}, len(ids) - len(set(ids))


@pytest.fixture
def news(tmp_path):
    return _news(tmp_path, 1)


def _news(tmp_path, copies: int):
    from tests.conftest import CORPUS

    root = tmp_path / "news"
    for copy in range(copies):
        folder = root / f"copy{copy}"
        folder.mkdir(parents=True)
        for path in sorted((CORPUS / "wikinews").glob("*.txt")):
            text = path.read_text()
            (folder / path.name).write_text(text.replace("\n\n", f"\n\nCopy {copy} of this report.\n\n", 1))
    return root


def _change(root) -> None:
    """An incremental run's work: changed, removed and new files."""
    files = sorted(root.rglob("*.txt"))
    for path in files[:30]:
        path.write_text(path.read_text() + "\nA paragraph added later to this report.\n")
    for path in files[30:50]:
        path.unlink()
    for number, path in enumerate(files[100:120]):
        (path.parent / f"new-{number}.txt").write_text(path.read_text().replace("report", "new report", 1))


RUNS = {  # the run killed, and where
    "first build at its start": ("first", "after:0.3"),
    "first build at its second commit": ("first", "toc:2"),
    "incremental run at its commit": ("changes", "toc:1"),
    "rebuild midway": ("rebuild", "toc:1"),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_sigkill_at_a_point_of_a_run_then_the_next_run_gives_exactly_the_files(news, tmp_path, name):
    run, point = RUNS[name]
    index_dir = tmp_path / "ix"
    options = ["--index", str(index_dir), "-q", "-j", "2", "--commit-every", "60"]
    if run != "first":
        assert run_cli("index", str(news), *options).returncode == 0
    if run == "changes":
        _change(news)
    args = ["index", str(news), *options] + (["--rebuild"] if run == "rebuild" else [])
    _kill_at(_start(*args), index_dir, point)
    if (index_dir / "CURRENT").exists():
        searched = run_cli("search", "government", "--index", str(index_dir))
        assert searched.returncode in (0, 1) and "error" not in searched.stderr, searched.stderr
    again = run_cli("index", *([] if (index_dir / "CURRENT").exists() else [str(news)]), *options)
    assert again.returncode == 0, again.stderr
    files, duplicates = _files_in_index(index_dir)
    assert files == {str(p) for p in news.rglob("*.txt")}
    assert duplicates == 0
    assert check_index(index_dir).ok


def test_ctrl_c_during_a_first_build_says_what_was_kept(tmp_path):
    news = _news(tmp_path, 4)  # 800 articles: the run is still going after its first commit, even when slowed
    index_dir = tmp_path / "ix"
    process = _start("index", str(news), "--index", str(index_dir), "-q", "-j", "1", "--commit-every", "40")
    from newsgrep.store.manifest import Manifest

    def _committed(index_dir) -> int:
        if not (index_dir / "CURRENT").exists():
            return 0
        index = IndexDir(index_dir)
        with Manifest(index.manifest_path(index.current()), readonly=True) as manifest:
            return manifest.counts()[2]

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None and not _committed(index_dir):
        time.sleep(0.01)  # until a commit and its manifest transaction are done
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    held = len(_articles(index_dir))
    assert f"interrupted: the index holds {held:,} articles (+{held:,} committed by this run)" in stderr, stderr
    assert "run `newsgrep index` again" in stderr
