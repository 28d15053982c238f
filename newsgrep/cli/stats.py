"""`newsgrep stats`: what the index holds."""

from __future__ import annotations

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats_command(index_dir, as_json):
    """Print what is indexed: articles, passages, roots, size on disk, last update."""
    from newsgrep.store.stats import index_stats

    printer(as_json).stats(index_stats(index_dir))
