"""The Searcher's numpy path for plain word queries (newsgrep.search.vector_path) gives exactly the results
of Whoosh's matchers (NEWSGREP_SCORER=whoosh): the same hits in the same order, scores, passages,
highlights, totals; and it is the path plain queries take, while phrases and patterns stay on Whoosh."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import shutil

import pytest

from newsgrep import open_index
from newsgrep.indexer.build import build_index
from newsgrep.search import vector_path
from tests.conftest import needs_shared, segmented_corpus_index

_WORD = re.compile(r"[A-Za-z][a-z]{2,}")
_COMMON = ["said", "year", "government", "minister", "election", "police", "people", "world", "new"]


def _queries(searcher, count: int, seed: int) -> list[tuple[str, str, dict]]:
    """(query text, operator, search options): 1-4 words of the articles' titles and bodies, some common,
    some typed twice, some within a period (--since/--until, or date: in the query) around an article's date."""
    rng = random.Random(seed)
    stored = list(searcher.backend._searcher.all_stored_fields())
    words = sorted(
        {w.lower() for a in stored for w in _WORD.findall(a.get("title", "") + " " + a.get("body", "")[:400])}
    )
    dates = sorted(a["date"] for a in stored if a.get("date"))
    queries = []
    for _ in range(count):
        chosen = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.3:
            chosen.append(rng.choice(_COMMON))
        if rng.random() < 0.1:
            chosen.append(chosen[0])  # a repeated word weighs twice (a boost)
        options, text = {}, " ".join(chosen)
        if dates and rng.random() < 0.3:
            when = rng.choice(dates)
            if rng.random() < 0.5:
                options = {"since": str((when - dt.timedelta(days=rng.randint(0, 60))).date())}
                if rng.random() < 0.5:
                    options["until"] = str((when + dt.timedelta(days=rng.randint(0, 60))).date())
            else:
                text += f" date:{when.year}"
        queries.append((text, "or" if rng.random() < 0.3 else "and", options))
    return queries


def _result(searcher, query: str, operator: str, options: dict, monkeypatch, scorer: str | None):
    if scorer is None:
        monkeypatch.delenv(vector_path.SWITCH, raising=False)
    else:
        monkeypatch.setenv(vector_path.SWITCH, scorer)
    result = searcher.search(query, operator=operator, limit=10, timeout=0, **options)
    found = dataclasses.asdict(result)
    found.pop("seconds")
    return found


def _assert_same_results(index_dir, queries_count: int, seed: int, monkeypatch) -> None:
    with open_index(index_dir) as searcher:
        backend = searcher.backend
        queries = _queries(searcher, queries_count, seed)
        compared = hits = filtered = fast_paths = 0
        for query, operator, options in queries:
            before = backend.vector_searches
            fast = _result(searcher, query, operator, options, monkeypatch, None)
            fast_paths += backend.vector_searches > before
            before = backend.vector_searches
            slow = _result(searcher, query, operator, options, monkeypatch, "whoosh")
            assert backend.vector_searches == before, query
            for mine, theirs in zip(fast["hits"], slow["hits"], strict=True):
                assert mine["score"] == pytest.approx(theirs["score"], rel=1e-9, abs=0), query
            assert fast == slow, (query, operator)
            compared += 1
            hits += len(slow["hits"])
            filtered += bool(options or "date:" in query) and bool(slow["hits"])
        assert compared == queries_count and hits > 3 * queries_count
        assert fast_paths > 0.8 * queries_count  # not all: "w date:2005" run with OR has an Or of a range
        return filtered


@pytest.mark.slow
def test_plain_queries_give_whooshs_results_on_the_bundled_corpus(tmp_path, monkeypatch):
    index_dir = segmented_corpus_index(tmp_path)
    assert _assert_same_results(index_dir, 300, 11, monkeypatch) > 30  # dated ones with hits


def test_plain_queries_give_whooshs_results_on_a_small_index(built, monkeypatch):
    assert _assert_same_results(built, 25, 5, monkeypatch) > 2


def test_the_fast_path_is_taken_for_plain_words_only(built, monkeypatch):
    monkeypatch.delenv(vector_path.SWITCH, raising=False)
    with open_index(built) as searcher:
        backend = searcher.backend
        taken = []
        plain = [
            "election",
            "police minister",
            "police OR minister",
            "police~",
            "police date:2005",
        ]  # police~: an Or of terms
        other = ['"prime minister"', "police NOT minister", "title:election", "elect* police", "police path:seeds"]
        for query in plain + other:
            before = backend.vector_searches
            searcher.search(query, timeout=0, correct=False)
            taken.append(backend.vector_searches > before)
        assert taken == [True] * len(plain) + [False] * len(other)
        monkeypatch.setenv(vector_path.SWITCH, "whoosh")
        before = backend.vector_searches
        searcher.search("police minister", timeout=0)
        assert backend.vector_searches == before


