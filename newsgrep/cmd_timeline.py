"""`newsgrep timeline`: matching articles per month (or day, or year), as a small chart."""

from __future__ import annotations

import json
import sys

import click

from newsgrep.cli import cli, index_option

BAR_WIDTH = 40


@cli.command("timeline")
@click.argument("query", nargs=-1, required=True)
@index_option
@click.option("--by", type=click.Choice(["day", "month", "year"]), default="month", show_default=True)
@click.option("--since", metavar="DATE", help="Only articles dated on or after DATE.")
@click.option("--until", metavar="DATE", help="Only articles dated on or before DATE.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: counts per period, undated, total.")
def timeline_command(query, index_dir, by, since, until, as_json):
    """How many articles match QUERY per month (or day, or year). Exit status: 0 some, 1 none, 2 error."""
    from search.timeline import timeline

    chart = timeline(" ".join(query), index_dir, by=by, since=since, until=until)
    if chart.fallback:
        click.echo("newsgrep: no article has all the words; counting articles with any of them", err=True)
    if as_json:
        click.echo(json.dumps(chart.to_dict()))
    else:
        peak = max((count for _, count in chart.counts), default=0)
        for label, count in chart.counts:
            bar = "█" * round(BAR_WIDTH * count / peak) if peak else ""
            if count and not bar:
                bar = "▏"
            click.echo(f"{label:<10} {bar} {count}")
        click.echo(f"{chart.total} matching articles, {chart.undated} undated")
    sys.exit(0 if chart.total else 1)
