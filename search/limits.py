"""What one query may cost: how many index terms its patterns stand for, and how long it may run.

As Elasticsearch bounds a query (`max_expansions`, `max_clause_count`, `timeout`):

- a pattern that matches any word (`*`, `?*`, `title:*`) means every article;
- a prefix, wildcard or fuzzy term stands for at most `max_expansions` index terms (a prefix or
  wildcard: its most frequent ones; a fuzzy term: its closest ones, the more frequent first), and all
  the query's patterns together for at most `max_terms` (each pattern then gets an equal share);
- a fuzzy term allows the edits its length allows, as Elasticsearch's AUTO fuzziness: none up to 2
  letters, 1 up to 5, 2 beyond (`x~2` is the word x), and keeps its first letter (as Whoosh's own
  FuzzyTerm does by default: most misspellings do, and it spares a walk through every word);
- a search runs for at most `timeout` seconds: one that runs out returns the best articles found so
  far and says so (`SearchResult.timed_out`); patterns not yet expanded when it runs out stand for
  their own text only, and one whose walk through the vocabulary (a range, `?x*`) runs out stands for
  the terms found by then, the most frequent of those it had time to look up first.

The patterns are expanded once, against the index, into ordinary terms (`bound_query`), so every later
step (scoring, passages, highlights) works with the same bounded list.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from whoosh import query as wq

from newsgrep.search.backend import Backend


@dataclass(frozen=True)
class Limits:
    max_expansions: int = 64  # index terms one prefix, wildcard or fuzzy term stands for
    max_terms: int = 256  # ... all of a query's patterns together
    timeout: float = 2.0  # seconds a search may run (0: no limit)


DEFAULT_LIMITS = Limits()
GRACE = 0.1  # of the time budget, left to retrieving articles however long the query's expansion took


class Deadline:
    """A point in time a search must finish by (None: never)."""

    def __init__(self, seconds: float | None):
        self.at = time.monotonic() + seconds if seconds else None
        self.grace = (seconds or 0) * GRACE

    def left(self) -> float | None:
        """Seconds left (None: no limit), never below a tenth of the budget: a search whose patterns took
        its time still gets a moment to find its best articles."""
        if self.at is None:
            return None
        return max(self.at - time.monotonic(), self.grace)

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at


LONGEST_WORD = 40  # letters: a longer "word" is not corrected (Whoosh's edit distance walks it letter by letter)


def fuzzy_edits(word: str, asked: int) -> int:
    """The edits a fuzzy `word~asked` allows: Elasticsearch's AUTO fuzziness as a ceiling."""
    allowed = 0 if len(word) <= 2 or len(word) > LONGEST_WORD else 1 if len(word) <= 5 else 2
    return min(asked, allowed)


def matches_any_word(pattern: str) -> bool:
    """Whether a wildcard pattern matches every word (only `*` and `?`, at least one `*`)."""
    return "*" in pattern and set(pattern) <= {"*", "?"}


def bound_query(
    query: wq.Query,
    backend: Backend,
    limits: Limits = DEFAULT_LIMITS,
    deadline: Deadline | None = None,
    cache: dict | None = None,
) -> wq.Query:
    """`query` with each pattern replaced by the index terms it stands for, within `limits` (and, once
    `deadline` has passed, by its own text only). `cache` keeps expansions for another query of the
    same search (its passage query)."""
    patterns = [node for node in _walk(query) if _is_pattern(node)]
    if not patterns:
        return query
    share = max(1, min(limits.max_expansions, limits.max_terms // len(patterns)))
    cache = {} if cache is None else cache
    late = deadline if deadline is not None else Deadline(None)
    return _replace(query, lambda node: _expanded(node, backend, share, cache, late))


def _is_pattern(node: wq.Query) -> bool:
    return isinstance(node, (wq.MultiTerm, wq.Every)) and not isinstance(node, wq.Variations)


def _expanded(node: wq.Query, backend: Backend, share: int, cache: dict, deadline: Deadline) -> wq.Query:
    key = (type(node).__name__, share) + tuple(
        getattr(node, name, None)
        for name in ("fieldname", "text", "maxdist", "prefixlength", "start", "end", "startexcl", "endexcl")
    )
    if key not in cache:
        if deadline.passed() and not isinstance(node, wq.Every):
            text = getattr(node, "text", None) or ""  # a range has no text of its own: it then matches nothing
            text = text.rstrip("*?") if isinstance(node, wq.PatternQuery) else text
            cache[key] = wq.Term(node.fieldname, text) if text else wq.NullQuery
        else:
            cache[key] = _expand(node, backend, share, deadline)
    if cache[key] is wq.NullQuery:
        return wq.NullQuery
    found = cache[key].copy()
    found.boost = node.boost
    return found


def _expand(node: wq.Query, backend: Backend, share: int, deadline: Deadline) -> wq.Query:
    if isinstance(node, wq.Every) or (isinstance(node, wq.Wildcard) and matches_any_word(node.text)):
        return wq.Every()
    if isinstance(node, (wq.Prefix, wq.Wildcard)) and node.text == "":
        return wq.Every()
    field = node.fieldname
    if isinstance(node, wq.FuzzyTerm):
        edits = fuzzy_edits(node.text, node.maxdist)
        kept = max(node.prefixlength, 1)
        closest = backend.corrections(field, node.text, limit=share, maxdist=edits, prefix=kept) if edits else []
        exact = backend.doc_frequencies(field, [node.text]).get(node.text, 0) > 0
        terms = ([node.text] if exact else []) + [t for t in closest if t != node.text]
        terms = terms[:share]
    else:
        found = backend.expand(node, field, deadline.left())
        if len(found) > share:
            frequencies = backend.doc_frequencies(field, found, deadline.left())
            found = set(sorted(found, key=lambda t: (-frequencies.get(t, 0), t))[:share])
        terms = sorted(found)
    if not terms:
        return wq.NullQuery
    if len(terms) == 1:
        return wq.Term(field, terms[0])
    return wq.Or([wq.Term(field, term) for term in terms])


def _walk(q: wq.Query):
    yield q
    for child in q.children():
        yield from _walk(child)


def _replace(q: wq.Query, change) -> wq.Query:
    if _is_pattern(q):
        return change(q)
    if q.is_leaf():
        return q
    return q.apply(lambda child: _replace(child, change))
