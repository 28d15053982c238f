"""`newsgrep check`: verify the index against its roots and manifest; `--repair` fixes what it can."""

from __future__ import annotations

import sys

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("check")
@index_option
@click.option("--repair", is_flag=True, help="Re-index what is missing, stale or doubtful; rebuild a damaged index.")
@click.option("--verify", is_flag=True, help="Also hash every file: finds edits that kept size and mtime.")
@click.option("--wait", is_flag=True, help="Wait for a running `newsgrep index` instead of failing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def check_command(index_dir, repair, verify, wait, as_json):
    """Check the index against the files under its roots. Exit status: 0 consistent (or repaired),
    1 problems found, 2 error."""
    from newsgrep.indexer.check import check_index

    report = check_index(index_dir, repair=repair, wait=float("inf") if wait else None, verify=verify)
    printer(as_json).check(report)
    sys.exit(0 if report.ok else 1)
