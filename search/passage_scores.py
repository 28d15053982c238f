"""Scores the passages of candidate articles with BM25, from the body's own postings.

Each stored passage knows its range of token positions in the body. The positions of the query's
words (and of its phrases' occurrences) in a candidate's body, bucketed into those ranges, give each
passage its term frequencies; idf comes from the body field. No passage is indexed on its own, so
passages cost nothing at indexing time.

The headline's words come first in the body's positions, before the first passage: given the headline's
length, they are scored as one more passage (number HEADLINE), weighted `ranking.headline_weight`, so an
article that names what is asked for only in its headline (a company over a table of figures) has
passage evidence too.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.scoring import bm25

from newsgrep.search.backend import Backend, Ref
from newsgrep.search.parse import positive_leaves
from newsgrep.search.settings import Ranking
from newsgrep.store.schema import PASSAGE_FIELD, StoredPassage


@dataclass(frozen=True)
class _Feature:
    """A word (or a phrase) of the query, and its weight."""

    idf: float
    words: tuple[str, ...]  # one word, or a phrase's words in order
    slop: int = 1


HEADLINE = -1  # the passage number of the headline


def passage_scores(
    backend: Backend,
    candidates: dict[Ref, list[StoredPassage]],
    passage_query: wq.Query | None,
    ranking: Ranking,
    headlines: dict[Ref, int] | None = None,
) -> dict[Ref, list[tuple[float, int]]]:
    """{document: [(score, passage number)]} for passages holding some of the query's words; with
    `headlines` ({document: the headline's length in words other than stop words}), the headline too,
    as passage number HEADLINE. With `ranking.proximity`, each pair of words next to each other in the
    query also counts where the two stand within `ranking.pair_slop` positions in that order, weighted
    `proximity` times their mean idf."""
    if passage_query is None or not candidates:
        return {}
    features = _features(passage_query, backend, ranking)
    if not features:
        return {}
    refs = list(candidates)
    lengths = [p.length for passages in candidates.values() for p in passages]
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    words = sorted({word for feature in features for word in feature.words})
    postings = backend.positions_of(PASSAGE_FIELD, words, refs)
    k1, b = ranking.passage_k1, ranking.passage_b
    scores: dict[Ref, list[tuple[float, int]]] = {}
    for ref in refs:
        passages = candidates[ref]
        starts = [p.first_pos for p in passages]
        totals = [0.0] * len(passages)
        headline_length = (headlines or {}).get(ref, 0)
        headline = 0.0
        for feature in features:
            hits = _occurrences(feature, postings, ref)
            if not hits:
                continue
            counts = [0] * len(passages)
            in_headline = 0
            for position in hits:
                number = bisect.bisect_right(starts, position) - 1
                if number >= 0:
                    counts[number] += 1
                else:
                    in_headline += 1
            for number, tf in enumerate(counts):
                if tf:
                    totals[number] += bm25(feature.idf, tf, passages[number].length, average, b, k1)
            if in_headline and headline_length:
                headline += bm25(feature.idf, in_headline, headline_length, average, b, k1)
        found = [(score, number) for number, score in enumerate(totals) if score > 0]
        if headline > 0 and ranking.headline_weight > 0:
            found.append((ranking.headline_weight * headline, HEADLINE))
        if found:
            scores[ref] = found
    return scores


def _features(passage_query: wq.Query, backend: Backend, ranking: Ranking) -> list[_Feature]:
    """The query's words (wildcards and fuzzy terms expanded), phrases and, with proximity, word pairs,
    each with its idf: Robertson's log(1 + (N - df + 0.5) / (df + 0.5)), never negative (Whoosh's
    log(N / (df + 1)) + 1 measured worse on TIME)."""
    total = max(backend.doc_count(), 1)
    leaves = [leaf for leaf in positive_leaves(passage_query) if getattr(leaf, "fieldname", None) == PASSAGE_FIELD]
    words: list[tuple[str, ...]] = []
    slops: list[int] = []
    weights: list[float] = []  # a word's boost: the times it was typed, with `passage_query_frequency`
    for leaf in leaves:
        if isinstance(leaf, wq.Phrase):
            if leaf.words:
                words.append(tuple(leaf.words))
                slops.append(max(1, leaf.slop))
                weights.append(1.0)
            continue
        for word in sorted(backend.expand(leaf, PASSAGE_FIELD)):
            words.append((word,))
            slops.append(1)
            weights.append(leaf.boost)
    pairs: list[tuple[str, str]] = []
    if ranking.proximity:
        terms = [leaf.text for leaf in leaves if isinstance(leaf, wq.Term)]
        pairs = [(a, c) for a, c in zip(terms, terms[1:], strict=False) if a != c]
    frequencies = backend.doc_frequencies(PASSAGE_FIELD, {w for group in (*words, *pairs) for w in group})

    def idf(word: str) -> float:
        return robertson_idf(total, frequencies.get(word, 0))

    features: list[_Feature] = []
    seen: set[tuple[str, ...]] = set()
    for group, slop, weight in zip(words, slops, weights, strict=True):
        if group not in seen:
            seen.add(group)
            features.append(_Feature(weight * sum(idf(w) for w in group), group, slop))
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            features.append(_Feature(ranking.proximity * (idf(pair[0]) + idf(pair[1])) / 2, pair, ranking.pair_slop))
    return features


def headline_length(title: str, passages: list[StoredPassage], analyzer) -> int:
    """The length BM25 normalises the headline by: its words other than stop words; 0 when the body's
    positions hold no headline (an article whose title was taken from its first line starts at 0)."""
    if passages and passages[0].first_pos == 0:
        return 0
    return sum(not getattr(token, "stop_word", False) for token in analyzer(title))


def robertson_idf(total: int, frequency: int) -> float:
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


def _occurrences(feature: _Feature, postings: dict[str, dict[Ref, list[int]]], ref: Ref) -> list[int]:
    """Where the feature occurs in the body: a word's positions, or the first positions of a phrase's
    occurrences (each next word within `slop` positions of the one before)."""
    lists = [postings[word].get(ref) for word in feature.words]
    if not all(lists):
        return []
    if len(lists) == 1:
        return lists[0]  # type: ignore[return-value]
    following = [set(positions) for positions in lists[1:]]  # type: ignore[arg-type]
    found = []
    for start in lists[0]:  # type: ignore[union-attr]
        at = start
        for positions in following:
            nxt = next((p for p in range(at + 1, at + feature.slop + 1) if p in positions), None)
            if nxt is None:
                break
            at = nxt
        else:
            found.append(start)
    return found
