"""SIGKILL at 20 points of one index's life on real processes: a first build by worker processes, incremental
runs with changes and removals, rebuilds, furniture refreshes and `check --repair`. After each kill a search
works; after the last run the index holds exactly the files on disk (`newsgrep check` clean, no duplicate
ids, one article a file).

Each kill comes at a point the run reaches (its N-th commit, seen as a new table of contents, or a moment
after its start) rather than after a fixed sleep, and every kill is preceded by work for the run to do, so
that the 20 kills happen on any machine."""

from __future__ import annotations

import time

import pytest

from newsgrep.indexer.learnt_furniture import MIN_REPEATS
from tests.conftest import run_cli
from tests.generated_news import article, write_corpus
from tests.test_fault_safety import _files_in_index, _kill_at, _start

pytestmark = pytest.mark.slow  # some 30 real index runs, 20 of them killed

ARTICLES = 1_600
GROUPS = 100  # furniture lines, each carried by MIN_REPEATS - 1 files of the wire folder (content, until one more)


def _desk(group: int) -> str:
    name = "".join(chr(97 + (group // 26**place) % 26) for place in range(3))  # no digits: a candidate line
    return f"Filed by the {name} desk of the wire"


def _write_wire(root, rng, group: int, copy: int) -> None:
    folder = root / "wire"
    folder.mkdir(exist_ok=True)
    (folder / f"wire-{group:03d}-{copy}.txt").write_text(article(rng, 90_000 + group * 10 + copy) + _desk(group) + "\n")


def _change(root, rng, round_: int) -> None:
    """An incremental run's work: 120 changed, 60 removed and 120 new files."""
    files = sorted(p for p in root.glob("desk-*/*.txt"))
    start = (round_ * 300) % (len(files) - 300)
    for path in files[start : start + 120]:
        path.write_text(path.read_text() + f"\nA correction of round {round_} was appended.\n")
    for path in files[start + 120 : start + 180]:
        path.unlink()
    write_corpus(root, 120, seed=round_, start=50_000 + round_ * 120)


def _damage(root, index_dir, round_: int) -> None:
    """What `check --repair` mends: 100 files whose articles are gone from the index (the manifest still
    counts them), as a lost segment would leave them."""
    from whoosh import index as whoosh_index

    from newsgrep.store.layout import IndexDir, whoosh_path
    from newsgrep.store.schema import F

    files = sorted(str(p) for p in root.glob("desk-*/*.txt"))
    writer = whoosh_index.open_dir(str(whoosh_path(IndexDir(index_dir).current()))).writer()
    for path in files[round_ * 100 : round_ * 100 + 100]:
        writer.delete_by_term(F.FILE, path)
    writer.commit()


def _searchable(index_dir, after: str) -> None:
    if not (index_dir / "CURRENT").exists():
        return  # killed before the first commit: there is no index yet
    found = run_cli("search", "government", "--index", str(index_dir), "--json")
    assert found.returncode in (0, 1), f"after {after}: {found.stderr}"
    assert "error" not in found.stderr, f"after {after}: {found.stderr}"


def test_twenty_kills_over_builds_changes_rebuilds_refreshes_and_repairs_lose_nothing(tmp_path):
    import random

    root, index_dir = tmp_path / "news", tmp_path / "ix"
    write_corpus(root, ARTICLES, per_folder=500)
    rng = random.Random(18)
    for group in range(GROUPS):
        for copy in range(MIN_REPEATS - 1):
            _write_wire(root, rng, group, copy)
    options = ["--index", str(index_dir), "-q", "-j", "2", "--commit-every", "100"]
    alone = ["--index", str(index_dir), "-q", "-j", "1", "--commit-every", "100"]  # no worker start-up
    kills: list[str] = []

    def kill(args: list[str], point: str, what: str) -> None:
        before = time.monotonic()
        process = _start(*args)
        _kill_at(process, index_dir, point)
        if process.returncode == -9:
            kills.append(what)
        _searchable(index_dir, what)
        print(f"{what}: {'killed' if process.returncode == -9 else 'ended'} after {time.monotonic() - before:.1f} s")

    # a first build by worker processes, resumed after each kill
    for point in ("after:1.0", "toc:1", "toc:2", "toc:1", "toc:2"):
        kill(["index", str(root), *options], point, f"first build at {point}")
    assert run_cli("index", str(root), *options).returncode == 0

    # incremental runs with changed, removed and new files
    for round_, point in enumerate(("toc:1", "after:0.8", "toc:1", "toc:1", "toc:1")):
        _change(root, rng, round_)
        kill(["index", *alone], point, f"incremental run {round_} at {point}")

    # rebuilds: each killed one leaves the live index serving searches
    for point in ("after:1.5", "toc:1", "toc:2", "toc:1"):
        kill(["index", "--rebuild", *options], point, f"rebuild at {point}")

    # furniture refreshes: one more (or one less) file a group turns its line into furniture (or back), and
    # the group's other files are extracted again
    for turn, point in enumerate(("toc:1", "toc:1", "toc:1")):
        assert run_cli("index", *alone).returncode == 0  # the refresh is the next run's only work
        for group in range(GROUPS):
            extra = root / "wire" / f"wire-{group:03d}-{MIN_REPEATS - 1}.txt"
            if turn % 2 == 0:
                _write_wire(root, rng, group, MIN_REPEATS - 1)
            else:
                extra.unlink()
        kill(["index", *alone], point, f"furniture refresh {turn} at {point}")

    # check --repair, killed at its commit
    assert run_cli("index", *alone).returncode == 0
    for round_ in range(3):
        _damage(root, index_dir, round_)
        kill(["check", "--repair", "--index", str(index_dir)], "toc:1", f"check --repair {round_} at its commit")

    print(f"{len(kills)} kills survived: " + "; ".join(kills))
    assert len(kills) == 20, kills

    finished = run_cli("index", *alone)
    assert finished.returncode == 0, finished.stderr
    checked = run_cli("check", "--index", str(index_dir))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    files, duplicates = _files_in_index(index_dir)
    on_disk = {str(p) for p in root.rglob("*.txt")}
    assert files == on_disk and duplicates == 0
    stats = run_cli("stats", "--index", str(index_dir), "--json")
    import json

    assert json.loads(stats.stdout)["articles"] == len(on_disk), stats.stdout
    # the last refresh made the desks' lines furniture again: no wire article keeps its line
    shown = run_cli("search", f'"{_desk(7)}"', "--index", str(index_dir), "--json")
    assert shown.returncode == 1, shown.stdout
