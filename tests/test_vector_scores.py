"""The numpy BM25F scorer finds the same best articles, with the same scores, as Whoosh's searcher for
plain word queries (all of the words, or any), over several segments with deleted documents."""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from newsgrep.store.layout import IndexDir
from newsgrep.store.schema import F
from search.settings import Ranking
from search.vector_scores import VectorScorer
from tests.conftest import segmented_corpus_index


def _queries(searcher, count: int, seed: int = 7) -> list[list[bytes]]:
    """1-4 words each: stems of the articles' stored key terms, and rare and common words of the body."""
    rng = random.Random(seed)
    stems = sorted({stem for fields in searcher.all_stored_fields() for stem, _ in fields.get(F.TERMS, [])})
    everyday = [b"the", b"of", b"said", b"year", b"govern", b"minist", b"elect", b"polic"]
    queries = []
    for _ in range(count):
        words = [rng.choice(stems).encode() for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            words.append(rng.choice(everyday))
        queries.append(words)
    return queries


@pytest.mark.slow
def test_vector_scores_equal_whooshs_on_hundreds_of_queries(tmp_path):
    index_dir = segmented_corpus_index(tmp_path)
    ix = IndexDir(index_dir).open_whoosh()
    with ix.searcher(weighting=Ranking().weighting()) as searcher:
        assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
        scorer = VectorScorer(searcher)
        compared = hits = 0
        for words in _queries(searcher, 300):
            for operator, compound in (("and", wq.And), ("or", wq.Or)):
                found = searcher.search(compound([wq.Term(F.BODY, w) for w in words]), limit=10)
                expected = [(hit.docnum, hit.score) for hit in found]
                got = scorer.top(F.BODY, words, operator, limit=10)
                assert [d for d, _ in got] == [d for d, _ in expected], (words, operator)
                for (_, mine), (_, theirs) in zip(got, expected, strict=True):
                    assert mine == pytest.approx(theirs, rel=1e-9), (words, operator)
                compared += 1
                hits += len(expected)
        assert compared == 600 and hits > 2_000
