"""Measures newsgrep on the TIME test collection beside two plain reference rankers, with the same measures.

The references, over the same article files (whole text, header line included):
  - SQLite FTS5 with tokenize='porter', ranked by bm25(), the query's words OR-ed (each one quoted);
  - Whoosh BM25F (defaults) over whole articles with its StemmingAnalyzer, the query's words parsed with
    OrGroup (lower-cased first, so that capital AND/OR/NOT in TIME's all-caps queries are words).
newsgrep runs through `search.evaluate` (the public `search.search` API with its defaults), once with the
queries as given, once lower-cased, once lower-cased with OR. Every ranking (top 100) is measured by the
same code, `search.evaluate.measure` (ir-measures): nDCG@10, MAP, P@10, R@100.

    python bench/evaluate.py [--time /tmp/prep/time] [--split]
    python bench/evaluate.py --experiment [--form given|lower|lower-or] [--split] [--jobs 2]

`--split` adds the same table for the odd and the even qids, so that what is tuned on one half can be
checked on the other. `--experiment` runs newsgrep with non-default `Ranking` values (passed through
`search.search(ranking=...)`): the default, then each lever moved on its own; it changes no defaults.
Its k1 and b are set for both the article score and the passage score.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ir_measures import Qrel

from indexer import build_index
from search.evaluate import Evaluation, QueryRun, measure, read_qrels, read_queries, run_queries
from search.searcher import DEFAULT_RANKING, Ranking

DEFAULT_TIME = "/tmp/prep/time"
DEPTH = 100
CANDIDATES = (100, 300)
CANDIDATES_LIMIT = 10  # searcher.py re-ranks max(candidates, 3 * limit): at limit 100 both values mean 300
FORMS: dict[str, tuple[Callable[[str], str], str]] = {  # how newsgrep is given the queries: text, operator
    "given": (lambda text: text, "and"),
    "lower": (str.lower, "and"),
    "lower-or": (str.lower, "or"),
}
_WORD = re.compile(r"\w+")
QUERY_SETS: dict[str, Callable[[str], bool]] = {  # the tables printed: all queries, and with --split two halves
    "all queries": lambda qid: True,
    "odd qids": lambda qid: int(qid) % 2 == 1,
    "even qids": lambda qid: int(qid) % 2 == 0,
}


@dataclass
class Collection:
    articles: dict[str, str]  # docid (file stem) -> whole file text
    articles_dir: Path
    queries: dict[str, str]
    qrels: list[Qrel]


@dataclass(frozen=True)
class Setting:
    """One newsgrep run of the experiment: the default Ranking with one lever moved."""

    name: str
    ranking: Ranking
    limit: int


def load_collection(time_dir: Path) -> Collection:
    articles_dir = time_dir / "articles"
    articles = {p.stem: p.read_text(encoding="utf-8", errors="replace") for p in sorted(articles_dir.glob("*.txt"))}
    if not articles:
        sys.exit(f"bench/evaluate.py: no articles in {articles_dir} (run shared/tools/prepare_corpora.py first)")
    return Collection(
        articles, articles_dir, read_queries(time_dir / "queries.tsv"), read_qrels(time_dir / "qrels.txt")
    )


def query_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# the rankers: each returns one QueryRun per query -----------------------------------------------------
def fts5_runs(collection: Collection) -> list[QueryRun]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE articles USING fts5(docid UNINDEXED, body, tokenize='porter')")
    db.executemany("INSERT INTO articles VALUES (?, ?)", collection.articles.items())
    runs = []
    for qid, text in collection.queries.items():
        match = " OR ".join('"' + word.replace('"', '""') + '"' for word in query_words(text))
        rows = (
            db.execute(
                "SELECT docid FROM articles WHERE articles MATCH ? ORDER BY bm25(articles) LIMIT ?", (match, DEPTH)
            ).fetchall()
            if match
            else []
        )
        runs.append(QueryRun(qid, text, [row[0] for row in rows], match))
    db.close()
    return runs


def whoosh_runs(collection: Collection, work: Path) -> list[QueryRun]:
    from whoosh import index, scoring
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import OrGroup, QueryParser

    schema = Schema(docid=ID(stored=True), body=TEXT(analyzer=StemmingAnalyzer()))
    (work / "whoosh").mkdir()
    ix = index.create_in(str(work / "whoosh"), schema)
    with ix.writer() as writer:
        for docid, text in collection.articles.items():
            writer.add_document(docid=docid, body=text)
    parser = QueryParser("body", schema, group=OrGroup)
    runs = []
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        for qid, text in collection.queries.items():
            searched = " ".join(query_words(text))
            hits = searcher.search(parser.parse(searched), limit=DEPTH)
            runs.append(QueryRun(qid, text, [hit["docid"] for hit in hits], searched))
    return runs


def newsgrep_runs(collection: Collection, index_dir: Path, form: str, setting: Setting | None = None) -> list[QueryRun]:
    prepare, operator = FORMS[form]
    queries = {qid: prepare(text) for qid, text in collection.queries.items()}
    ranking = setting.ranking if setting else None
    return run_queries(
        queries, index_dir, limit=setting.limit if setting else DEPTH, operator=operator, ranking=ranking
    )


def build_newsgrep_index(collection: Collection, work: Path) -> Path:
    index_dir = work / "newsgrep-index"
    build_index([str(collection.articles_dir)], index_dir)
    return index_dir


# measuring and printing --------------------------------------------------------------------------------
def measure_subset(runs: Iterable[QueryRun], qrels: list[Qrel], keep: Callable[[str], bool]) -> Evaluation:
    return measure([run for run in runs if keep(run.qid)], [qrel for qrel in qrels if keep(qrel.query_id)])


def measure_cells(evaluation: Evaluation) -> list[str]:
    return [f"{value:.3f}" for value in (evaluation.ndcg10, evaluation.map, evaluation.p10, evaluation.r100)]


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    print(f"\n{title}\n")
    for cells in (header, ["-" * w for w in widths], *rows):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)) + " |")


def print_tables(
    collection: Collection, named_runs: dict[str, list[QueryRun]], split: bool, label: list[str], title: str
) -> None:
    """One table per query set: a row per named ranking, its measures measured over that set."""
    for set_name, keep in QUERY_SETS.items() if split else list(QUERY_SETS.items())[:1]:
        evaluations = {name: measure_subset(runs, collection.qrels, keep) for name, runs in named_runs.items()}
        some = next(iter(evaluations.values()))
        rows = [[*name.split("\t"), *measure_cells(e)] for name, e in evaluations.items()]
        heading = f"{title}: {set_name} ({some.queries} queries, {some.judgements} judgements)"
        print_table(heading, [*label, "nDCG@10", "MAP", "P@10", "R@100"], rows)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# the two modes -----------------------------------------------------------------------------------------
def compare_rankers(collection: Collection, work: Path, split: bool) -> None:
    started = time.monotonic()
    index_dir = build_newsgrep_index(collection, work)
    log(f"newsgrep index: {len(collection.articles)} articles in {time.monotonic() - started:.1f} s")
    rankers: dict[str, Callable[[], list[QueryRun]]] = {
        "newsgrep (queries as given)": lambda: newsgrep_runs(collection, index_dir, "given"),
        "newsgrep (queries lower-cased)": lambda: newsgrep_runs(collection, index_dir, "lower"),
        "newsgrep (lower-cased, OR)": lambda: newsgrep_runs(collection, index_dir, "lower-or"),
        "SQLite FTS5 porter, bm25()": lambda: fts5_runs(collection),
        "Whoosh BM25F, StemmingAnalyzer": lambda: whoosh_runs(collection, work),
    }
    named_runs = {}
    for name, run in rankers.items():
        started = time.monotonic()
        named_runs[name] = run()
        log(f"{name}: {time.monotonic() - started:.1f} s")
    print_tables(collection, named_runs, split, ["ranker"], "TIME")


def experiment_settings() -> list[Setting]:
    """The default, then each lever moved on its own (see the README's table)."""
    d = DEFAULT_RANKING
    levers = [
        ("default", d),
        ("article weight 0.5", replace(d, article_weight=0.5)),
        ("article weight 0.3", replace(d, article_weight=0.3)),
        ("article weight 1.0 (no passages)", replace(d, article_weight=1.0)),
        ("article weight 0.0 (passages only)", replace(d, article_weight=0.0)),
        ("k1 1.2", replace(d, k1=1.2, passage_k1=1.2)),
        ("k1 2.0", replace(d, k1=2.0, passage_k1=2.0)),
        ("b 0.4", replace(d, b=0.4, passage_b=0.4)),
        ("b 0.9", replace(d, b=0.9, passage_b=0.9)),
        ("OR bonus 0.9 (Whoosh OrGroup.factory)", replace(d, or_bonus=0.9)),
        ("fallback only when none match all words", replace(d, few=1)),
        ("proximity 1.0 (word pairs in passages)", replace(d, proximity=1.0)),
    ]
    settings = [Setting(name, ranking, DEPTH) for name, ranking in levers]
    settings += [
        Setting(f"candidates {c} (limit {CANDIDATES_LIMIT})", replace(d, candidates=c), CANDIDATES_LIMIT)
        for c in CANDIDATES
    ]
    return settings


def _run_setting(args: tuple[Collection, Path, str, Setting]) -> list[QueryRun]:
    return newsgrep_runs(*args)


def setting_label(setting: Setting) -> str:
    return setting.name


def run_experiment(collection: Collection, work: Path, split: bool, form: str, jobs: int) -> None:
    index_dir = build_newsgrep_index(collection, work)
    settings = experiment_settings()
    log(f"experiment: {len(settings)} settings x {len(collection.queries)} queries ({form}), {jobs} process(es)")
    started = time.monotonic()
    tasks = [(collection, index_dir, form, setting) for setting in settings]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run_setting, tasks))
    else:
        results = [_run_setting(task) for task in tasks]
    log(f"experiment: {time.monotonic() - started:.0f} s")
    named_runs = {setting_label(s): runs for s, runs in zip(settings, results, strict=True)}
    label = ["lever"]
    print_tables(collection, named_runs, split, label, f"newsgrep Ranking experiment, queries {form}")
    print(
        f"\nRows at limit {CANDIDATES_LIMIT} (the CLI's default) are there for `candidates`: searcher.py re-ranks"
        f" max(candidates, 3 x limit) articles, so at limit {DEPTH} both values re-rank {3 * DEPTH}; MAP and"
        f" R@100 at limit {CANDIDATES_LIMIT} are cut at depth {CANDIDATES_LIMIT}."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--time", default=DEFAULT_TIME, type=Path, help=f"prepared TIME folder (default {DEFAULT_TIME})"
    )
    parser.add_argument("--split", action="store_true", help="also print the tables for odd and even qids")
    parser.add_argument("--experiment", action="store_true", help="newsgrep with non-default Ranking values")
    parser.add_argument("--form", choices=sorted(FORMS), default="given", help="queries for --experiment")
    parser.add_argument("--jobs", type=int, default=1, help="processes for --experiment (default 1)")
    args = parser.parse_args(argv)
    collection = load_collection(args.time)
    with tempfile.TemporaryDirectory(prefix="newsgrep-bench-") as tmp:
        if args.experiment:
            run_experiment(collection, Path(tmp), args.split, args.form, max(1, args.jobs))
        else:
            compare_rankers(collection, Path(tmp), args.split)


if __name__ == "__main__":
    main()
