"""`newsgrep show`: the article as it was extracted and indexed."""

from __future__ import annotations

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("show")
@click.argument("article")
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
def show_command(article, index_dir, as_json):
    """Print ARTICLE (an id from search results, or a file's path) as indexed: its fields and body."""
    from newsgrep.search.searcher import open_index

    with open_index(index_dir) as searcher:
        printer(as_json).articles(searcher.articles(article))
