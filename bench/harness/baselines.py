"""The two baselines, built from the same files with the benchmark's simple reader: "naive Whoosh" (one
`ix.writer()` with default settings, StemmingAnalyzer, one document per article, one commit) and SQLite
FTS5 (porter tokenizer, one transaction). Each is built in a child process of the benchmark
(`bench.py --child naive|fts5 CORPUS DEST`, which prints {"articles", "seconds"}) and queried in-process."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

from harness.corpus import corpus_files, read_docs
from harness.latency import QueryRunner
from harness.queries import Query

KINDS = ("naive", "fts5")
NAMES = {"naive": "naive Whoosh (1 writer)", "fts5": "SQLite FTS5 (porter)"}


def baseline_path(tmp: Path, kind: str) -> Path:
    """Where a baseline's index goes in the benchmark's temporary folder."""
    return tmp / ("naive-whoosh" if kind == "naive" else "fts5.sqlite3")


def child_main(argv: list[str]) -> int:
    """`--child KIND CORPUS DEST`: builds one baseline and prints what it built as one JSON line."""
    kind, corpus, dest = argv
    result = (build_naive if kind == "naive" else build_fts5)(Path(corpus), Path(dest))
    print(json.dumps(result))
    return 0


def build_naive(corpus: Path, dest: Path) -> dict:
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    started = time.perf_counter()
    schema = Schema(
        path=ID(stored=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        date=DATETIME(stored=True),
    )
    dest.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(dest), schema)
    writer = ix.writer()
    articles = 0
    for path in corpus_files(corpus):
        for doc in read_docs(path):
            fields: dict[str, object] = {"path": doc.path, "title": doc.title, "body": doc.body}
            if doc.date is not None:
                fields["date"] = doc.date
            writer.add_document(**fields)
            articles += 1
    writer.commit()
    return {"articles": articles, "seconds": time.perf_counter() - started}


def build_fts5(corpus: Path, dest: Path) -> dict:
    started = time.perf_counter()
    db = sqlite3.connect(dest)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, path UNINDEXED, date UNINDEXED, tokenize='porter unicode61')"
    )
    articles = 0
    with db:
        for path in corpus_files(corpus):
            rows = [(d.title, d.body, d.path, d.date.isoformat() if d.date else None) for d in read_docs(path)]
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
            articles += len(rows)
    db.close()
    return {"articles": articles, "seconds": time.perf_counter() - started}


def naive_runner(ix_dir: Path, stack: contextlib.ExitStack) -> QueryRunner:
    """Parse + search(limit=10) + hit.highlights('body') for each hit, on one searcher (closed with `stack`)."""
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(ix_dir))
    searcher = stack.enter_context(ix.searcher())
    parser = MultifieldParser(["title", "body"], ix.schema)

    def run_one(q: Query) -> int:
        results = searcher.search(parser.parse(q.text), limit=10)
        for hit in results:
            hit.highlights("body")
        return results.scored_length()

    return run_one


def fts5_runner(db_path: Path, stack: contextlib.ExitStack) -> QueryRunner:
    """MATCH (quoted tokens, title: column filter, dates as WHERE) + snippet(), LIMIT 10, on one connection."""
    db = sqlite3.connect(db_path)
    stack.callback(db.close)

    def run_one(q: Query) -> int:
        match, dates = q.fts()
        where, params = [], []
        if match:
            where.append("docs MATCH ?")
            params.append(match)
        if dates:
            end = (dt.date.fromisoformat(dates[1]) + dt.timedelta(days=1)).isoformat()
            where += ["date >= ?", "date < ?"]
            params += [dates[0], end]
        snippet = "snippet(docs, 1, '[', ']', '…', 24)" if match else "substr(body, 1, 160)"
        order = "ORDER BY rank" if match else ""
        sql = f"SELECT path, title, {snippet} FROM docs WHERE {' AND '.join(where)} {order} LIMIT 10"
        return len(db.execute(sql, params).fetchall())

    return run_one
