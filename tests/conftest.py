"""Shared fixtures: small real corpora on disk, indexes built with the real indexer, the shared data."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = Path(os.environ.get("NEWSGREP_SHARED", REPO.parent / "shared"))
SEEDS = CORPUS / "seeds"


# The test files that take longest (minutes each), started first: with `-n 2 --dist loadfile
# --no-loadscope-reorder` (the README's test command) the two processes then end together, instead of one
# running the fuzz alone at the end while the other is idle.
LONGEST_FIRST = ("test_query_fuzz.py", "test_sigkill_points.py")


def pytest_collection_modifyitems(items) -> None:
    last = len(LONGEST_FIRST)
    items.sort(key=lambda item: LONGEST_FIRST.index(item.path.name) if item.path.name in LONGEST_FIRST else last)


def needs_shared(*parts: str) -> Path:
    """The path under ../shared, or a clean skip when the shared data is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable corpus: the two seeds and 20 of the bundled Wikinews articles."""
    root = tmp_path / "articles"
    shutil.copytree(SEEDS, root / "seeds")
    (root / "wikinews").mkdir()
    for path in sorted((CORPUS / "wikinews").glob("*.txt"))[:20]:
        shutil.copy(path, root / "wikinews" / path.name)
    return root


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def built(corpus: Path, index_dir: Path) -> Path:
    from newsgrep.indexer.build import build_index

    build_index([str(corpus)], index_dir)
    return index_dir


def segmented_corpus_index(tmp_path: Path) -> Path:
    """The bundled corpus indexed in several segments, then 15 of its files removed: an index whose
    segments hold deleted documents (what a fast path must read as Whoosh reads it)."""
    from newsgrep.indexer.build import build_index

    root = tmp_path / "articles"
    shutil.copytree(CORPUS, root)
    index_dir = tmp_path / "index"
    build_index([str(root)], index_dir, processes=1, commit_every=60)  # several segments
    for path in sorted((root / "wikinews").glob("*.txt"))[:15]:
        path.unlink()  # deleted documents in the segments
    build_index(None, index_dir, processes=1)
    return index_dir


def interruptible() -> None:
    """`preexec_fn` for a child the test will Ctrl-C: SIGINT back to its default, so that Python raises
    KeyboardInterrupt in it (a test run started in the background of a shell inherits SIGINT ignored,
    and a child started so would ignore the test's SIGINT)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120):
    """The real command line in a subprocess: `python -m newsgrep ARGS`."""
    full_env = {**os.environ, "NO_COLOR": "", **(env or {})}
    full_env.pop("NEWSGREP_INDEX", None) if env is None or "NEWSGREP_INDEX" not in env else None
    return subprocess.run(
        [sys.executable, "-m", "newsgrep", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def search(query: str, index_dir, **options):
    """One search on a freshly opened Searcher (the CLI's way: open, ask, close)."""
    from newsgrep import open_index

    with open_index(index_dir) as searcher:
        return searcher.search(query, **options)


def json_hits(stdout: str) -> tuple[list[dict], dict]:
    """`search --json` output: (the hit records, the summary record that ends it)."""
    import json

    records = [json.loads(line) for line in stdout.splitlines()]
    assert records and set(records[-1]) == {"summary"}, "search --json ends with a summary record"
    return [r for r in records[:-1] if "facets" not in r], records[-1]["summary"]


SLACK = 3  # tracemalloc slows Python code several times, and the 2 cores are shared: bounds catch runaway work


@contextmanager
def bounded(seconds: float, megabytes: float | None = None):
    """Asserts that the block ran within `seconds` (times SLACK) and (when given) allocated at most
    `megabytes` at its peak (Python allocations, tracemalloc; C libraries' own buffers are checked by the
    growth of the resident set)."""
    import resource
    import time
    import tracemalloc

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if megabytes is not None:
        tracemalloc.start()
    start = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - start
        peak = 0.0
        if megabytes is not None:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert elapsed < seconds * SLACK, f"took {elapsed:.2f} s (bound {seconds} s x {SLACK})"
    if megabytes is not None:
        assert peak < megabytes, f"peak {peak:.1f} MB allocated (bound {megabytes} MB)"
        assert rss_growth < megabytes + 100, f"resident memory grew by {rss_growth:.0f} MB"


@pytest.fixture(scope="session")
def arts():
    """Three Wikinews articles of the bundled corpus, for the format tests (tests.format_builders)."""
    from tests import format_builders

    return format_builders.articles()
