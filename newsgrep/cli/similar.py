"""`newsgrep similar`: articles about the same story or topic as a given one."""

from __future__ import annotations

import sys

import click

from newsgrep.cli import cli, color_option, index_option, pager_option, printer


@cli.command("similar")
@click.argument("article")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Articles to show.")
@click.option(
    "-k", "--passages", default=1, show_default=True, type=click.IntRange(1, 20), help="Passages per article."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article, as `search --json`.")
@color_option
@pager_option
def similar_command(article, index_dir, limit, passages, as_json, color, pager):
    """Articles like ARTICLE (an id from search results, or its first digits,
    or a file's path): the same story or topic, near-duplicates first (marked
    "copy"). Exit status: 0 found, 1 none, 2 error."""
    from newsgrep.render.pager import paged
    from newsgrep.search.searcher import open_index

    with open_index(index_dir) as searcher:
        result = searcher.similar(article, limit=limit, passages=passages)
    with paged(pager and not as_json):
        printer(as_json, color).search(result)
    sys.exit(0 if result.hits else 1)
