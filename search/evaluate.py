"""Measures how well newsgrep ranks a test collection: queries and TREC qrels in, nDCG@10, MAP, P@10, R@100 out.

Every query goes through a Searcher's `search`, as users' queries do (default AND, with its OR
fallback); a hit is an article and its document id is the stem of its file name ("TIME-017.txt" ->
"TIME-017"), with a feed record's key after a colon ("reut2-000.jsonl", key 12 -> "reut2-000:12").
The measures are computed by ir-measures (trec_eval's definitions), never by hand.

    from newsgrep.search.evaluate import evaluate
    evaluation = evaluate("queries.tsv", "qrels.txt", index_dir=".newsgrep")
    print(evaluation.ndcg10, evaluation.map)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import ir_measures
from ir_measures import AP, P, Qrel, R, ScoredDoc, nDCG

from newsgrep.errors import NewsgrepError, PathMissing, QueryError

if TYPE_CHECKING:
    from newsgrep.search.searcher import Searcher
    from newsgrep.search.settings import Ranking

LIMIT = 100  # articles fetched per query: the depth of R@100 (and of AP)
MEASURES = {"ndcg10": nDCG @ 10, "ap": AP, "p10": P @ 10, "r100": R @ 100}
_PUNCTUATION = re.compile(r"[^\w\s]+")


class BadTestCollection(NewsgrepError):
    """A queries or qrels file that cannot be read as one."""


@dataclass
class QueryRun:
    """One query's ranking: document ids, best first, and how the query had to be run."""

    qid: str
    text: str  # the query as given
    docids: list[str]
    searched: str = ""  # the text that was searched ("" when the query could not run at all)
    fallback: bool = False  # no article had every word, so the OR query's ranking is used
    depunctuated: bool = False  # the query was malformed, so it was searched with its punctuation removed
    error: str | None = None  # why the query found nothing to rank, if it could not run


@dataclass
class QueryScores:
    """One query's measures (0 for a judged query that found nothing) and how it was run."""

    qid: str
    text: str
    searched: str
    hits: int
    relevant: int  # judged relevant in the qrels
    fallback: bool
    depunctuated: bool
    error: str | None
    ndcg10: float
    ap: float
    p10: float
    r100: float


@dataclass
class Evaluation:
    """The mean measures over the judged queries, and each query's own."""

    queries: int  # judged queries, the ones measured
    judgements: int  # lines of the qrels
    ndcg10: float
    map: float
    p10: float
    r100: float
    per_query: list[QueryScores]
    unjudged: int = 0  # queries of the queries file without judgements: not run, not measured

    def to_dict(self) -> dict:
        return asdict(self)


def read_queries(path: str | os.PathLike) -> dict[str, str]:
    """A queries file, one `qid<TAB>text` a line, as {qid: text} in file order."""
    queries: dict[str, str] = {}
    for number, line in enumerate(_read_lines(path), 1):
        if not line.strip():
            continue
        qid, tab, text = line.partition("\t")
        if not tab or not qid.strip() or not text.strip():
            raise BadTestCollection(f"{path}:{number}: expected 'qid<TAB>query text', got {line[:80]!r}")
        if qid.strip() in queries:
            raise BadTestCollection(f"{path}:{number}: query {qid.strip()!r} appears twice")
        queries[qid.strip()] = text.strip()
    if not queries:
        raise BadTestCollection(f"{path}: no queries")
    return queries


