"""The cost of the alert step: an index of N articles with a few saved searches, then batches of new
articles indexed; for each batch, the time of indexing it, of the alert step after it (newsgrep.alerts.
check_new: open the index, match every alert against the batch's articles, record, deliver), and of one
search of the whole archive per alert (what the step would cost if it searched the archive instead).

    python bench/alerts.py PREPARED_SCALED_DIR [--articles 95000] [--batches 10,10,10,1000] [--work DIR]

PREPARED_SCALED_DIR is prepare_corpora.py's `scaled/` output (one Reuters article a .txt file).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path

from newsgrep import alerts
from newsgrep.indexer.build import build_index
from newsgrep.search.searcher import open_index

ALERTS = [  # name, query, options
    ("fed", '"Federal Reserve"', {}),
    ("oil", "oil prices", {}),
    ("steel", "title:steel", {}),
    ("coffee", "coffee", {"since": "1987-03-01"}),
]


def _files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scaled", type=Path)
    parser.add_argument("--articles", type=int, default=95_000, help="articles in the archive before the batches")
    parser.add_argument("--batches", default="10,10,10,1000", help="sizes of the batches of new articles")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsgrep-alert-bench"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the work folder's index (built by an earlier run) and its alerts; new articles are then "
        "archive articles copied to new paths (wire copies: new articles, near-duplicates of archived ones)",
    )
    args = parser.parse_args()
    batches = [int(n) for n in args.batches.split(",")]

    files = _files(args.scaled)
    if len(files) < args.articles + sum(batches):
        raise SystemExit(f"{args.scaled} holds {len(files)} articles: fewer than {args.articles} + {sum(batches)}")
    # new articles from the end of the list (the last copy's): their copies are in the archive
    incoming = files[len(files) - sum(batches) :]
    archive = files[: args.articles]
    news, ix = args.work / "news", args.work / "ix"
    if args.reuse and ix.exists():
        stamp = time.strftime("%H%M%S")
        incoming = archive[::-1][: sum(batches)]
        print(f"reusing {ix}; new articles are copies of archived ones (batches named *-{stamp})")
    else:
        stamp = ""
        if args.work.exists():
            shutil.rmtree(args.work)
        (news / "archive").mkdir(parents=True)
        for path in archive:
            target = news / "archive" / path.relative_to(args.scaled)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
        started = time.monotonic()
        report = build_index([str(news)], ix)
        print(f"archive: {report.articles:,} articles indexed in {time.monotonic() - started:.0f} s", flush=True)
        for name, query, options in ALERTS:
            alerts.add(ix, name, query, **options)
    described = [f"{name} {query!r}" + (f" {options}" if options else "") for name, query, options in ALERTS]
    print(f"alerts: {', '.join(described)}")

    rows = []
    taken = 0
    for number, size in enumerate(batches, 1):
        batch = news / f"batch{number}{'-' + stamp if stamp else ''}"
        for path in incoming[taken : taken + size]:
            target = batch / path.relative_to(args.scaled)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
        taken += size
        started = time.monotonic()
        report = build_index(None, ix, processes=1)
        indexing = time.monotonic() - started
        delivered: list = []
        run = alerts.check_new(ix, delivered.extend)
        started = time.monotonic()
        with open_index(ix) as searcher:  # one search of the archive per alert, as a search command runs it
            for _, query, options in ALERTS:
                searcher.search(query, limit=10, **options)
        searching = time.monotonic() - started
        rows.append((size, report.added, report.articles, indexing, run.seconds, searching, len(run.hits)))

    print()
    print(f"{'new':>6} {'archive':>8} {'index batch s':>14} {'alert step s':>13} {'archive searches s':>19} "
          f"{'alert/index':>12} {'alert/search':>13} {'hits':>5}")  # fmt: skip
    for size, _added, articles, indexing, alerting, searching, hits in rows:
        print(
            f"{size:>6} {articles:>8,} {indexing:>14.3f} {alerting:>13.3f} {searching:>19.3f} "
            f"{alerting / indexing:>12.2f} {alerting / searching:>13.2f} {hits:>5}"
        )
    tens = [row for row in rows if row[0] == 10]
    if len(tens) > 1:
        print(
            f"\nbatches of 10 (median of {len(tens)}): index {statistics.median(r[3] for r in tens):.3f} s, "
            f"alert step {statistics.median(r[4] for r in tens):.3f} s, "
            f"{len(ALERTS)} archive searches {statistics.median(r[5] for r in tens):.3f} s"
        )


if __name__ == "__main__":
    main()
