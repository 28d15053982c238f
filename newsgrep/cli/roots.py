"""`newsgrep roots`: the folders the index covers, with their article counts; `--forget` drops one."""

from __future__ import annotations

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("roots")
@index_option
@click.option(
    "--forget",
    "forget",
    multiple=True,
    metavar="PATH",
    type=click.Path(),
    help="Remove this root and its articles from the index (repeatable).",
)
@click.option("--wait", is_flag=True, help="Wait for a running `newsgrep index` instead of failing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per root.")
def roots_command(index_dir, forget, wait, as_json):
    """List the folders (and files) the index covers, with the files and
    articles indexed from each; --forget PATH removes a root and its articles."""
    from newsgrep.store.stats import index_roots

    show = printer(as_json)
    if forget:
        from newsgrep.indexer.build import build_index
        from newsgrep.store.layout import ShardsRecord, resolve_index_dir

        waiting = float("inf") if wait else None
        if ShardsRecord.at(resolve_index_dir(index_dir)):
            from newsgrep.cluster.build import build_sharded

            report = build_sharded(None, index_dir, forget=list(forget), wait=waiting)
        else:
            report = build_index(None, index_dir, forget=list(forget), wait=waiting)
        show.index_report(report, quiet=as_json)
        if as_json:
            return
    show.roots(index_roots(index_dir))
