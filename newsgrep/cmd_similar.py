"""`newsgrep similar`: articles about the same story or topic as a given one."""

from __future__ import annotations

import functools
import sys

import click

from newsgrep.cli import cli, index_option


@cli.command("similar")
@click.argument("article")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Articles to show.")
@click.option(
    "-k", "--passages", default=1, show_default=True, type=click.IntRange(1, 20), help="Passages per article."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article, as `search --json`.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def similar_command(article, index_dir, limit, passages, as_json, color):
    """Articles like ARTICLE (an id from search results, or a file's path): the same story or topic,
    near-duplicates first (marked "copy"). Exit status: 0 found, 1 none, 2 error."""
    from search.related import similar
    from search.render import render_human, render_json, use_color

    result = similar(article, index_dir, limit=limit, passages=passages)
    if as_json:
        render_json(result, click.echo)
    else:
        colored = use_color(color, sys.stdout)
        render_human(result, functools.partial(click.echo, color=colored), colored)
    sys.exit(0 if result.hits else 1)
