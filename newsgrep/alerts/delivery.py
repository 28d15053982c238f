"""Delivering what the outbox holds: each hit shown once in a run's output, and given as JSON on its
standard input to the alert's command until the command succeeds (a failing command is reported and
its hit kept to retry on the next run; it never fails the indexing run)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

from newsgrep.alerts.hits import AlertHit
from newsgrep.store.alerts import AlertStore

COMMAND_SECONDS = 60  # an alert's command that runs longer is stopped, its hit kept to retry


def deliver(store: AlertStore, show: Callable[[list[AlertHit]], None], problems: list[str]) -> list[AlertHit]:
    """Shows the hits not yet shown (`show` prints them), then runs the commands not yet run; returns
    the hits shown. A kill anywhere here leaves the outbox saying what is still to do."""
    pending = store.pending()
    shown = [item for item in pending if not item.shown]
    hits = [AlertHit.from_dict(item.hit) for item in shown]
    if hits:
        show(hits)
        store.mark_shown([item.number for item in shown])
    commands = {alert.name: alert.exec for alert in store.alerts()}
    for item in pending:
        if item.ran:
            continue
        command = commands.get(item.alert)
        if not command:  # the command was taken off the alert meanwhile: nothing to run
            store.mark_ran(item.number, None)
            continue
        error = run_command(command, item.hit)
        store.mark_ran(item.number, error)
        if error:
            problems.append(f"alert {item.alert!r}: {error}; the hit is kept to retry on the next run")
    return hits


def run_command(command: str, hit: dict) -> str | None:
    """Runs `command` (a shell command line) with the hit as JSON on its standard input; None when it
    succeeded, else what went wrong, in one line."""
    try:
        done = subprocess.run(
            command,
            shell=True,
            input=json.dumps(hit, ensure_ascii=False) + "\n",
            text=True,
            capture_output=True,
            timeout=COMMAND_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return f"command {command!r} ran longer than {COMMAND_SECONDS} s"
    except OSError as exc:
        return f"command {command!r} could not start: {exc}"
    if done.returncode:
        said = " ".join(done.stderr.split())[:200]
        return f"command {command!r} failed (exit {done.returncode}{': ' + said if said else ''})"
    return None
