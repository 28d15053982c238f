"""The code under test: this checkout's path and git state, and the environment of every child process
(the checkout first on PYTHONPATH, so that the code measured is the code beside the benchmark)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCT_FOLDERS = ("indexer", "search", "newsgrep")  # a change under these makes the run "+dirty"


def child_env() -> dict[str, str]:
    """This process's environment with the checkout first on PYTHONPATH, no colour and no default index."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env["NO_COLOR"] = "1"
    env.pop("NEWSGREP_INDEX", None)
    return env


def newsgrep_command(given: str | None) -> list[str]:
    """The newsgrep command: as given, else the script beside this Python, else `python -m newsgrep`."""
    if given:
        return shlex.split(given)
    script = Path(sys.executable).parent / "newsgrep"
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsgrep"]


def git_state() -> str:
    """The checkout's short commit hash, with "+dirty" when the product's files differ from it ("?": no git)."""
    commit = _git(["rev-parse", "--short", "HEAD"]) or "?"
    dirty = _git(["status", "--porcelain", "--", *PRODUCT_FOLDERS])
    return commit + ("+dirty" if dirty else "")


def _git(args: list[str]) -> str:
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
