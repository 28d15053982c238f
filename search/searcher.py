"""Runs a query: articles that match, re-ranked with their best passages, highlighted; returns plain data.

Ranking mixes two kinds of evidence, each normalised by the best score of the query: the whole article
(Whoosh's BM25F over title and body: it decides what matches, so an article whose words are spread
over several paragraphs still counts) and its best passage (BM25 over the passage's words, from the
body's postings: words close together count more).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from whoosh import query as wq
from whoosh import scoring

from indexer.errors import QueryError
from indexer.store import IndexDir, resolve_index_dir
from search.dates import date_bound
from search.highlight import highlight_spans, match_terms
from search.parse import PASSAGE_FIELD, parse_query, positive_leaves
from search.passage_scores import passage_scores as score_passages
from search.results import Hit, PassageMatch, SearchResult


@dataclass(frozen=True)
class Ranking:
    """The knobs of the ranking, with the defaults measured in the README's evaluation."""

    article_weight: float = 0.5  # share of the article score; the best passage has the rest
    k1: float = 1.2
    b: float = 0.75
    passage_k1: float = 1.2
    passage_b: float = 0.75
    candidates: int = 100  # articles re-ranked with their passages (at least; more for large --limit)

    def weighting(self):
        return scoring.BM25F(K1=self.k1, B=self.b)


DEFAULT_RANKING = Ranking()


def search(
    query: str,
    index_dir: str | os.PathLike | None = None,
    *,
    limit: int = 10,
    passages: int = 3,
    operator: str = "and",
    since: str | None = None,
    until: str | None = None,
    ranking: Ranking = DEFAULT_RANKING,
) -> SearchResult:
    """Searches the index for `query`; returns up to `limit` articles, each with its best `passages`.

    With the default AND operator, a query of plain words that no article matches in full is run again
    with OR (the result says so in `fallback`). Raises QueryError for a malformed query, and
    IndexMissing / IndexIncompatible when there is no usable index. `since`/`until` keep articles
    dated within the period (ISO dates, whole or partial, or words such as "yesterday").
    """
    started = time.monotonic()
    period = _period(since, until)
    index = IndexDir(resolve_index_dir(index_dir))
    for attempt in range(3):
        try:
            return _search(index, query, limit, passages, operator, period, ranking, started)
        except FileNotFoundError:
            if attempt == 2:
                raise
            time.sleep(0.05)  # a commit merged away the segments this search had opened: read again
    raise AssertionError("unreachable")


def _search(index, query, limit, passages, operator, period, ranking, started) -> SearchResult:
    ix = index.open_whoosh()
    with ix.searcher(weighting=ranking.weighting()) as searcher:
        parsed = parse_query(query, ix.schema, operator, period)
        candidates = max(ranking.candidates, limit * 3)
        found = _articles(searcher, parsed.article, candidates)
        fallback = False
        if not found.scored_length() and operator == "and" and not parsed.has_operators:
            if parsed.passage is not None and len(positive_leaves(parsed.passage)) > 1:
                parsed = parse_query(query, ix.schema, "or", period)
                found = _articles(searcher, parsed.article, candidates)
                fallback = bool(found.scored_length())
        total = len(found)
        hits = _rank(searcher, found, parsed.passage, ranking, limit, passages)
    return SearchResult(query, hits, total, fallback, round(time.monotonic() - started, 4))


def _period(since: str | None, until: str | None) -> wq.Query | None:
    if not since and not until:
        return None
    start = date_bound(since) if since else None
    end = date_bound(until, end=True) if until else None
    if start and end and start > end:
        raise QueryError(f"--since {since} is after --until {until}")
    return wq.DateRange("date", start, end)


def _articles(searcher, article_query: wq.Query, limit: int):
    return searcher.search(article_query, limit=limit)


def _rank(searcher, found, passage_query, ranking: Ranking, limit: int, per_hit: int) -> list[Hit]:
    if not found.scored_length():
        return []
    articles = {hit.docnum: (hit.score, hit.fields()) for hit in found}
    best_article = max(score for score, _ in articles.values()) or 1.0
    stored = {docnum: fields.get("passages", []) for docnum, (_, fields) in articles.items()}
    reader = searcher.reader()
    passage_scores = score_passages(reader, stored, passage_query, ranking.passage_k1, ranking.passage_b)
    best_passage = max((max(s)[0] for s in passage_scores.values()), default=0.0) or 1.0
    weight = ranking.article_weight
    combined = []
    for docnum, (score, fields) in articles.items():
        scored = sorted(passage_scores.get(docnum, []), key=lambda p: (-p[0], p[1]))
        mixed = weight * score / best_article + (1 - weight) * (scored[0][0] / best_passage if scored else 0.0)
        combined.append((mixed, fields["id"], fields, scored))
    combined.sort(key=lambda c: (-c[0], c[1]))

    terms = match_terms(passage_query, reader, PASSAGE_FIELD)
    analyzer = searcher.schema[PASSAGE_FIELD].analyzer
    hits = []
    for rank, (mixed, aid, fields, scored) in enumerate(combined[:limit], 1):
        body, spans = fields.get("body", ""), fields.get("passages", [])
        chosen = scored[:per_hit] or [(0.0, 0)][: len(spans)]  # no passage matched: the lead
        matches = []
        for score, number in chosen:
            start, end = spans[number][0], spans[number][1]
            text = body[start:end]
            matches.append(PassageMatch(text, highlight_spans(text, analyzer, terms), number, score))
        hits.append(
            Hit(
                rank=rank,
                score=mixed,
                id=aid,
                path=fields.get("path", ""),
                title=fields.get("title", ""),
                date=fields.get("date"),
                source=fields.get("source"),
                passages=matches,
                key=fields.get("key", ""),
            )
        )
    return hits
