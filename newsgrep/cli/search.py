"""`newsgrep search`: ranked passages with highlighted matches, for people or as JSON lines; or the
files (-l), the count (-c) or editor positions (--vimgrep) of the matches."""

from __future__ import annotations

import sys

import click

from newsgrep.cli import cli, color_option, index_option, pager_option, printer


@cli.command("search")
@click.argument("query", nargs=-1, required=True, metavar="QUERY [PATH]...")
@index_option
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(1, 10000), help="Stories to show.")
@click.option(
    "-k", "--passages", default=3, show_default=True, type=click.IntRange(1, 20), help="Best passages per article."
)
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Skip this many stories first.")
@click.option("--or", "any_word", is_flag=True, help="Match articles with any of the words (default: all).")
@click.option("--since", metavar="DATE", help="Only articles dated on or after DATE (2009-07-16, 2009-07).")
@click.option("--until", metavar="DATE", help="Only articles dated on or before DATE (the whole period).")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "-date"]),
    default="relevance",
    show_default=True,
    help="Order: best first; date: newest first; -date: oldest first.",
)
@click.option("-r", "--reverse", is_flag=True, help="Reverse the order (relevance: best last).")
@click.option("-g", "--glob", "globs", multiple=True, metavar="GLOB", help="Only files matching GLOB (!GLOB: not).")
@click.option("--no-collapse", is_flag=True, help="Show every report of a story as a hit of its own.")
@click.option("--by", type=click.Choice(["source"]), help="Also count the matching articles per source.")
@click.option("-l", "--files-with-matches", "files_only", is_flag=True, help="Print only the matching files.")
@click.option("-c", "--count", "count_only", is_flag=True, help="Print only the number of matching articles.")
@click.option("--vimgrep", is_flag=True, help="Print path:line:column:passage for each passage shown.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article, then a summary.")
@click.option("--plain", is_flag=True, help="No colour and no **marks** around matches.")
@click.option(
    "--passage-chars",
    default=320,
    show_default=True,
    type=click.IntRange(40),
    help="Characters of each passage shown.",
)
@click.option(
    "--timeout",
    default=None,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="Stop after SECONDS with the best found by then (default 2; 0: no limit).",
)
@color_option
@pager_option
def search_command(
    query,
    index_dir,
    limit,
    passages,
    offset,
    any_word,
    since,
    until,
    sort,
    reverse,
    globs,
    no_collapse,
    by,
    files_only,
    count_only,
    vimgrep,
    as_json,
    plain,
    passage_chars,
    timeout,
    color,
    pager,
):
    """Search the index for QUERY and print the best stories with their best
    passages; with PATHs (files or folders), only articles from files there.

    \b
    QUERY: words (all must match), "exact phrases", AND OR NOT |, (groups),
    +word (required) -word (excluded), title:word source:bbc path:bbc/sport
    date:2009-07 date:[2009-07-01 TO 2009-07-31] negotiat* calderon~
    Exit status: 0 if something matched, 1 if nothing did, 2 on error.
    """
    from newsgrep.render.pager import paged
    from newsgrep.search.scope import query_and_paths
    from newsgrep.search.searcher import open_index

    text, paths = query_and_paths(query)
    where = {"paths": paths, "globs": globs, "since": since, "until": until, "operator": "or" if any_word else "and"}
    show = printer(as_json, color, plain=plain, passage_chars=passage_chars)
    with open_index(index_dir) as searcher:
        if count_only:
            count = searcher.count(text, **where)
            show.count(count)
            sys.exit(0 if count else 1)
        if files_only:
            files = searcher.files(text, sort=sort, reverse=reverse, **where)
            with paged(pager and not as_json):
                show.files(files)
            sys.exit(0 if files else 1)
        result = searcher.search(
            text,
            limit=limit,
            passages=passages,
            offset=offset,
            sort=sort,
            reverse=reverse,
            collapse=not no_collapse,
            facets=(by,) if by else (),
            timeout=timeout,
            **where,
        )
    if result.missing_shards:
        from newsgrep.render import notes

        notes.missing_shards(result.missing_shards)
    if vimgrep:
        from newsgrep.search.locate import locate_hits

        locate_hits(result.hits)
        show.vimgrep(result)
    else:
        with paged(pager and not as_json):
            show.search(result)
    sys.exit(0 if result.hits else 1)
