"""Shared fixtures: small real corpora on disk, indexes built with the real indexer, the shared data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHARED = Path(os.environ.get("NEWSGREP_SHARED", REPO.parent / "shared"))
SEEDS = CORPUS / "seeds"


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
