"""BM25F with collection statistics from outside the index: a shard of a sharded index scores with the
document count, document frequencies and field lengths summed over all shards (as Elasticsearch's
dfs_query_then_fetch), so that its scores equal those of one index holding every shard's documents.

A Whoosh WeightingModel (Whoosh's plug point for scoring): the same formulas as whoosh.scoring.BM25F,
with `idf` and the average field length taken from a newsgrep.search.backend.CollectionStats.
"""

from __future__ import annotations

from math import log

from whoosh import scoring

from newsgrep.search.backend import CollectionStats


class GlobalBM25F(scoring.BM25F):
    def __init__(self, stats: CollectionStats, B: float = 0.75, K1: float = 1.2):
        super().__init__(B=B, K1=K1)
        self.stats = stats

    def idf(self, searcher, fieldname, text):
        """Whoosh's idf, log(N / (df + 1)) + 1, over the whole collection."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        frequency = self.stats.frequencies.get((fieldname, text), 0)
        return log(self.stats.documents / (frequency + 1)) + 1 if self.stats.documents else 0.0

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        average = self.stats.field_lengths.get(fieldname, 0) / (self.stats.documents or 1)
        return _Scorer(searcher, fieldname, text, self.B, self.K1, qf, self.idf(searcher, fieldname, text), average)


class _Scorer(scoring.BM25FScorer):
    """whoosh.scoring.BM25FScorer with its two collection statistics given, not read from the searcher
    (they are set before `setup`, which bounds each block's best score with them)."""

    def __init__(self, searcher, fieldname, text, B, K1, qf, idf, average):
        self.idf = idf
        self.avgfl = average or 1
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


def weighting_for(stats: CollectionStats, like: scoring.BM25F) -> GlobalBM25F:
    """BM25F with `like`'s k1 and b and the collection's statistics."""
    return GlobalBM25F(stats, B=like.B, K1=like.K1)
