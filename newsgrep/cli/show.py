"""`newsgrep show`: the article as it was extracted and indexed."""

from __future__ import annotations

import click

from newsgrep.cli import cli, index_option, pager_option, printer


@cli.command("show")
@click.argument("article")
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@pager_option
def show_command(article, index_dir, as_json, pager):
    """Print ARTICLE (an id from search results, or its first digits, or a
    file's path) as indexed: its fields and body."""
    from newsgrep.render.pager import paged
    from newsgrep.search.searcher import open_index

    with open_index(index_dir) as searcher:
        articles = searcher.articles(article)
    with paged(pager and not as_json):
        printer(as_json).articles(articles)
