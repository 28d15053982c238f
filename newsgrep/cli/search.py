"""`newsgrep search`: ranked passages with highlighted matches, for people or as JSON lines."""

from __future__ import annotations

import sys

import click

from newsgrep.cli import cli, color_option, index_option, printer


@cli.command("search")
@click.argument("query", nargs=-1, required=True)
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 10000), help="Articles to show.")
@click.option(
    "-k", "--passages", default=3, show_default=True, type=click.IntRange(1, 20), help="Best passages per article."
)
@click.option("--or", "any_word", is_flag=True, help="Match articles with any of the words (default: all of them).")
@click.option("--since", metavar="DATE", help="Only articles dated on or after DATE (2009-07-16, 2009-07, 2009).")
@click.option("--until", metavar="DATE", help="Only articles dated on or before DATE (the whole day, month or year).")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Order of the hits (date: newest first).",
)
@click.option(
    "--no-collapse", is_flag=True, help="Show copies and other outlets' reports of a story as hits of their own."
)
@click.option("--by", "by", type=click.Choice(["source"]), help="Also count the matching articles per source.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article, in rank order, then a summary.")
@color_option
def search_command(query, index_dir, limit, passages, any_word, since, until, sort, no_collapse, by, as_json, color):
    """Search the index for QUERY and print the best articles with their best passages.

    \b
    Query syntax (Whoosh's): words (all must match), "exact phrases", AND OR NOT, (groups),
    title:word  source:bbc  date:2009-07  date:[2009-07-01 TO 2009-07-31]  negotiat*  calderon~
    Exit status: 0 if something matched, 1 if nothing did, 2 on error.
    """
    from newsgrep.search.searcher import open_index

    with open_index(index_dir) as searcher:
        result = searcher.search(
            " ".join(query),
            limit=limit,
            passages=passages,
            operator="or" if any_word else "and",
            since=since,
            until=until,
            sort=sort,
            collapse=not no_collapse,
            facets=(by,) if by else (),
        )
    printer(as_json, color).search(result)
    sys.exit(0 if result.hits else 1)
