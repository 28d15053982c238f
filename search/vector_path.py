"""The fast path of the local backend's relevance search: which article queries numpy scores
(search.vector_scores) and their best articles, with exactly the scores and order Whoosh's searcher gives.

A query takes this path when it is one word, or all of / any of several words (Whoosh's And or Or
with no coordination bonus: `Ranking.or_bonus` 0), each a plain term of the body field (where
unqualified words go), with any boosts (a repeated word's). A prefix, wildcard or fuzzy term has been
expanded into terms by then (newsgrep.search.limits): alone, it is an Or of terms and takes this path
too. The words may be And-ed with date ranges (`--since`/`--until`, `date:`), which Whoosh scores with a
constant (the range's boost) and which numpy applies as a set of documents read from the range's index
terms. Everything else (phrases, NOT, other fields, patterns among other words, path filters) stays on
Whoosh's matchers. `NEWSGREP_SCORER=whoosh` sends every query to Whoosh.

numpy scores every matching document and so picks the best ones; their final scores are then asked of
Whoosh's own matcher tree, skipping along its postings to each of them, because numpy adds a document's
term scores in the order of the words, Whoosh in the order of its tree, and the two sums can differ in
the last bit. Every document numpy scores within a relative 1e-9 of the last one kept is rescored
(summing in another order moves a sum of positive terms by far less), so the kept ones, ordered by
Whoosh's score and then the lower document number as Whoosh's collector orders them, are Whoosh's.
One or two parts (words, or a word and a date range) need no rescoring: a word's score is Whoosh's
formula in Whoosh's order of operations (bit for bit), and one addition gives the same sum in either
order.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from newsgrep.store.schema import DEFAULT_FIELD

SWITCH = "NEWSGREP_SCORER"  # "whoosh": never the fast path
MARGIN = 1e-9  # relative: the scores below the cut that are rescored by Whoosh's matchers


@dataclass(frozen=True)
class PlainWords:
    fieldname: str
    terms: list[bytes]
    boosts: list[float]
    operator: str  # "and" or "or"
    ranges: tuple[wq.Query, ...] = ()  # date ranges (constant-score filters) every matching document is in


def enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() != "whoosh"


def plain_words(query: wq.Query, schema) -> PlainWords | None:
    """The query's words (and date ranges), when it is one the fast path scores exactly (else None)."""
    ranges: tuple[wq.Query, ...] = ()
    if type(query) is wq.And and query.boost == 1.0:
        ranges = tuple(q for q in query.subqueries if type(q) is wq.DateRange)
    if ranges:  # the words And-ed with date ranges: [words..., ranges...] or [And/Or of words, ranges...]
        rest = [q for q in query.subqueries if type(q) is not wq.DateRange]
        if any(not _constant_range(r, schema) for r in ranges) or not rest:
            return None
        if len(rest) == 1 and type(rest[0]) in (wq.And, wq.Or):
            query = rest[0]
        elif all(type(q) is wq.Term for q in rest):
            query = wq.And(rest)
        else:
            return None
    if type(query) is wq.Term:
        leaves, operator = [query], "and"
    elif type(query) is wq.And and query.boost == 1.0:
        leaves, operator = list(query.subqueries), "and"
    elif type(query) is wq.Or and query.boost == 1.0 and not query.scale and not query.minmatch:
        leaves, operator = list(query.subqueries), "or"
    else:
        return None
    if not leaves or any(type(leaf) is not wq.Term or leaf.minquality for leaf in leaves):
        return None
    fieldnames = {leaf.fieldname for leaf in leaves}
    if len(fieldnames) != 1:
        return None
    (fieldname,) = fieldnames
    if fieldname != DEFAULT_FIELD or fieldname not in schema:  # the one field the equivalence tests cover
        return None
    boosts = [float(leaf.boost) for leaf in leaves]
    if any(not boost > 0 for boost in boosts):
        return None
    field = schema[fieldname]
    terms = [leaf.text if isinstance(leaf.text, bytes) else field.to_bytes(leaf.text) for leaf in leaves]
    return PlainWords(fieldname, terms, boosts, operator, ranges)


def _constant_range(q: wq.Query, schema) -> bool:
    """A date range that adds the same score (its boost) to every document in it, as Whoosh compiles it."""
    return q.constantscore and q.boost > 0 and q.fieldname in schema


def in_ranges(searcher, ranges: tuple[wq.Query, ...]) -> np.ndarray:
    """The documents (numbers, ascending) in every one of the date ranges: the union of the postings of the
    index terms each range stands for (Whoosh's NumericRange compiles it into those terms)."""
    from newsgrep.search.vector_scores import term_postings

    found = None
    for q in ranges:
        docs = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            compiled = q._compile_query(reader)
            for fieldname, text in compiled.existing_terms(reader, expand=True):
                docs.append(term_postings(reader, fieldname, text)[0] + offset)
        mine = np.unique(np.concatenate(docs)) if docs else np.empty(0, dtype=np.int64)
        found = mine if found is None else np.intersect1d(found, mine, assume_unique=True)
    return found if found is not None else np.empty(0, dtype=np.int64)


def best(searcher, scorer, query: wq.Query, words: PlainWords, limit: int, mask: set[int] | None):
    """(the best `limit` (document number, Whoosh's score), best first; how many documents match)."""
    docs, scores = scorer.matches(words.fieldname, words.terms, words.boosts, words.operator)
    if words.ranges and len(docs):
        keep = np.isin(docs, in_ranges(searcher, words.ranges))
        docs, scores = docs[keep], scores[keep]
    if mask and len(docs):
        keep = ~np.isin(docs, np.fromiter(mask, dtype=np.int64, count=len(mask)))
        docs, scores = docs[keep], scores[keep]
    matched = len(docs)
    if limit < matched:
        cut = np.partition(scores, matched - limit)[matched - limit]
        keep = scores >= cut - MARGIN * (abs(cut) + 1.0)  # + 1: a date range's constant score (its boost)
        docs, scores = docs[keep], scores[keep]
    if len(words.terms) + len(words.ranges) > 2:
        order = np.argsort(docs, kind="stable")
        docs = docs[order]
        scores = np.asarray(whoosh_scores(searcher, query, docs.tolist()), dtype=np.float64)
    elif words.ranges:  # one word and a range: the word's score plus the range's, one addition as Whoosh's
        scores = scores + float(words.ranges[0].boost)
    order = np.lexsort((docs, -scores))[:limit]
    return [(int(d), float(s)) for d, s in zip(docs[order], scores[order], strict=True)], matched


def whoosh_scores(searcher, query: wq.Query, docnums: list[int]) -> list[float]:
    """Whoosh's score of each of these documents (ascending, all matching `query`), from the matchers its
    collector builds (the searcher's context), skipping along the postings to each."""
    context = searcher.context()
    weighting = searcher.weighting
    final = weighting.final if weighting.use_final else None
    found: list[float] = []
    for sub, offset in searcher.leaf_searchers():
        start = bisect.bisect_left(docnums, offset)
        end = bisect.bisect_left(docnums, offset + sub.doc_count_all())
        if start == end:
            continue
        matcher = query.matcher(sub, context)
        for docnum in docnums[start:end]:
            local = docnum - offset
            if matcher.id() < local:
                matcher.skip_to(local)
            if not matcher.is_active() or matcher.id() != local:
                raise AssertionError(f"document {docnum} does not match {query!r}")
            score = matcher.score()
            found.append(final(searcher, docnum, score) if final else score)
    return found
