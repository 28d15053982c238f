"""newsgrep's benchmark: indexing, incremental reindexing and search latency, beside two baselines.

    python bench/bench.py CORPUS_DIR [--queries 200] [--skip-incremental] [--many-incremental 50]
                          [--subset 20000] [--json [FILE]] [--compare OLD.json] [--profile] ...

Run it with the Python that has newsgrep's dependencies (the dev venv); the checkout this file lives in
is put first on the path of every process (PYTHONPATH), so the code measured is the code beside it.

What it measures, on the files under CORPUS_DIR (warm file cache, one after another):

- full index build: `newsgrep index CORPUS EXTRA --index TMP` as a process (EXTRA is an empty folder
  of the benchmark's own, where the incremental runs add files: the corpus is never written to);
  wall time, articles/s, CPU time, peak RSS of the process tree (sampled from /proc, children
  included; plus the kernel's max RSS of the largest single process), index size on disk;
- two baselines built from the same files, each in a child process measured the same way:
  "naive Whoosh" (one `ix.writer()` with default settings, StemmingAnalyzer, one document per article,
  one commit) and SQLite FTS5 (porter tokenizer, one transaction); their reader is the benchmark's own
  (title line, a date line if there is one, body; JSON fields), not newsgrep's, over the files newsgrep
  reads as articles;
- query latency p50/p95 of N in-process queries: newsgrep's `searcher.search()` on one Searcher opened
  once with `open_index()`, as a long-lived process keeps it (passages and highlights included), naive
  Whoosh (`hit.highlights()` for the top 10), FTS5 (`snippet()`), over a deterministic mixed query set
  drawn from the corpus with a fixed seed: single words, 2-4 words, "phrases" from article text,
  `title:` queries and `date:[A TO B]` filters (alone and with a word); FTS5 gets the set translated
  (quoted tokens, `title:` column filter, dates as a WHERE on a column);
- the median time to open a Searcher (`open_index()` + close): what a one-shot process pays first;
- wall time of `newsgrep search QUERY --index TMP` processes (start-up + open + search + print, median
  of several runs) against `rg -i -l -e w1 -e w2 ...` over the same files, plus `python -c pass` and
  `newsgrep --version` as start-up floors;
- incremental reindex (`newsgrep index --index TMP`, no paths): after adding 10 new articles (copies of
  corpus articles with changed text), after touching 10 files without changing them, and with nothing
  changed; with --many-incremental N, N runs adding one file each, then the segment count
  (`newsgrep stats --json`) and the query latency again;
- with --profile: cProfile of one `newsgrep index` process (over --profile-files files), cProfile of
  one `newsgrep search` process, and `-X importtime` of it grouped by package.

Besides newsgrep itself, only the standard library, Whoosh (a dependency of newsgrep) and the sqlite3
module are used. The parts are in bench/harness/ (its __init__ lists them); this file is the command line.

Temporary indexes go under --tmp (default: the system's temp dir) and are removed at the end
(--keep leaves them). Exit status: 0 on success, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the checkout beside this file is the newsgrep measured

from harness import BenchError  # noqa: E402
from harness.baselines import child_main  # noqa: E402
from harness.console import progress  # noqa: E402
from harness.corpus import corpus_files, link_subset  # noqa: E402
from harness.json_report import compare, default_path, write  # noqa: E402
from harness.measure import kill_running  # noqa: E402
from harness.suite import Bench  # noqa: E402
from harness.workspace import Workspace  # noqa: E402


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="bench.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("corpus", type=Path, help="folder (or file) of articles to benchmark on")
    ap.add_argument("--queries", type=int, default=200, help="in-process queries per engine (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the query set and of the new files (default 1)")
    ap.add_argument(
        "--subset",
        type=int,
        metavar="N",
        help="benchmark the first N article files only (hard-linked into a temp folder)",
    )
    ap.add_argument(
        "--out", metavar="DIR", help="write queries.tsv, profiles and the JSON here (default: bench/out with --json)"
    )
    ap.add_argument(
        "--json",
        nargs="?",
        const="",
        metavar="FILE",
        help="also write all figures as JSON (default file: OUT/bench-<corpus>-<time>.json)",
    )
    ap.add_argument(
        "--compare", type=Path, metavar="OLD.json", help="print this run's figures beside an earlier --json run's"
    )
    ap.add_argument("--skip-naive", action="store_true", help="no naive Whoosh baseline")
    ap.add_argument("--skip-fts", action="store_true", help="no SQLite FTS5 baseline")
    ap.add_argument(
        "--whoosh-writer",
        action="store_true",
        help="also a full build with Whoosh's segment writer (NEWSGREP_SEGMENT_WRITER=whoosh): before and after",
    )
    ap.add_argument("--skip-queries", action="store_true", help="no in-process query latency")
    ap.add_argument("--skip-process", action="store_true", help="no `newsgrep search` / rg process timings")
    ap.add_argument("--skip-incremental", action="store_true", help="no incremental reindex timings")
    ap.add_argument(
        "--incremental-repeats", type=int, default=3, metavar="N", help="runs of each incremental case (default 3)"
    )
    ap.add_argument(
        "--many-incremental",
        type=int,
        default=0,
        metavar="N",
        help="N runs adding one file each, then segments and query latency",
    )
    ap.add_argument(
        "--process-queries", type=int, default=5, metavar="N", help="queries timed as processes (default 5)"
    )
    ap.add_argument(
        "--process-runs",
        type=int,
        default=5,
        metavar="N",
        help="runs per process timing; the median is kept (default 5)",
    )
    ap.add_argument(
        "--profile", action="store_true", help="also cProfile one index run and one search process, and -X importtime"
    )
    ap.add_argument(
        "--profile-files", type=int, default=3000, metavar="N", help="files indexed under the profiler (default 3000)"
    )
    ap.add_argument(
        "--newsgrep",
        metavar="CMD",
        help="the newsgrep command (default: newsgrep beside this Python, else python -m newsgrep)",
    )
    ap.add_argument("--tmp", type=Path, help="where temporary indexes go (default: the system temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary indexes (their folder is printed)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before a child process is killed (default 900)")
    args = ap.parse_args(argv)
    if args.queries < 1 or args.process_runs < 1 or args.incremental_repeats < 1:
        ap.error("--queries, --process-runs and --incremental-repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    args = parse_args(argv)
    corpus = args.corpus.expanduser()
    if not corpus.exists():
        print(f"bench.py: error: corpus not found: {corpus}", file=sys.stderr)
        return 2
    corpus = corpus.resolve()
    if (args.json == "" or args.profile) and not args.out:  # the default place of the JSON and the profiles
        args.out = str(REPO / "bench" / "out")
    if args.tmp:
        args.tmp.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="newsgrep-bench-", dir=args.tmp))
    try:
        measured = corpus
        if args.subset:
            files = corpus_files(corpus)[: args.subset]
            if not files:
                raise BenchError(f"no article files under {corpus}")
            progress(f"linking the first {len(files):,} files of {corpus}")
            measured = tmp / "corpus"
            link_subset(corpus, files, measured)
        ws = Workspace.create(args, measured, tmp)
        bench = Bench(ws)
        bench.run()
    except BenchError as exc:
        print(f"bench.py: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench.py: interrupted", file=sys.stderr)
        return 130
    finally:
        kill_running()
        if args.keep:
            print(f"bench.py: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.compare:
        ws.emit()
        ws.emit(compare(args.compare, bench.results))
    if args.json is not None:
        path = Path(args.json) if args.json else default_path(Path(args.out), corpus, args.subset)
        write(bench.results, ws.console.lines, path)
        print(f"bench.py: figures written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
