"""The benchmark's steps in order (describe, query set, full builds, in-process queries, processes,
incremental reindexing, report, profiles), each skipped as the options say, their figures in one dict."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
from pathlib import Path

from harness import MB, BenchError
from harness.baselines import KINDS as BASELINES
from harness.baselines import fts5_runner, naive_runner
from harness.checkout import REPO, git_state
from harness.cli_timings import cli_timings
from harness.console import progress
from harness.corpus import article_extensions, corpus_files
from harness.engine import open_time, searcher_runner
from harness.incremental import Updates
from harness.indexing import index_baseline, index_newsgrep
from harness.latency import time_queries
from harness.profiling import profile
from harness.queries import Query, make_queries, sample_docs, write_tsv
from harness.ratios import ratio_figures
from harness.report import print_report
from harness.workspace import Workspace


class Bench:
    def __init__(self, ws: Workspace):
        self.ws = ws
        self.args = ws.args
        self.results: dict = {}

    def run(self) -> None:
        args, ws, results = self.args, self.ws, self.results
        files = corpus_files(ws.corpus)
        if not files:
            raise BenchError(f"no article files ({article_extensions()}) under {ws.corpus}")
        self.describe(files)
        docs = sample_docs(files, args.seed)
        if not docs:
            raise BenchError(f"no readable articles in {ws.corpus}")
        queries = make_queries(docs, args.queries, args.seed)
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            write_tsv(queries, Path(args.out) / "queries.tsv")
        results["index"] = {}
        if args.whoosh_writer:  # the same build with Whoosh's own segment writer, just before
            results["index"]["whoosh_writer"] = index_newsgrep(ws, {"NEWSGREP_SEGMENT_WRITER": "whoosh"})
        results["index"]["newsgrep"] = index_newsgrep(ws)
        skipped = {"naive": args.skip_naive, "fts5": args.skip_fts}
        for kind in BASELINES:
            if not skipped[kind]:
                results["index"][kind] = index_baseline(ws, kind)
        if not args.skip_queries:
            results["queries"] = self.query_latency(queries, baselines=True)
        if not args.skip_process:
            if not ws.rg:
                progress("rg not found: the rg column is skipped (apt-get install ripgrep)")
            results["process"] = cli_timings(ws, queries)
        updates = Updates(ws, docs)
        if not args.skip_incremental:
            results["incremental"] = updates.cases(args.incremental_repeats)
        if args.many_incremental:
            many = updates.many(args.many_incremental)
            results["queries_after_many"] = self.query_latency(queries, baselines=False)
            results["many_incremental"] = many
        results["meta"]["load_end"] = [round(x, 2) for x in os.getloadavg()]
        results["ratios"] = ratio_figures(results)
        print_report(results, ws.emit)
        if args.profile:
            profile(ws, queries, files)

    def describe(self, files: list[Path]) -> None:
        """The run's circumstances, in the figures ("meta") and as the first two printed lines."""
        ws, args = self.ws, self.args
        size = sum(p.stat().st_size for p in files)
        try:
            import whoosh

            whoosh_version = ".".join(map(str, whoosh.__version__))
        except Exception:
            whoosh_version = "?"
        meta = self.results["meta"] = {
            "corpus": str(args.corpus),
            "measured_corpus": str(ws.corpus),
            "files": len(files),
            "corpus_bytes": size,
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "repo": str(REPO),
            "git": git_state(),
            "python": platform.python_version(),
            "whoosh": whoosh_version,
            "cpus": os.cpu_count(),
            "load_start": [round(x, 2) for x in os.getloadavg()],
            "newsgrep_cmd": ws.newsgrep,
            "queries": args.queries,
            "seed": args.seed,
            "rg": ws.rg,
        }
        ws.emit(f"newsgrep bench · {ws.corpus} · {len(files):,} files, {size / MB:.1f} MB")
        ws.emit(
            f"code {REPO} @ {meta['git']} · Python {meta['python']} · whoosh {whoosh_version} · "
            f"{meta['cpus']} CPUs · load {meta['load_start'][0]} · {meta['when']}"
        )

    def query_latency(self, queries: list[Query], baselines: bool) -> dict:
        """In-process latency of the query set: newsgrep (one Searcher), and the baselines built if asked."""
        ws, figures = self.ws, {}
        progress(f"newsgrep Searcher.search() × {len(queries)}")
        with contextlib.ExitStack() as stack:
            figures["newsgrep"] = time_queries(searcher_runner(ws.index, stack), queries)
        figures["newsgrep"]["open_index_ms"] = round(open_time(ws.index) * 1000, 3)
        with contextlib.ExitStack() as stack:
            if baselines and ws.baseline("naive").is_dir():
                progress(f"naive Whoosh queries × {len(queries)}")
                figures["naive"] = time_queries(naive_runner(ws.baseline("naive"), stack), queries)
            if baselines and ws.baseline("fts5").is_file():
                progress(f"FTS5 queries × {len(queries)}")
                figures["fts5"] = time_queries(fts5_runner(ws.baseline("fts5"), stack), queries)
        return figures
