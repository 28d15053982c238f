"""One story, one hit: search results that are copies of each other (near-duplicate signatures from the
index) or the same story told by different outlets (the same key terms, close dates) are collapsed into
the best-ranked of them, which lists the others. Reports are only merged across outlets: two articles of
one source, or two whose source is unknown, are merged only when they are copies."""

from __future__ import annotations

import datetime as dt

from newsgrep.search.results import Copy
from newsgrep.search.settings import Ranking
from newsgrep.store.schema import StoredArticle


class StoryMatcher:
    """Decides whether two stored articles are one story; caches key terms per query."""

    def __init__(self, copies: dict[str, list[str]], idf, ranking: Ranking):
        self.copies = copies
        self.idf = idf  # term -> its idf in the body field
        self.ranking = ranking
        self._keys: dict[str, frozenset[str]] = {}

    def key_terms(self, article: StoredArticle) -> frozenset[str]:
        cached = self._keys.get(article.id)
        if cached is None:
            weights = {term: count * self.idf(term) for term, count in article.terms}
            cached = frozenset(sorted(weights, key=lambda t: -weights[t])[: self.ranking.story_key_terms])
            self._keys[article.id] = cached
        return cached

    def same(self, a: StoredArticle, b: StoredArticle) -> bool:
        if b.id in self.copies.get(a.id, ()) or a.id in self.copies.get(b.id, ()):
            return True
        if (a.source or "").lower() == (b.source or "").lower():
            return False  # one outlet's two articles (or two of unknown origin) are two stories, unless copies
        if a.date and b.date and abs(a.date - b.date) > dt.timedelta(days=self.ranking.days_apart):
            return False
        keys_a, keys_b = self.key_terms(a), self.key_terms(b)
        return len(keys_a & keys_b) >= self.ranking.same_story * len(keys_a | keys_b) > 0


def as_copy(article: StoredArticle) -> Copy:
    return Copy(article.id, article.path, article.source, article.date, article.title, article.key)
