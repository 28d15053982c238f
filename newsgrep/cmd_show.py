"""`newsgrep show`: the article as it was extracted and indexed."""

from __future__ import annotations

import json

import click

from newsgrep.cli import cli, index_option


@cli.command("show")
@click.argument("article")
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
def show_command(article, index_dir, as_json):
    """Print ARTICLE (an id from search results, or a file's path) as indexed: its fields and body."""
    from search.articles import stored_articles
    from search.render import display_path, printable
    from search.results import iso_date

    for stored in stored_articles(article, index_dir):
        if as_json:
            click.echo(json.dumps(stored.to_dict(), ensure_ascii=False))
            continue
        rows = [
            ("id", stored.id),
            ("path", display_path(stored.path, stored.key)),
            ("title", stored.title),
            ("date", iso_date(stored.date) or "-"),
            ("source", stored.source or "-"),
            ("byline", stored.byline or "-"),
            ("passages", str(stored.passages)),
        ]
        for name, value in rows:
            click.echo(f"{name:<9} {printable(value)}")
        click.echo("")
        click.echo(printable(stored.body))
        click.echo("")
