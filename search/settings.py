"""Every knob of the ranking, in one settings object (the defaults are those measured in the README's
evaluation; `bench/evaluate.py --experiment` moves them one at a time)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ranking:
    # which articles, and how they score
    k1: float = 1.6  # Whoosh's BM25F over whole articles
    b: float = 0.75
    query_frequency: bool = True  # a word typed n times weighs n times in the article score (BM25's qf)
    passage_query_frequency: bool = False  # ... and in the passage score (measured worse)
    or_bonus: float = 0.0  # Whoosh's OrGroup.factory: what matching more of the words adds beyond BM25
    few: int = 10  # a plain query of `long_query` words or more whose words all match fewer articles
    long_query: int = 2  # than `few` is ranked with any of its words (a shorter one: when none match);
    # a query with operators, +/- signs, | or "quotes" is run as written
    # passages
    candidates: int = 50  # articles re-ranked with their passages (at least)
    candidates_per_hit: int = 3  # ... and at least this many per hit asked for
    article_weight: float = 0.7  # share of the article score in the final score; the best passage has the rest
    headline_weight: float = 2.0  # the headline scored as a passage, times this (0: headlines are no passage)
    passage_k1: float = 1.6  # BM25 over a passage's words
    passage_b: float = 0.75
    proximity: float = 0.0  # weight of query word pairs found close together in a passage (0: off)
    pair_slop: int = 3  # ... within this many positions
    # stories
    collapse_depth: int = 3  # candidates looked at for other reports of each shown story: depth x --limit
    story_key_terms: int = 25  # an article's key terms (by tf-idf) compared between reports
    same_story: float = 0.3  # Jaccard similarity of key-term sets from which two reports tell one story
    days_apart: int = 3  # reports dated further apart are different stories
    # `similar`
    similar_key_terms: int = 25  # the article's key terms (Bo1) that make its query
    # did-you-mean
    suggest_below: int = 3  # a query with fewer hits than this gets a suggestion if one finds more
    suggest_tries: int = 12  # combinations of candidate corrections tried

    def weighting(self):
        from whoosh import scoring

        return scoring.BM25F(K1=self.k1, B=self.b)

    def falls_back(self, words: int, all_words: int) -> bool:
        """Whether a plain query of `words` words (joined by AND, no operators) of which `all_words`
        articles have every word is ranked with any of its words instead."""
        return words > 1 and all_words < (self.few if words >= self.long_query else 1)


DEFAULT_RANKING = Ranking()
