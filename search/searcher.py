"""Runs a query: articles that match, re-ranked with their best passages, highlighted; returns plain data.

Ranking mixes two kinds of evidence, each normalised by the best score of the query: the whole article
(Whoosh's BM25 over the body field, which holds the headline's words too: it decides what matches, so
an article whose words are spread over several paragraphs still counts) and its best passage (BM25
over the passage's words, from the body's postings: words close together count more).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

from whoosh import query as wq
from whoosh import scoring

from indexer.errors import QueryError
from indexer.manifest import Manifest
from indexer.store import IndexDir, resolve_index_dir
from search.dates import date_bound
from search.highlight import highlight_spans, match_terms
from search.parse import PASSAGE_FIELD, parse_query, positive_leaves
from search.passage_scores import passage_scores as score_passages
from search.results import Hit, PassageMatch, SearchResult
from search.stories import StoryMatcher, as_copy
from search.suggest import FEW, suggestion


@dataclass(frozen=True)
class Ranking:
    """The knobs of the ranking, with the defaults measured in the README's evaluation."""

    article_weight: float = 0.7  # share of the article score; the best passage has the rest
    k1: float = 1.6
    b: float = 0.75
    passage_k1: float = 1.6
    passage_b: float = 0.75
    candidates: int = 50  # articles re-ranked with their passages (at least; more for large --limit)
    few: int = 10  # a plain query of `long_query` words or more whose words all match fewer articles
    long_query: int = 4  # than `few` is ranked with any of its words (a shorter one: when none match)
    proximity: float = 0.0  # weight of query word pairs found close together in a passage (0: off)
    or_bonus: float = 0.0  # Whoosh's OrGroup.factory: what matching more of the words adds beyond BM25

    def weighting(self):
        return scoring.BM25F(K1=self.k1, B=self.b)


DEFAULT_RANKING = Ranking()
COLLAPSE_DEPTH = 3  # candidates looked at for other reports of each shown story: 3 x --limit


@dataclass(frozen=True)
class Request:
    """Everything a search needs besides the index."""

    query: str
    limit: int = 10
    passages: int = 3
    operator: str = "and"
    period: wq.Query | None = None
    ranking: Ranking = DEFAULT_RANKING
    collapse: bool = True
    sort: str = "relevance"  # or "date": newest first
    facets: tuple[str, ...] = ()  # ("source",): counts of matching articles per source


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
    collapse: bool = True,
    sort: str = "relevance",
    facets: tuple[str, ...] = (),
) -> SearchResult:
    """Searches the index for `query`; returns up to `limit` stories, each with its best `passages`.

    With the default AND operator, a query of plain words that no article matches in full is run again
    with OR (the result says so in `fallback`). `since`/`until` keep articles dated within the period
    (ISO dates, whole or partial, or words such as "last week"). With `collapse`, copies of an article
    and other outlets' reports of the same story are listed under its hit instead of as hits.
    `sort="date"` orders matching articles newest first. `facets=("source",)` counts matches per source.
    Raises QueryError for a malformed query, and IndexMissing / IndexIncompatible when there is no
    usable index.
    """
    if sort not in ("relevance", "date"):
        raise QueryError(f"cannot sort by {sort!r} (relevance or date)")
    unknown = set(facets) - {"source"}
    if unknown:
        raise QueryError(f"cannot count matches by {', '.join(sorted(unknown))} (source)")
    started = time.monotonic()
    request = Request(query, limit, passages, operator, _period(since, until), ranking, collapse, sort, facets)
    index = IndexDir(resolve_index_dir(index_dir))
    for attempt in range(3):
        try:
            result = _search(index, request)
            result.seconds = round(time.monotonic() - started, 4)
            return result
        except FileNotFoundError:
            if attempt == 2:
                raise
            time.sleep(0.05)  # a commit merged away the segments this search had opened: read again
    raise AssertionError("unreachable")


_searchers = threading.local()  # per thread: Whoosh searchers are not shared between threads


def _open_searcher(index: IndexDir, ranking: Ranking):
    """A searcher on the index's last commit, kept open between searches in one process (opening a
    large index costs more than searching it) and reopened when a commit or a rebuild changes it."""
    cache = _searchers.__dict__.setdefault("open", {})
    key = (str(index.path), ranking.k1, ranking.b)
    generation = index.current()
    cached = cache.get(key)
    if cached is not None:
        searcher, was = cached
        try:
            if was == generation and searcher.up_to_date():
                return searcher
        except OSError:
            pass
        searcher.close()
    searcher = index.open_whoosh().searcher(weighting=ranking.weighting())
    cache[key] = (searcher, generation)
    return searcher