@pytest.mark.slow
def test_plain_queries_give_whooshs_results_on_bbc(tmp_path, monkeypatch):
    source = needs_shared("corpora", "bbc")
    root = tmp_path / "bbc"
    shutil.copytree(source, root)
    index_dir = tmp_path / "index"
    build_index([str(root)], index_dir)
    _assert_same_results(index_dir, 300, 3, monkeypatch)


def _tree_scores_match_whooshs(index_dir, count: int, seed: int) -> int:
    """tree_scores gives every matching document of random 2-6 word queries (boosted words, date ranges)
    Whoosh's own matchers' score, bit for bit; returns the documents compared."""
    import numpy as np
    from whoosh import query as wq

    from newsgrep.search.settings import Ranking
    from newsgrep.search.vector_scores import VectorScorer
    from newsgrep.store.layout import IndexDir
    from newsgrep.store.schema import F

    rng = random.Random(seed)
    compared = 0
    with IndexDir(index_dir).open_whoosh().searcher(weighting=Ranking().weighting()) as searcher:
        reader = searcher.reader()
        stems = [t for t in reader.lexicon(F.BODY) if reader.doc_frequency(F.BODY, t) >= 2]
        scorer = VectorScorer(searcher)
        for _ in range(count):
            words = list(dict.fromkeys(rng.choice(stems).decode() for _ in range(rng.randint(2, 6))))
            for compound in (wq.And, wq.Or):
                leaves = [wq.Term(F.BODY, w, boost=rng.choice([1.0, 1.0, 2.0])) for w in words]
                query = compound(leaves)
                if compound is wq.And and rng.random() < 0.3:
                    year = rng.choice([2004, 2005, 2006, 2007])
                    query = wq.And([*leaves, wq.DateRange(F.DATE, dt.datetime(year, 1, 1), dt.datetime(year, 12, 31))])
                words_of = vector_path.plain_words(query, searcher.schema)
                assert words_of is not None, query
                docs, _, each = scorer.matches(words_of.fieldname, words_of.terms, words_of.boosts, words_of.operator)
                if words_of.ranges:
                    keep = np.isin(docs, vector_path.in_ranges(searcher, words_of.ranges))
                    docs, each = docs[keep], each[:, keep]
                order = np.argsort(docs)
                docs, each = docs[order].tolist(), each[:, order]
                expected = vector_path.whoosh_scores(searcher, query, docs)
                assert vector_path.tree_scores(searcher, query, docs, words_of, each) == expected, query
                compared += len(docs)
    return compared


def test_tree_scores_are_whooshs_on_every_matching_document(built):
    assert _tree_scores_match_whooshs(built, 150, 3) > 500


@pytest.mark.slow
def test_tree_scores_are_whooshs_on_bbc(tmp_path):
    source = needs_shared("corpora", "bbc")
    root = tmp_path / "bbc"
    shutil.copytree(source, root)
    build_index([str(root)], tmp_path / "index")
    assert _tree_scores_match_whooshs(tmp_path / "index", 300, 4) > 20_000


def test_similar_gives_whooshs_results(built, monkeypatch):
    """`similar`'s query is an Or of up to 25 weighted key terms, without its own article: the fast path."""
    with open_index(built) as searcher:
        backend = searcher.backend
        ids = sorted(a["id"] for a in backend._searcher.all_stored_fields())[:8]
        for article_id in ids:
            found = {}
            for scorer in (None, "whoosh"):
                if scorer is None:
                    monkeypatch.delenv(vector_path.SWITCH, raising=False)
                else:
                    monkeypatch.setenv(vector_path.SWITCH, scorer)
                before = backend.vector_searches
                result = dataclasses.asdict(searcher.similar(article_id, limit=5))
                assert (backend.vector_searches > before) == (scorer is None)
                result.pop("seconds")
                found[scorer] = result
            assert found[None] == found["whoosh"] and found[None]["hits"], article_id
            assert article_id not in [hit["id"] for hit in found[None]["hits"]]


def test_an_empty_index_answers_nothing_on_both_paths(tmp_path, monkeypatch):
    """An index with no articles yet (a first build killed before its first batch) finds nothing, as
    Whoosh does, instead of failing on an idf of log(0)."""
    (tmp_path / "news").mkdir()
    build_index([tmp_path / "news"], tmp_path / "ix")
    with open_index(tmp_path / "ix") as searcher:
        for scorer in (None, "whoosh"):
            found = _result(searcher, "government", "and", {}, monkeypatch, scorer)
            assert found["hits"] == [] and found["total"] == 0, scorer
