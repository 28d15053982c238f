"""The command line on a real terminal (a pseudo-terminal driven by pexpect): output wrapped at its
width with indented continuation lines, a pager when the output is taller than the terminal (git's
way: less -FRX, $PAGER, --no-pager), and the progress bar of `newsgrep index` within 40 columns."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from tests.conftest import run_cli  # noqa: E402
from tests.newsroom import make_newsroom  # noqa: E402

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")


def screen(*args: str, rows: int, columns: int, cwd: Path, env: dict | None = None, keys: str = "") -> str:
    """Runs `newsgrep ARGS` on a terminal of that size and returns all it wrote (escapes removed)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "NEWSGREP_INDEX", "COLUMNS", "LINES")}
    environment.update({"TERM": "xterm", **(env or {})})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "newsgrep", *args],
        cwd=str(cwd),
        env=environment,
        dimensions=(rows, columns),
        encoding="utf-8",
        timeout=120,
    )
    if keys:
        child.expect(r"\S")  # something is on the screen: the pager waits for a key
        child.send(keys)
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    return _ESCAPES.sub("", output).replace("\r\n", "\n")


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("terminal")
    news = make_newsroom(root)
    for number in range(12):  # enough hits to fill a small terminal
        (news / "wikinews" / f"more{number}.txt").write_text(
            f"Government report {number}\n\nThe government published report number {number} on spending "
            "and schools, which the opposition called late, thin and expensive, and which ministers defended "
            "at length in a debate that ran until midnight.\n"
        )
    assert run_cli("index", "news", cwd=root).returncode == 0
    return root


@pytest.fixture
def fake_pager(tmp_path) -> str:
    """A pager that says it ran, then shows what it was given."""
    script = tmp_path / "pager.sh"
    script.write_text('#!/bin/sh\necho "PAGER RAN LESS=$LESS"\ncat\n')
    script.chmod(0o755)
    return str(script)


def test_output_is_wrapped_at_the_terminal_width_with_indented_continuations(newsroom):
    shown = screen(
        "search", "government report", "-n", "3", "--no-collapse", "--no-pager", rows=40, columns=50, cwd=newsroom
    )
    lines = [line for line in shown.splitlines() if line.strip()]
    assert max(len(line) for line in lines) <= 50
    hits = [i for i, line in enumerate(lines) if re.match(r"\d+\. ", line)]
    assert len(hits) == 3
    passage = lines[hits[0] + 2 : hits[1]]  # after the title and the metadata line
    assert len(passage) >= 3 and all(line.startswith("   ") for line in passage)
    words = " ".join(line.strip() for line in passage).replace("…", "")
    assert "which the opposition called late, thin and expensive" in words  # no word cut in two
    assert "government" in shown and "\x1b" not in shown


def test_a_pager_shows_output_taller_than_the_terminal(newsroom, fake_pager):
    tall = screen(
        "search",
        "government",
        "-n",
        "10",
        "--no-collapse",
        rows=12,
        columns=80,
        cwd=newsroom,
        env={"PAGER": fake_pager},
    )
    assert tall.startswith("PAGER RAN LESS=FRX") and "10 of 1" in tall
    short = screen("search", "okapi", rows=40, columns=80, cwd=newsroom, env={"PAGER": fake_pager})
    assert "PAGER RAN" not in short and "okapi" in short
    off = screen(
        "search",
        "government",
        "-n",
        "10",
        "--no-collapse",
        "--no-pager",
        rows=12,
        columns=80,
        cwd=newsroom,
        env={"PAGER": fake_pager},
    )
    assert "PAGER RAN" not in off and "10 of 1" in off
    mine = screen(
        "search",
        "government",
        "-n",
        "10",
        "--no-collapse",
        rows=12,
        columns=80,
        cwd=newsroom,
        env={"PAGER": "false", "NEWSGREP_PAGER": fake_pager, "LESS": "S"},
    )
    assert mine.startswith("PAGER RAN LESS=S")


def test_the_pager_comes_from_the_config_file_too(newsroom, fake_pager, tmp_path):
    (tmp_path / "newsgrep").mkdir()
    (tmp_path / "newsgrep" / "config.toml").write_text("pager = false\n[search]\nlimit = 2\n")
    shown = screen(
        "search",
        "government",
        "--no-collapse",
        rows=12,
        columns=80,
        cwd=newsroom,
        env={"PAGER": fake_pager, "XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert "PAGER RAN" not in shown and "2 of 15 matching articles" in shown


@pytest.mark.skipif(shutil.which("less") is None, reason="less is not installed")
def test_real_less_pages_and_quits(newsroom):
    shown = screen(
        "search",
        "government",
        "-n",
        "10",
        "--no-collapse",
        rows=12,
        columns=80,
        cwd=newsroom,
        env={"PAGER": "less"},
        keys="q",
    )
    assert "1. " in shown and "10 of" not in shown  # one screen shown, then q


@pytest.mark.slow
def test_the_progress_bar_covers_every_phase_within_40_columns(tmp_path):
    root = tmp_path / "many"
    root.mkdir()
    for number in range(300):
        (root / f"{number}.txt").write_text(
            f"Story {number}\n\n" + " ".join(f"Paragraph word{number} number {i}." for i in range(300)) + "\n"
        )
    output = screen("index", str(root), "--index", str(tmp_path / "ix"), "-j", "1", rows=24, columns=40, cwd=tmp_path)
    frames = [frame.strip() for frame in re.split(r"[\r\n]", output) if frame.strip()]
    bars = [frame for frame in frames if not frame.startswith("indexed ")]
    assert bars and max(len(frame) for frame in bars) <= 40
    phases = {frame.split()[0] for frame in bars}
    assert {"reading", "writing", "committing"} <= phases, phases
    assert any("ETA" in frame for frame in bars)
