"""The alerts' printer, for people and for scripts: new hits (on stderr for people, beside an indexing
run's report; JSON lines `{"alert": {...}}` on stdout with --json), replays, and the list of alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from newsgrep.render.json_lines import json_line
from newsgrep.render.text import display_path, plural, printable

if TYPE_CHECKING:
    from newsgrep.alerts.hits import AlertHit
    from newsgrep.store.alerts import Alert


class AlertPrinter:
    def __init__(self, as_json: bool = False):
        self.as_json = as_json

    def new_hits(self, hits: list[AlertHit]) -> None:
        """Hits an indexing run fired: "alert 'familia': 2 new articles", then a line each."""
        if self.as_json:
            for hit in hits:
                click.echo(json_line({"alert": hit.to_dict()}))
            return
        for line in _lines(hits, "new "):
            click.echo(f"newsgrep: {line}" if not line.startswith(" ") else line, err=True)

    def replayed(self, hits: list[AlertHit]) -> None:
        if self.as_json:
            for hit in hits:
                click.echo(json_line({"alert": hit.to_dict()}))
            return
        for line in _lines(hits, ""):
            click.echo(line)

    def problems(self, problems: list[str]) -> None:
        for problem in problems:
            click.echo(f"newsgrep: {problem}", err=True)

    def alerts(self, alerts: list[tuple[Alert, int]]) -> None:
        if self.as_json:
            for alert, fired in alerts:
                click.echo(json_line({**alert.to_dict(), "fired": fired}))
            return
        if not alerts:
            click.echo("no alerts (add one with `newsgrep alert add NAME QUERY`)", err=True)
        for alert, fired in alerts:
            options = alert.options
            where = [f"--{name} {options[name]}" for name in ("since", "until") if options.get(name)]
            where += [display_path(p) for p in options.get("paths", ())]
            where += [f"-g {g}" for g in options.get("globs", ())]
            where += ["--or"] if options.get("operator") == "or" else []
            where += [f"--exec {alert.exec!r}"] if alert.exec else []
            extra = f"  {' '.join(where)}" if where else ""
            click.echo(f"{alert.name}  {alert.query}{extra}  ({plural(fired, 'article')} fired)")


def _lines(hits: list[AlertHit], new: str) -> list[str]:
    lines: list[str] = []
    by_alert: dict[str, list[AlertHit]] = {}
    for hit in hits:
        by_alert.setdefault(hit.alert, []).append(hit)
    for name, found in by_alert.items():
        lines.append(f"alert {name!r}: {plural(len(found), new + 'article')}")
        for hit in found:
            when = (hit.date or "")[:10]
            about = ", ".join(part for part in (hit.source, when) if part)
            title = printable(hit.title or "(untitled)")
            if hit.also_in:
                lines.append(f"  also in: {hit.source or 'another report'}: {title}  [{printable(hit.story_title)}]")
            else:
                lines.append(f"  {title}{f' ({about})' if about else ''}")
            lines.append(f"    {display_path(hit.path)}{'' if hit.fired else '  (matched, not fired)'}")
    return lines
