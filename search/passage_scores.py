"""Scores the passages of candidate articles with BM25, from the body's own postings.

Each stored passage knows its range of token positions in the body. The positions of the query's
words (and of its phrases' occurrences) in a candidate's body, bucketed into those ranges, give each
passage its term frequencies; idf comes from the body field. No passage is indexed on its own, so
passages cost nothing at indexing time.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.reading import TermNotFound

from search.parse import positive_leaves

FIELD = "body"
PAIR_SLOP = 3


@dataclass(frozen=True)
class _Feature:
    """A word (or a phrase) of the query, and its weight."""

    idf: float
    words: tuple[bytes, ...]  # one word, or a phrase's words in order
    slop: int = 1


def passage_scores(
    reader,
    candidates: dict[int, list[tuple[int, int, int, int]]],
    passage_query: wq.Query | None,
    k1: float,
    b: float,
    proximity: float = 0.0,
) -> dict[int, list[tuple[float, int]]]:
    """{docnum: [(score, passage number)]} for passages holding some of the query's words. With
    `proximity`, each pair of words next to each other in the query also counts where the two stand
    within PAIR_SLOP positions in that order, weighted `proximity` times their mean idf."""
    if passage_query is None or not candidates:
        return {}
    features = _features(passage_query, reader, proximity)
    if not features:
        return {}
    docnums = sorted(candidates)
    lengths = [p[3] for passages in candidates.values() for p in passages]
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    postings: dict[bytes, dict[int, list[int]]] = {}
    for feature in features:
        for word in feature.words:
            if word not in postings:
                postings[word] = _positions(reader, word, docnums)
    scores: dict[int, list[tuple[float, int]]] = {}
    for docnum in docnums:
        passages = candidates[docnum]
        starts = [p[2] for p in passages]
        totals = [0.0] * len(passages)
        for feature in features:
            hits = _occurrences(feature, postings, docnum)
            if not hits:
                continue
            counts = [0] * len(passages)
            for position in hits:
                number = bisect.bisect_right(starts, position) - 1
                if number >= 0:
                    counts[number] += 1
            for number, tf in enumerate(counts):
                if tf:
                    norm = k1 * (1 - b + b * passages[number][3] / average)
                    totals[number] += feature.idf * tf * (k1 + 1) / (tf + norm)
        found = [(score, number) for number, score in enumerate(totals) if score > 0]
        if found:
            scores[docnum] = found
    return scores


def _features(passage_query: wq.Query, reader, proximity: float = 0.0) -> list[_Feature]:
    field = reader.schema[FIELD]
    total = max(reader.doc_count_all(), 1)

    def idf(word: bytes) -> float:
        frequency = reader.doc_frequency(FIELD, word)
        return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))

    features, seen = [], set()
    for leaf in positive_leaves(passage_query):
        if getattr(leaf, "fieldname", None) != FIELD:
            continue
        if isinstance(leaf, wq.Phrase):
            words = tuple(field.to_bytes(w) for w in leaf.words)
            if words and words not in seen:
                seen.add(words)
                features.append(_Feature(sum(idf(w) for w in words), words, max(1, leaf.slop)))
            continue
        for fieldname, word in leaf.existing_terms(reader, phrases=False, expand=True):
            if fieldname == FIELD and (word,) not in seen:
                seen.add((word,))
                features.append(_Feature(idf(word), (word,)))
    if proximity:
        words = [
            leaf for leaf in positive_leaves(passage_query) if isinstance(leaf, wq.Term) and leaf.fieldname == FIELD
        ]
        for first, second in zip(words, words[1:], strict=False):
            pair = (field.to_bytes(first.text), field.to_bytes(second.text))
            if pair[0] != pair[1] and pair not in seen:
                seen.add(pair)
                features.append(_Feature(proximity * (idf(pair[0]) + idf(pair[1])) / 2, pair, PAIR_SLOP))
    return features


def _positions(reader, word: bytes, docnums: list[int]) -> dict[int, list[int]]:
    """Positions of `word` in the bodies of `docnums` (sorted), skipping along its postings."""
    try:
        matcher = reader.postings(FIELD, word)
    except TermNotFound:
        return {}
    found = {}
    for docnum in docnums:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            found[docnum] = matcher.value_as("positions")
    return found


def _occurrences(feature: _Feature, postings: dict[bytes, dict[int, list[int]]], docnum: int) -> list[int]:
    """Where the feature occurs in the body: a word's positions, or the first positions of a phrase's
    occurrences (each next word within `slop` positions of the one before)."""
    lists = [postings[word].get(docnum) for word in feature.words]
    if not all(lists):
        return []
    if len(lists) == 1:
        return lists[0]
    following = [set(positions) for positions in lists[1:]]
    found = []
    for start in lists[0]:
        at = start
        for positions in following:
            nxt = next((p for p in range(at + 1, at + feature.slop + 1) if p in positions), None)
            if nxt is None:
                break
            at = nxt
        else:
            found.append(start)
    return found
