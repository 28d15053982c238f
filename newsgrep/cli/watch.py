"""`newsgrep watch`: keep the index up to date as articles arrive, change and go."""

from __future__ import annotations

import signal
import threading

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("watch")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option(
    "--debounce",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0.05),
    help="Seconds of quiet before indexing a burst of changes.",
)
@click.option(
    "--settle",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Files modified more recently than this are still being written: wait for them (not for web archives "
    "and JSON Lines feeds being appended to: their complete records are indexed).",
)
@click.option(
    "--max-wait",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.05),
    help="Index at the latest this many seconds after a change, even if changes go on (a crawler appending).",
)
def watch_command(paths, index_dir, debounce, settle, max_wait):
    """Index PATHS (or the remembered roots), then keep indexing new, changed and removed articles until
    interrupted. Ctrl-C lets a run in progress commit, then exits."""
    from newsgrep.cli.alert import check_alerts
    from newsgrep.indexer.watch import watch

    show = printer()

    def report_and_alert(report) -> None:
        show.watch_report(report)
        check_alerts(report.index)

    stop = threading.Event()

    def interrupted(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        click.echo("newsgrep: stopping after the current run (Ctrl-C again to abort)", err=True)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)

    click.echo("newsgrep: watching; Ctrl-C to stop", err=True)
    watch(
        list(paths) or None,
        index_dir,
        debounce=debounce,
        settle=settle,
        stop=stop,
        on_report=report_and_alert,
        max_wait=max_wait,
    )
    click.echo("newsgrep: stopped", err=True)
