"""Marks where a query matched inside a passage, as (start, end) character spans into its text.

The passage is re-tokenized with the index's own analyzer, so stemmed variants match ("negotiate"
marks "negotiating") and positions agree with the index's (stop words skipped the same way), which
lets phrases be marked as phrases: one span from the first word to the last. Whoosh's own
phrase-aware filter (highlight.set_matched_filter_phrases) compares unanalyzed words with the
phrase's stems, so it misses stemmed phrases; this module keeps Whoosh's tokens and does the matching.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from newsgrep.search.backend import Backend
from newsgrep.search.parse import positive_leaves


@dataclass(frozen=True)
class MatchTerms:
    """What to mark: single index terms (stems, wildcard and fuzzy expansions) and phrases."""

    words: frozenset[str]
    phrases: tuple[tuple[tuple[str, ...], int], ...]  # (stems, slop)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def match_terms(passage_query: wq.Query | None, backend: Backend, fieldname: str) -> MatchTerms:
    """The terms of `passage_query` that exist in the index, with wildcards and fuzzy terms expanded."""
    if passage_query is None:
        return MatchTerms(frozenset(), ())
    words = frozenset(backend.expand(passage_query, fieldname))
    phrases = tuple(
        (tuple(leaf.words), max(1, leaf.slop))
        for leaf in positive_leaves(passage_query)
        if isinstance(leaf, wq.Phrase) and leaf.fieldname == fieldname and leaf.words
    )
    return MatchTerms(words, phrases)


def highlight_spans(text: str, analyzer, terms: MatchTerms) -> list[tuple[int, int]]:
    if not terms:
        return []
    tokens = [(t.pos, t.text, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]
    spans = [(start, end) for _, word, start, end in tokens if word in terms.words]
    for words, slop in terms.phrases:
        spans.extend(_phrase_spans(tokens, words, slop))
    return _merge(spans)


def _phrase_spans(tokens, words, slop):
    for i, (pos, word, start, end) in enumerate(tokens):
        if word != words[0]:
            continue
        last_pos, last_end, j = pos, end, i + 1
        for wanted in words[1:]:
            while j < len(tokens) and tokens[j][0] <= last_pos + slop and tokens[j][1] != wanted:
                j += 1
            if j == len(tokens) or tokens[j][0] > last_pos + slop or tokens[j][0] <= last_pos:
                break
            last_pos, last_end = tokens[j][0], tokens[j][3]
            j += 1
        else:
            yield (start, last_end)


def _merge(spans):
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
