"""A small newsroom on disk for the command-line tests of searching the way people type: a generic root
(`news/`) holding outlets' folders, stop words that are names, a Markdown note and files of formats
newsgrep does not read."""

from __future__ import annotations

from pathlib import Path

ARTICLES = {
    "bbc/sport/fined.txt": (
        "Mourinho fined by FA\n\n"
        "Chelsea boss Jose Mourinho was fined on Tuesday after his remarks about the referee.\n\n"
        "The Portuguese manager said he would not appeal."
    ),
    "bbc/sport/derby.txt": (
        "Chelsea win the derby\n\nChelsea beat Arsenal two goals to one at Stamford Bridge on Sunday.\n\n"
        "The home side led from the first minute."
    ),
    "bbc/business/shares.txt": (
        "Manager buys club shares\n\nJose Mourinho bought shares in a Lisbon club, his agent said.\n\n"
        "The deal was small."
    ),
    "wikinews/concert.txt": (
        "Rock band reunites in London\n\n"
        "The Who played their first concert in ten years on Saturday, and the crowd sang along.\n\n"
        '"To be or not to be," the actor said before the encore, quoting Hamlet.'
    ),
    "wikinews/economy.txt": (
        "US economy grows\n\n"
        "The US economy grew faster than expected in May, the Commerce Department said on Friday.\n\n"
        "Nobody knows who will lead the central bank next year."
    ),
    "wikinews/prize.txt": (
        "Prize for economists\n\n"
        "Two economists who studied the economy of Europe won the prize, the committee said.\n\n"
        "It is not known who nominated them."
    ),
    "wikinews/governess.txt": (
        "A life in music\n\nShe was raised by a governess in Monte Carlo and played the violin at five."
    ),
    "wikinews/budget.txt": (
        "Budget approved\n\nThe government approved the budget on Monday.\n\nThe government said taxes would not rise."
    ),
    "wikinews/spending.txt": ("Spending plans\n\nThe government plans to spend more on schools, the minister said."),
    "wikinews/election.txt": ("Election called\n\nThe government called an election for the spring, officials said."),
    "notes/interview.md": "# Interview notes\n\nThe minister spoke about the okapi census in the forest.",
}
IGNORED = {
    "docs/report.odt": b"PK\x03\x04 writer",
    "docs/a.key": b"keynote",
    "docs/b.key": b"keynote",
}  # formats not read


def make_newsroom(root: Path) -> Path:
    """Writes the newsroom under root/news and returns that folder."""
    news = root / "news"
    for name, text in ARTICLES.items():
        path = news / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    for name, data in IGNORED.items():
        path = news / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return news


class Ran:
    """What a command did: exit status and output, as subprocess.CompletedProcess names them."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def invoke(*args: str, cwd: Path | None = None, env: dict | None = None) -> Ran:
    """`newsgrep ARGS` run by click's CliRunner in this process (the real commands, no interpreter to
    start), in `cwd`."""
    import os

    from click.testing import CliRunner

    from newsgrep.cli import load_commands

    here = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            load_commands(),
            list(args),
            env={"NO_COLOR": None, "NEWSGREP_INDEX": None, "COLUMNS": "80", **(env or {})},
            prog_name="newsgrep",
        )
    finally:
        os.chdir(here)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)
