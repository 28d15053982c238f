"""`newsgrep index`: build the index, or bring it up to date with its roots."""

from __future__ import annotations

import sys

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Start from scratch (the old index serves searches until done).")
@click.option("--wait", is_flag=True, help="If another newsgrep is writing the index, wait for it instead of failing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@click.option(
    "--commit-every",
    default=30_000,
    show_default=True,
    type=click.IntRange(1),
    help="Commit after this many files (at most 10,000 without worker processes): a run that dies loses at "
    "most what it did since its last commit.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Indexing processes beside this one (default: one per core for runs of 1,000 files or more; 1: none).",
)
@click.option(
    "--shards",
    type=click.IntRange(1, 1000),
    default=None,
    help="Create a sharded index of this many shards, built and searched on a Dask cluster.",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler of a sharded index (tcp://HOST:8786; default: $NEWSGREP_CLUSTER, the one the index "
    "records, else a cluster of --jobs worker processes on this machine).",
)
def index_command(paths, index_dir, rebuild, wait, as_json, quiet, commit_every, jobs, shards, cluster):
    """Index PATHS (folders or files of articles), or re-scan the folders the index remembers.

    Only new, changed and removed files are touched. Files that cannot be read are
    reported and skipped, files of formats newsgrep does not read counted by
    extension. With no PATHS and no index yet, the bundled ./corpus is indexed.
    An index found in a parent folder is used (and named on stderr).
    """
    from newsgrep.cli.alert import check_alerts
    from newsgrep.indexer.build import build_index
    from newsgrep.render import notes
    from newsgrep.render.progress import ProgressBar
    from newsgrep.store.layout import ShardsRecord, index_found_above, resolve_index_dir

    if shards or cluster or ShardsRecord.at(resolve_index_dir(index_dir)):
        from newsgrep.cluster.build import build_sharded

        report = build_sharded(
            list(paths) or None,
            index_dir,
            shards=shards,
            cluster=cluster,
            workers=jobs,
            rebuild=rebuild,
            wait=float("inf") if wait else None,
        )
        printer(as_json).index_report(report, quiet=quiet)
        check_alerts(report.index, as_json)
        return
    above = index_found_above(index_dir)
    if above is not None and not quiet:
        notes.index_above(str(above))
    before = _committed(index_dir)
    try:
        with ProgressBar(enabled=not (quiet or as_json) and sys.stderr.isatty()) as progress:
            report = build_index(
                list(paths) or None,
                index_dir,
                rebuild=rebuild,
                wait=float("inf") if wait else None,
                progress=progress,
                commit_every=commit_every,
                processes=jobs,
            )
    except KeyboardInterrupt:
        notes.say(_interrupted(before, None if rebuild else _committed(index_dir)))
        sys.exit(130)
    printer(as_json).index_report(report, quiet=quiet)
    check_alerts(report.index, as_json)


def _committed(index_dir) -> int | None:
    """Articles in the index's last commit (None: no index yet, or none readable)."""
    from newsgrep.store.layout import IndexDir, resolve_index_dir
    from newsgrep.store.manifest import Manifest

    try:
        index = IndexDir(resolve_index_dir(index_dir))
        if not index.exists():
            return None
        with Manifest(index.manifest_path(index.current()), readonly=True) as manifest:
            return manifest.counts()[2]
    except Exception:  # noqa: BLE001 - only for the message after Ctrl-C
        return None


def _interrupted(before: int | None, after: int | None) -> str:
    """What Ctrl-C kept: nothing of the run, or the articles its commits hold (`after` None: a rebuild,
    whose new index is not live until complete)."""
    again = "run `newsgrep index` again to finish"
    if after is None or after == (before or 0):
        kept = "the index is as it was" if before is not None else "no article is in the index yet"
        return f"interrupted: nothing of this run was committed ({kept}); {again}"
    added = after - (before or 0)
    return f"interrupted: the index holds {after:,} articles ({added:+,} committed by this run); {again}"
