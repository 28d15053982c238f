"""`newsgrep timeline`: matching articles per month (or day, or year), as a small chart."""

from __future__ import annotations

import sys

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("timeline")
@click.argument("query", nargs=-1, required=True)
@index_option
@click.option(
    "--by", type=click.Choice(["day", "month", "year"]), default="month", show_default=True, help="Count per period."
)
@click.option("--since", metavar="DATE", help="Only articles dated on or after DATE.")
@click.option("--until", metavar="DATE", help="Only articles dated on or before DATE.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: counts per period, undated, total.")
def timeline_command(query, index_dir, by, since, until, as_json):
    """How many articles match QUERY per month (or day, or year), empty periods
    included (from --since to --until when given). Exit status: 0 some, 1 none,
    2 error."""
    from newsgrep.search.searcher import open_index

    with open_index(index_dir) as searcher:
        chart = searcher.timeline(" ".join(query), by=by, since=since, until=until)
    printer(as_json).timeline(chart)
    sys.exit(0 if chart.total else 1)
