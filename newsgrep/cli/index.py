"""`newsgrep index`: build the index, or bring it up to date with its roots."""

from __future__ import annotations

import sys
from typing import Any

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Start from scratch (the old index serves searches until done).")
@click.option("--wait", is_flag=True, help="If another newsgrep is writing the index, wait for it instead of failing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@click.option(
    "--commit-every",
    default=30_000,
    show_default=True,
    type=click.IntRange(1),
    help="Commit after this many files (at most 10,000 without worker processes): a run that dies loses at "
    "most what it did since its last commit.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Indexing processes beside this one (default: one per core for runs of 1,000 files or more; 1: none).",
)
def index_command(paths, index_dir, rebuild, wait, as_json, quiet, commit_every, jobs):
    """Index PATHS (folders or files of articles), or re-scan the folders the index remembers.

    Only new, changed and removed files are touched. Files that cannot be read are reported and
    skipped. With no PATHS and no index yet, the bundled ./corpus is indexed.
    """
    from newsgrep.indexer.build import build_index

    with _progress(enabled=not (quiet or as_json) and sys.stderr.isatty()) as progress:
        report = build_index(
            list(paths) or None,
            index_dir,
            rebuild=rebuild,
            wait=float("inf") if wait else None,
            progress=progress,
            commit_every=commit_every,
            processes=jobs,
        )
    printer(as_json).index_report(report, quiet=quiet)


class _progress:
    """A progress bar on stderr, created when the first file is done (the total is known then)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar: Any = None
        self.shown = 0

    def __enter__(self):
        return self.update if self.enabled else None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < 50:
                return
            self.bar = click.progressbar(length=total, label="indexing", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False