def read_qrels(path: str | os.PathLike) -> list[Qrel]:
    """TREC relevance judgements, one `qid 0 docid relevance` a line."""
    qrels = []
    for number, line in enumerate(_read_lines(path), 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 4 or not _is_int(fields[3]):
            raise BadTestCollection(f"{path}:{number}: expected 'qid 0 docid relevance', got {line[:80]!r}")
        qrels.append(Qrel(fields[0], fields[2], int(fields[3])))
    if not qrels:
        raise BadTestCollection(f"{path}: no judgements")
    return qrels


def _read_lines(path: str | os.PathLike) -> list[str]:
    if not Path(path).is_file():
        raise PathMissing(f"no such file: {path}")
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadTestCollection(f"cannot read {path}: {exc}") from None


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


def docid(path: str, key: str = "") -> str:
    """The document id of an article: its file name without folder and extension, and for a record of
    a feed file (JSON lines, an mbox, a WARC...) its key after a colon ("reut2-000:12")."""
    stem = Path(path).stem
    return f"{stem}:{key}" if key else stem


def run_query(qid: str, text: str, searcher: Searcher, *, limit: int = LIMIT, operator: str = "and") -> QueryRun:
    """Searches one query as `newsgrep search` would; a malformed query is searched again without its
    punctuation, and one that still cannot run is recorded with its error and no ranking."""
    searched, depunctuated = text, False
    try:
        result = searcher.search(searched, limit=limit, passages=1, operator=operator)
    except QueryError:
        searched, depunctuated = " ".join(_PUNCTUATION.sub(" ", text).split()), True
        try:
            result = searcher.search(searched, limit=limit, passages=1, operator=operator)
        except QueryError as exc:
            return QueryRun(qid, text, [], searched, depunctuated=True, error=str(exc))
    # A hit's other reports of its story count right after it, as the user sees them ("also in: ...").
    ids = list(
        dict.fromkeys(
            docid(path, key)
            for hit in result.hits
            for path, key in [(hit.path, hit.key), *((copy.path, copy.key) for copy in hit.duplicates)]
        )
    )
    return QueryRun(qid, text, ids, searched, result.fallback, depunctuated)


def run_queries(
    queries: dict[str, str],
    index_dir: str | os.PathLike | None = None,
    *,
    limit: int = LIMIT,
    operator: str = "and",
    ranking: Ranking | None = None,
) -> list[QueryRun]:
    """Every query's ranking, in the order given, from one Searcher on the index."""
    from newsgrep.search.searcher import open_index
    from newsgrep.search.settings import DEFAULT_RANKING

    with open_index(index_dir, ranking=ranking or DEFAULT_RANKING) as searcher:
        return [run_query(qid, text, searcher, limit=limit, operator=operator) for qid, text in queries.items()]


def measure(runs: Iterable[QueryRun], qrels: list[Qrel], unjudged: int = 0) -> Evaluation:
    """nDCG@10, MAP, P@10 and R@100 of the rankings over the judged queries (ir-measures; a judged query
    with no ranking scores 0, as trec_eval -c would have it)."""
    by_qid = {run.qid: run for run in runs}
    scored = [  # scores from ranks, so trec_eval cannot reorder ties
        ScoredDoc(run.qid, doc, float(len(run.docids) - rank))
        for run in by_qid.values()
        for rank, doc in enumerate(run.docids)
    ]
    evaluator = ir_measures.evaluator(list(MEASURES.values()), qrels)
    values: dict[str, dict[str, float]] = {}
    for metric in evaluator.iter_calc(scored):
        values.setdefault(metric.query_id, {})[_name(metric.measure)] = float(metric.value)
    mean = {_name(m): float(v) for m, v in evaluator.calc_aggregate(scored).items()}
    relevant = _relevant_counts(qrels)
    rows = [_scores(qid, by_qid.get(qid), relevant.get(qid, 0), values[qid]) for qid in sorted(values, key=_qid_order)]
    return Evaluation(len(rows), len(qrels), mean["ndcg10"], mean["ap"], mean["p10"], mean["r100"], rows, unjudged)


def _name(measure) -> str:
    return next(name for name, m in MEASURES.items() if m == measure)


def _relevant_counts(qrels: list[Qrel]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for qrel in qrels:
        counts[qrel.query_id] = counts.get(qrel.query_id, 0) + int(qrel.relevance > 0)
    return counts


def _qid_order(qid: str) -> tuple:
    return (0, int(qid), "") if qid.isdigit() else (1, 0, qid)


def _scores(qid: str, run: QueryRun | None, relevant: int, values: dict[str, float]) -> QueryScores:
    if run is None:
        run = QueryRun(qid, "", [], error="not in the queries file")
    return QueryScores(
        qid, run.text, run.searched, len(run.docids), relevant, run.fallback, run.depunctuated, run.error, **values
    )


def evaluate(
    queries_path: str | os.PathLike,
    qrels_path: str | os.PathLike,
    index_dir: str | os.PathLike | None = None,
    *,
    limit: int = LIMIT,
    ranking: Ranking | None = None,
) -> Evaluation:
    """Runs the judged queries of `queries_path` against the index and measures them with `qrels_path`."""
    queries = read_queries(queries_path)
    qrels = read_qrels(qrels_path)
    judged = {qrel.query_id for qrel in qrels}
    judged_queries = {qid: text for qid, text in queries.items() if qid in judged}
    runs = run_queries(judged_queries, index_dir, limit=limit, ranking=ranking)
    return measure(runs, qrels, unjudged=sum(qid not in judged for qid in queries))
