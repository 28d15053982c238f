"""One story, one hit: search results that are copies of each other (near-duplicate signatures from the
index) or the same story told by different outlets (the same key terms, close dates) are collapsed into
the best-ranked of them, which lists the others. Reports are only merged across outlets: two articles of
one source, or two whose source is unknown, are merged only when they are copies."""

from __future__ import annotations

import datetime as dt
import math

from search.results import Copy

KEY_TERMS = 25
SAME_STORY = 0.3  # Jaccard similarity of key-term sets from which two reports tell one story
DAYS_APART = 3


class StoryMatcher:
    """Decides whether two stored articles are one story; caches key terms per query."""

    def __init__(self, reader, copies: dict[str, list[str]]):
        self.reader = reader
        self.copies = copies
        self.total = max(reader.doc_count_all(), 1)
        # document frequencies outlive the query: kept on the reader, which is kept open between searches
        self._df: dict[str, int] = reader.__dict__.setdefault("_newsgrep_df", {})
        self._keys: dict[str, frozenset[str]] = {}

    def key_terms(self, fields: dict) -> frozenset[str]:
        cached = self._keys.get(fields["id"])
        if cached is None:
            weights = {term: count * self._idf(term) for term, count in fields.get("terms", ())}
            cached = frozenset(sorted(weights, key=lambda t: -weights[t])[:KEY_TERMS])
            self._keys[fields["id"]] = cached
        return cached

    def _idf(self, term: str) -> float:
        df = self._df.get(term)
        if df is None:
            df = self._df[term] = self.reader.doc_frequency("body", term)
        return math.log(1 + (self.total - df + 0.5) / (df + 0.5))

    def same(self, a: dict, b: dict) -> bool:
        if b["id"] in self.copies.get(a["id"], ()) or a["id"] in self.copies.get(b["id"], ()):
            return True
        source_a, source_b = (a.get("source") or "").lower(), (b.get("source") or "").lower()
        if source_a == source_b:
            return False  # one outlet's two articles (or two of unknown origin) are two stories, unless copies
        date_a, date_b = a.get("date"), b.get("date")
        if date_a and date_b and abs(date_a - date_b) > dt.timedelta(days=DAYS_APART):
            return False
        keys_a, keys_b = self.key_terms(a), self.key_terms(b)
        return len(keys_a & keys_b) >= SAME_STORY * len(keys_a | keys_b) > 0


def as_copy(fields: dict) -> Copy:
    return Copy(fields["id"], fields.get("path", ""), fields.get("source"), fields.get("date"), fields.get("title", ""))