def _search(index: IndexDir, request: Request) -> SearchResult:
    searcher = _open_searcher(index, request.ranking)
    schema = searcher.schema
    ranking = request.ranking
    parsed = parse_query(request.query, schema, request.operator, request.period)
    candidates = max(ranking.candidates, request.limit * 3)
    words = len(positive_leaves(parsed.passage)) if parsed.passage is not None else 0
    plain = request.operator == "and" and not parsed.has_operators and words > 1
    fallback = False
    found = _articles(searcher, parsed.article, candidates, request.sort)
    enough = ranking.few if words >= ranking.long_query else 1
    all_words = found.scored_length()
    if plain and all_words < enough:
        parsed = parse_query(request.query, schema, "or", request.period, ranking.or_bonus)
        found = _articles(searcher, parsed.article, candidates, request.sort)
        fallback = bool(found.scored_length())
    copies_of = None
    if request.collapse:
        manifest_path = index.current() / "manifest.sqlite3"

        def copies_of(ids: list[str]) -> dict[str, list[str]]:
            with Manifest(manifest_path, readonly=True) as manifest:
                return manifest.copies(ids)

    hits = _rank(searcher, found, parsed.passage, request, copies_of)
    facets = {"source": _count_by_source(searcher, parsed.article)} if "source" in request.facets else {}
    total, estimated = matching(found, candidates)
    better = suggestion(request.query, searcher, 0 if fallback else total) if total < FEW or fallback else None
    return SearchResult(
        request.query,
        hits,
        total,
        fallback,
        facets=facets,
        suggestion=better,
        all_words=all_words,
        estimated=estimated,
    )


def matching(found, collected: int) -> tuple[int, bool]:
    """(articles matching, whether that is an estimate). Counting every match exactly means scoring
    them all, which Whoosh's top-k search avoids: when more matched than were collected, Whoosh's
    estimate is given instead."""
    if found.scored_length() < collected:
        return found.scored_length(), False
    # not found.estimated_length(): Whoosh then counts exactly, running the query a second time
    return max(found.q.estimate_size(found.searcher.reader()), found.scored_length()), True


def _count_by_source(searcher, article_query: wq.Query) -> dict[str, int]:
    """Matching articles per source ("" for articles with none), most first."""
    from whoosh import sorting

    facet = sorting.FieldFacet("outlet", maptype=sorting.Count)
    groups = searcher.search(article_query, limit=1, groupedby={"outlet": facet}).groups("outlet")
    counts = {(name.decode() if isinstance(name, bytes) else name) or "": n for name, n in groups.items()}
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _period(since: str | None, until: str | None) -> wq.Query | None:
    if not since and not until:
        return None
    start = date_bound(since) if since else None
    end = date_bound(until, end=True) if until else None
    if start and end and start > end:
        raise QueryError(f"--since {since} is after --until {until}")
    return wq.DateRange("date", start, end)


def _articles(searcher, article_query: wq.Query, limit: int, sort: str):
    if sort == "date":
        dated = wq.And([article_query, wq.DateRange("date", None, None)])
        found = searcher.search(dated, limit=limit, sortedby="date", reverse=True)
        if found.scored_length() < limit:  # then the undated ones, by relevance
            found.upgrade_and_extend(searcher.search(article_query, limit=limit))
        return found
    return searcher.search(article_query, limit=limit)


def _collapse(searcher, combined, limit: int, copies_of):
    """Groups ranked candidates into stories: [(best candidate, [other reports' stored fields])]."""
    considered = combined[: limit * COLLAPSE_DEPTH]
    copies = copies_of([c[1] for c in considered])
    matcher = StoryMatcher(searcher.reader(), copies)
    groups: list[tuple[tuple, list[dict]]] = []
    for candidate in considered:
        fields = candidate[2]
        for lead, others in groups:
            if matcher.same(lead[2], fields):
                others.append(fields)
                break
        else:
            if len(groups) < limit:
                groups.append((candidate, []))
    attached = {c[1] for c in considered}
    for lead, others in groups:
        for copy_id in copies.get(lead[1], ()):  # copies that did not match the query as well
            if copy_id not in attached and (stored := searcher.document(id=copy_id)) is not None:
                others.append(stored)
                attached.add(copy_id)
    return groups


def _rank(searcher, found, passage_query, request: Request, copies_of=None) -> list[Hit]:
    ranking, limit, per_hit = request.ranking, request.limit, request.passages
    if not found.scored_length():
        return []
    articles = {hit.docnum: (hit.score or 0.0, hit.fields()) for hit in found}
    best_article = max(score for score, _ in articles.values()) or 1.0
    stored = {docnum: fields.get("passages", []) for docnum, (_, fields) in articles.items()}
    reader = searcher.reader()
    passage_scores = score_passages(
        reader, stored, passage_query, ranking.passage_k1, ranking.passage_b, ranking.proximity
    )
    best_passage = max((max(s)[0] for s in passage_scores.values()), default=0.0) or 1.0
    weight = ranking.article_weight
    combined = []
    for docnum, (score, fields) in articles.items():
        scored = sorted(passage_scores.get(docnum, []), key=lambda p: (-p[0], p[1]))
        mixed = weight * score / best_article + (1 - weight) * (scored[0][0] / best_passage if scored else 0.0)
        combined.append((mixed, fields["id"], fields, scored))
    if request.sort == "relevance":
        combined.sort(key=lambda c: (-c[0], c[1]))
    groups = _collapse(searcher, combined, limit, copies_of) if copies_of else [(c, []) for c in combined[:limit]]

    terms = match_terms(passage_query, reader, PASSAGE_FIELD)
    analyzer = searcher.schema[PASSAGE_FIELD].analyzer
    hits = []
    for rank, ((mixed, aid, fields, scored), copies) in enumerate(groups, 1):
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
                duplicates=[as_copy(copy) for copy in copies],
            )
        )
    return hits
