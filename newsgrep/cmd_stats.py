"""`newsgrep stats`: what the index holds."""

from __future__ import annotations

import json

import click

from newsgrep.cli import cli, index_option


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats_command(index_dir, as_json):
    """Print what is indexed: articles, passages, roots, size on disk, last update."""
    from indexer import index_stats

    stats = index_stats(index_dir)
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False))
        return
    rows = [
        ("index", stats.index),
        ("articles", f"{stats.articles:,}"),
        ("passages", f"{stats.passages:,}"),
        ("files", f"{stats.files:,} indexed, {stats.skipped_files:,} skipped"),
        ("roots", "\n          ".join(stats.roots) or "(none)"),
        ("size", _size(stats.bytes)),
        ("segments", str(stats.segments)),
        ("updated", stats.updated or "never"),
    ]
    for name, value in rows:
        click.echo(f"{name:<9} {value}")


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")
