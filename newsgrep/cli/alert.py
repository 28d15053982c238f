"""`newsgrep alert`: saved searches run against every batch of new articles (add, list, remove, run)."""

from __future__ import annotations

import sys

import click

from newsgrep.cli import cli, index_option


@cli.group("alert")
def alert_group():
    """Saved searches that `newsgrep index` and `watch` run against every
    batch of new or changed articles, reporting each article once.

    \b
      newsgrep alert add familia '"La Familia"'   report new articles about it
      newsgrep alert add cartel cartel --exec 'notify-send newsgrep'
      newsgrep alert list
      newsgrep alert run familia --since 'last week'   replay over a period
      newsgrep alert remove familia
    """


@alert_group.command("add", short_help="Save a search as an alert.")
@click.argument("name")
@click.argument("query", nargs=-1, required=True, metavar="QUERY [PATH]...")
@index_option
@click.option("--or", "any_word", is_flag=True, help="Match articles with any of the words (default: all).")
@click.option("--since", metavar="DATE", help="Only articles dated on or after DATE (2009-07-16, 'last week').")
@click.option("--until", metavar="DATE", help="Only articles dated on or before DATE.")
@click.option("-g", "--glob", "globs", multiple=True, metavar="GLOB", help="Only files matching GLOB (!GLOB: not).")
@click.option(
    "--exec",
    "command",
    metavar="CMD",
    help="Run CMD (a shell command) for each new article, the hit as JSON on its standard input.",
)
def alert_add(name, query, index_dir, any_word, since, until, globs, command):
    """Save QUERY (search's syntax; with PATHs, only articles from files
    there) as the alert NAME. Articles indexed from now on that match it are
    reported by `newsgrep index` and `watch`; those already indexed are not."""
    from newsgrep import alerts
    from newsgrep.search.scope import query_and_paths

    text, paths = query_and_paths(query)
    alert = alerts.add(
        index_dir,
        name,
        text,
        since=since,
        until=until,
        paths=paths,
        globs=globs,
        operator="or" if any_word else "and",
        command=command,
    )
    click.echo(f"newsgrep: alert {alert.name!r} saved", err=True)


@alert_group.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per alert.")
def alert_list(index_dir, as_json):
    """List the alerts, with how many articles each has fired for."""
    from newsgrep import alerts
    from newsgrep.render.alerts import AlertPrinter

    AlertPrinter(as_json).alerts(alerts.listed(index_dir))


@alert_group.command("remove")
@click.argument("name")
@index_option
def alert_remove(name, index_dir):
    """Remove the alert NAME (and its memory of what it fired)."""
    from newsgrep import alerts

    alerts.remove(index_dir, name)
    click.echo(f"newsgrep: alert {name!r} removed", err=True)


@alert_group.command("run", short_help="Deliver what is pending; replay an alert over a period.")
@click.argument("name", required=False)
@index_option
@click.option("--since", metavar="WHEN", help="Replay over articles indexed since WHEN ('last week', 2024-05-01).")
@click.option("--until", metavar="WHEN", help="... and until WHEN.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
def alert_run(name, index_dir, since, until, as_json):
    """Deliver what is pending (articles indexed since the alerts last ran,
    commands that failed), then replay alert NAME (or every alert) over the
    articles indexed since WHEN (default: since the alert was added): those
    it matches are listed, nothing is fired again.
    Exit status: 0 if something matched, 1 if nothing did, 2 on error."""
    from newsgrep import alerts
    from newsgrep.render.alerts import AlertPrinter

    show = AlertPrinter(as_json)
    run = alerts.check_new(index_dir, show.new_hits)
    show.problems(run.problems)
    hits = alerts.replay(index_dir, name, since, until)
    show.replayed(hits)
    sys.exit(0 if hits else 1)


def check_alerts(index_dir, as_json: bool = False) -> None:
    """The alert step after an indexing run (`index`, each run of `watch`): new hits and problems shown."""
    from newsgrep import alerts
    from newsgrep.render.alerts import AlertPrinter

    show = AlertPrinter(as_json)
    run = alerts.check_new(index_dir, show.new_hits)
    show.problems(run.problems)
