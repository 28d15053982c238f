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

numpy scores every matching document and so picks the best ones. It adds a document's term scores in
the order of the words, Whoosh in the order of its tree of matchers, and the two sums can differ in the
last bit (1 document in ~30,000 on Reuters): so every document numpy scores within a relative 1e-9 of
the last one kept (summing in another order moves a sum of positive terms by far less) is scored again,
its terms' scores added up along the tree Whoosh builds for the query in its segment (`tree_scores`;
for a matcher that evaluation does not know, Whoosh's own matchers score it, skipping along their
postings: `whoosh_scores`). Ordered by that score and then the lower document number, as Whoosh's
collector orders them, the best ones are Whoosh's. One or two parts (words, or a word and a date range)
need no second scoring: a word's score is Whoosh's formula in Whoosh's order of operations (bit for
bit), and one addition gives the same sum in either order.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.matching.mcore import LeafMatcher, ListMatcher, NullMatcherClass
from whoosh.matching.wrappers import ConstantScoreWrapperMatcher, FilterMatcher

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
    docs, scores, each = scorer.matches(words.fieldname, words.terms, words.boosts, words.operator)
    if words.ranges and len(docs):
        keep = np.isin(docs, in_ranges(searcher, words.ranges))
        docs, scores, each = docs[keep], scores[keep], each[:, keep]
    if mask and len(docs):
        keep = ~np.isin(docs, np.fromiter(mask, dtype=np.int64, count=len(mask)))
        docs, scores, each = docs[keep], scores[keep], each[:, keep]
    matched = len(docs)
    if limit < matched:
        cut = np.partition(scores, matched - limit)[matched - limit]
        keep = scores >= cut - MARGIN * (abs(cut) + 1.0)  # + 1: a date range's constant score (its boost)
        docs, scores, each = docs[keep], scores[keep], each[:, keep]
    if len(words.terms) + len(words.ranges) > 2:
        order = np.argsort(docs, kind="stable")
        docs, each = docs[order], each[:, order]
        try:
            summed = tree_scores(searcher, query, docs.tolist(), words, each)
        except _Unknown:
            summed = whoosh_scores(searcher, query, docs.tolist())
        scores = np.asarray(summed, dtype=np.float64)
    elif words.ranges:  # one word and a range: the word's score plus the range's, one addition as Whoosh's
        scores = scores + float(words.ranges[0].boost)
    order = np.lexsort((docs, -scores))[:limit]
    return [(int(d), float(s)) for d, s in zip(docs[order], scores[order], strict=True)], matched


class _Unknown(Exception):
    """A matcher the tree evaluation does not know: Whoosh's matchers score the documents instead."""


def tree_scores(searcher, query: wq.Query, docnums: list[int], words: PlainWords, each: np.ndarray) -> list[float]:
    """Whoosh's score of each of these documents (ascending, all matching `query`), from the terms' scores
    (`each`: terms x documents, NaN where absent) added up along the tree of matchers Whoosh builds for
    the query in each segment (which depends on the terms' frequencies there): the same additions in the
    same order as Whoosh's matchers, without moving them along the postings."""
    context = searcher.context()
    weighting = searcher.weighting
    final = weighting.final if weighting.use_final else None
    row = {(words.fieldname, term): number for number, term in enumerate(words.terms)}
    found: list[float] = []
    for sub, _, start, end in _segment_spans(searcher, docnums):
        add = _adder(query.matcher(sub, context), row)
        for column in range(start, end):
            score = add(each[:, column])
            if score is None:
                raise AssertionError(f"document {docnums[column]} does not match {query!r}")
            found.append(final(searcher, docnums[column], score) if final else score)
    return found


def _adder(matcher, row: dict[tuple[str, bytes], int]):
    """A function of a document's term scores (one column of `each`) giving the matcher's score of it
    (None: the matcher does not match it), for the matchers a plain query's tree is made of."""
    kind = type(matcher)
    if kind is matching.IntersectionMatcher:
        a, b = _adder(matcher.a, row), _adder(matcher.b, row)

        def both(column):
            x, y = a(column), b(column)
            return None if x is None or y is None else x + y

        return both
    if kind is matching.UnionMatcher:
        a, b = _adder(matcher.a, row), _adder(matcher.b, row)

        def either(column):
            x, y = a(column), b(column)
            return y if x is None else x if y is None else x + y

        return either
    if kind is matching.WrappingMatcher or (kind is FilterMatcher and matcher._exclude):
        # FilterMatcher(exclude=True): a segment's deleted documents left out (as numpy leaves them out)
        child, boost = _adder(matcher.child, row), matcher.boost

        def boosted(column):
            x = child(column)
            return None if x is None else x * boost

        return boosted
    if kind is matching.ArrayUnionMatcher:
        subs, boost = [_adder(m, row) for m in matcher._submatchers], matcher._boost

        def summed(column):
            total, hit = 0.0, False
            for sub in subs:
                x = sub(column)
                if x is not None:
                    total += x * boost
                    hit = True
            return total if hit else None

        return summed
    if kind is ConstantScoreWrapperMatcher or (kind is ListMatcher and not matcher._scorer and matcher._all_weights):
        # a date range (Whoosh's ConstantScoreQuery lists its documents with its score): the documents
        # scored here are all in it
        constant = matcher.score() if kind is ListMatcher else matcher._score
        return lambda column: constant
    if kind is NullMatcherClass:
        return lambda column: None
    scored = isinstance(matcher, LeafMatcher) or (kind is ListMatcher and matcher._scorer is not None)  # inlined
    if scored and matcher.term() in row:
        number = row[matcher.term()]

        def term(column):
            x = column[number]
            return None if x != x else float(x)  # NaN: the document lacks the term

        return term
    raise _Unknown(kind.__name__)


def _segment_spans(searcher, docnums: list[int]):
    """(segment's searcher, its first document number, start, end) of each segment holding some of
    `docnums` (ascending): docnums[start:end] are its documents."""
    for sub, offset in searcher.leaf_searchers():
        start = bisect.bisect_left(docnums, offset)
        end = bisect.bisect_left(docnums, offset + sub.doc_count_all())
        if start != end:
            yield sub, offset, start, end


def whoosh_scores(searcher, query: wq.Query, docnums: list[int]) -> list[float]:
    """Whoosh's score of each of these documents (ascending, all matching `query`), from the matchers its
    collector builds (the searcher's context), skipping along the postings to each."""
    context = searcher.context()
    weighting = searcher.weighting
    final = weighting.final if weighting.use_final else None
    found: list[float] = []
    for sub, offset, start, end in _segment_spans(searcher, docnums):
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
