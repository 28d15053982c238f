"""`newsgrep check`: verify the index against its roots and manifest; `--repair` fixes what it can."""

from __future__ import annotations

import json
import sys

import click

from newsgrep.cli import cli, index_option

_KINDS = (
    ("missing", "not indexed"),
    ("stale", "changed since indexed"),
    ("extra", "indexed, but not in the manifest or gone"),
    ("mismatched", "article count differs between manifest and index"),
    ("duplicates", "article ids indexed more than once"),
    ("damaged", "unreadable index data"),
)


@cli.command("check")
@index_option
@click.option("--repair", is_flag=True, help="Re-index what is missing, stale or doubtful; rebuild a damaged index.")
@click.option("--wait", is_flag=True, help="Wait for a running `newsgrep index` instead of failing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def check_command(index_dir, repair, wait, as_json):
    """Check the index against the files under its roots. Exit status: 0 consistent (or repaired),
    1 problems found, 2 error."""
    from indexer.check import check_index
    from search.render import display_path

    report = check_index(index_dir, repair=repair, wait=float("inf") if wait else None)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for name, meaning in _KINDS:
            paths = getattr(report, name)
            if paths:
                click.echo(f"{name} ({meaning}): {len(paths)}")
                for path in paths[:20]:
                    click.echo(f"  {display_path(path)}")
                if len(paths) > 20:
                    click.echo(f"  ... and {len(paths) - 20} more")
        state = "consistent" if report.ok else "NOT consistent"
        repaired = " after repair" if report.repaired else ""
        click.echo(f"{display_path(report.index)}: {report.articles} articles, {report.files} files: {state}{repaired}")
    sys.exit(0 if report.ok else 1)
