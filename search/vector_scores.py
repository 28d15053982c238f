"""BM25F for plain word queries (all of the words, or any of them) scored with numpy from the W3 posting
blocks: the same best articles and scores as Whoosh's searcher with its BM25F weighting, without its
per-posting matchers.

Each term's blocks are read from the segment's posting file and decoded at once (inflate, unpickle,
the ids' gaps summed), each document's length from the segment's length column, and the BM25F formula
of `whoosh.scoring.bm25` applied to whole arrays in its order of operations; deleted documents are
left out and the best `limit` kept with Whoosh's order (score, then the lower document number).
A document's score is the sum of its terms' scores, as Whoosh's matchers add them, but in the order of
the words rather than the order of Whoosh's tree of matchers: scores can differ from Whoosh's in the
last bits (tests/test_vector_scores.py allows 1e-9 relative).

It reads private parts of whoosh-reloaded's W3 codec (SegmentReader's terms and per-document readers,
the posting file, the block layout; pinned <2.8 in pyproject.toml).
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC
from whoosh.util.numeric import _length_byte_cache

_INT = struct.Struct("!i")
_BYTE_TO_LENGTH = np.array(_length_byte_cache, dtype=np.float64)


def term_postings(reader, fieldname: str, term: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A term's documents and weights in one segment (empty when the segment lacks the term)."""
    terms = reader._terms
    try:
        info = terms.term_info(fieldname, term)
    except Exception:  # whoosh.reading.TermNotFound
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    if info.is_inlined():
        ids, weights, _ = info.inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32).astype(np.float64)
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves the length in a 1-tuple
        length = length[0]
    raw = terms._postfile.get(offset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"not a W3 posting list at {offset}")
    all_ids, all_weights = [], []
    position = 4
    while True:
        (size,) = _INT.unpack_from(raw, position)
        position += 4
        last = size < 0
        end = position + abs(size)
        stream = io.BytesIO(raw[position:end])
        count, _, _, compression, _, _ = pickle.load(stream)
        data = stream.read()
        gaps, weights, _ = pickle.loads(zlib.decompress(data) if compression else data)
        all_ids.append(np.cumsum(np.asarray(gaps, dtype=np.int64)))
        if weights is None:
            all_weights.append(np.ones(count, dtype=np.float32))
        elif isinstance(weights, float):
            all_weights.append(np.full(count, weights, dtype=np.float32))
        else:
            all_weights.append(np.asarray(weights, dtype=np.float64))
        position = end
        if last:
            break
    return np.concatenate(all_ids), np.concatenate(all_weights).astype(np.float64)


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Each document's length in the field as Whoosh's scorer reads it (the length byte's length)."""
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:  # Whoosh's scorer then takes 1
        return np.ones(count, dtype=np.float64)
    lengths = np.zeros(count, dtype=np.int64)
    found = np.fromiter((column[n] for n in range(count)), dtype=np.int64, count=count)
    lengths[: len(found)] = found
    return _BYTE_TO_LENGTH[lengths]


class VectorScorer:
    """Scores plain word queries on one Whoosh searcher (BM25F weighting) with numpy."""

    def __init__(self, searcher):
        self.searcher = searcher
        weighting = searcher.weighting
        self.K1 = weighting.K1
        self._field_B = dict(getattr(weighting, "_field_B", {}))
        self.B = weighting.B
        self._lengths: dict[tuple[int, str], np.ndarray] = {}

    def _segment_lengths(self, number: int, reader, fieldname: str) -> np.ndarray:
        key = (number, fieldname)
        if key not in self._lengths:
            self._lengths[key] = field_lengths(reader, fieldname)
        return self._lengths[key]

    def top(
        self, fieldname: str, terms: list[bytes], operator: str = "and", limit: int = 10
    ) -> list[tuple[int, float]]:
        """The best `limit` (document number, score) for the terms (all of them, or any), best first."""
        docs, scores, _ = self.matches(fieldname, terms, [1.0] * len(terms), operator)
        if len(docs) > limit:
            cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            keep = scores >= cut
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:limit]
        return [(int(d), float(s)) for d, s in zip(docs[order], scores[order], strict=True)]

    def matches(
        self, fieldname: str, terms: list[bytes], boosts: list[float], operator: str = "and"
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every document (number) matching the terms (all of them, or any; deleted ones left out), its
        score (the sum of its terms' BM25F scores, each times its boost) and each term's score in it
        before the boost (terms x documents, NaN where the document lacks the term)."""
        searcher = self.searcher
        if not searcher.doc_count_all():  # Whoosh's idf is log(0) here; its matchers never ask for it
            return np.empty(0, dtype=np.int64), np.empty(0), np.empty((len(terms), 0))
        B, K1 = self._field_B.get(fieldname, self.B), self.K1
        avgfl = searcher.avg_field_length(fieldname) or 1
        idfs = [searcher.idf(fieldname, term) for term in terms]
        all_docs, all_scores, all_terms = [], [], []
        for number, (leaf, offset) in enumerate(searcher.leaf_searchers()):
            reader = leaf.reader()
            lengths = self._segment_lengths(number, reader, fieldname)
            postings = [term_postings(reader, fieldname, term) for term in terms]
            docs, scores, each = _combine(postings, idfs, boosts, lengths, avgfl, B, K1, operator)
            if reader.has_deletions() and len(docs):
                deleted = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)
                keep = ~np.isin(docs, deleted)
                docs, scores, each = docs[keep], scores[keep], each[:, keep]
            all_docs.append(docs + offset)
            all_scores.append(scores)
            all_terms.append(each)
        if not all_docs:
            return np.empty(0, dtype=np.int64), np.empty(0), np.empty((len(terms), 0))
        return np.concatenate(all_docs), np.concatenate(all_scores), np.concatenate(all_terms, axis=1)


def _combine(postings, idfs, boosts, lengths, avgfl, B, K1, operator):
    """Documents matching the terms (all, or any), the sum of their terms' BM25F scores (each times its
    boost) and each term's score (terms x documents, NaN where absent)."""
    if operator == "and":
        docs = None
        for ids, _ in postings:
            docs = ids if docs is None else np.intersect1d(docs, ids, assume_unique=True)
        if docs is None or not len(docs):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64), np.empty((len(postings), 0))
    else:
        docs = np.unique(np.concatenate([ids for ids, _ in postings])) if postings else np.empty(0, np.int64)
    total = np.zeros(len(docs), dtype=np.float64)
    each = np.full((len(postings), len(docs)), np.nan)
    for row, ((ids, weights), idf, boost) in enumerate(zip(postings, idfs, boosts, strict=True)):
        where = np.searchsorted(docs, ids)
        inside = (where < len(docs)) & (docs[np.minimum(where, len(docs) - 1)] == ids) if len(docs) else where < 0
        tf, at = weights[inside], where[inside]
        fl = lengths[ids[inside]]
        score = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))  # whoosh.scoring.bm25
        total[at] += score * boost if boost != 1.0 else score  # as Whoosh's WrappingMatcher boosts
        each[row, at] = score
    return docs, total, each
