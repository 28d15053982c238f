"""A sharded index answers as one index does: the bundled corpus and 3 of the BBC corpus's 5 topics
(1,400 articles) indexed once as one
index and once as 3 shards built on a Dask LocalCluster (2 worker processes on 127.0.0.1), then ~100
queries of every kind compared: hit ids and order, scores (1e-6), passages and highlights, stories
(near-duplicates and other outlets' reports), facets, timelines, counts, suggestions, `similar`.

Both indexes are freshly built (no deleted documents, whose postings Whoosh still counts in an index's
statistics until a merge removes them)."""

from __future__ import annotations

import random

import pytest

from tests.conftest import CORPUS, needs_shared

pytestmark = pytest.mark.slow
TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    from newsgrep.cluster.build import build_sharded
    from newsgrep.indexer.build import build_index
    from newsgrep.store.layout import ShardsRecord

    bbc = needs_shared("corpora", "bbc")
    roots = [str(CORPUS), *(str(bbc / topic) for topic in ("entertainment", "sport", "tech"))]
    folder = tmp_path_factory.mktemp("equivalence")
    single, sharded = folder / "single", folder / "sharded"
    one = build_index(roots, single, processes=1)
    many = build_sharded(roots, sharded, shards=3, workers=2)
    assert one.articles == many.articles > 1200
    assert all(path.is_dir() for path in ShardsRecord(sharded).shard_paths())
    return single, sharded


def _queries(single) -> list[tuple[str, dict]]:
    """About 100 queries drawn from the index's own titles: words, phrases, fields, wildcards, operators,
    dates, sources, paths, typos; some with facets or sorted by date."""
    from newsgrep import open_index

    with open_index(single) as searcher:
        titles = _titles(searcher)
    rng = random.Random(12)
    words = sorted({w.strip(".,:;'\"()?!").lower() for t in titles for w in t.split() if len(w) > 4 and w.isalpha()})
    pairs = [t.split()[i : i + 2] for t in titles for i in range(len(t.split()) - 1)]
    pairs = [p for p in pairs if all(w.isalpha() and len(w) > 3 for w in p)]
    queries: list[tuple[str, dict]] = []
    queries += [(w, {}) for w in rng.sample(words, 36)]
    queries += [(" ".join(rng.sample(words, 2)), {}) for _ in range(8)]  # few articles have both: any-word fallback
    queries += [(f'"{a} {b}"', {}) for a, b in rng.sample(pairs, 12)]
    queries += [(f"title:{w}", {}) for w in rng.sample(words, 8)]
    queries += [(f"{w[:5]}*", {}) for w in rng.sample(words, 8)]
    queries += [(f"{a} OR {b}", {}) for a, b in zip(rng.sample(words, 5), rng.sample(words, 5), strict=True)]
    queries += [(f"{a} -{b}", {}) for a, b in zip(rng.sample(words, 4), rng.sample(words, 4), strict=True)]
    queries += [(f"{w}~", {}) for w in rng.sample(words, 3)]
    queries += [
        ("election", {"facets": ("source",)}),
        ("government minister", {"facets": ("source",), "limit": 20}),
        ("police", {"since": "2004", "until": "2005-12-31"}),
        ("date:2009 president", {}),
        ("source:wikinews", {}),
        ("path:sport match", {}),
        ("music", {"sort": "date"}),
        ("president", {"sort": "date"}),
        ("government", {"sort": "-date", "limit": 15}),
        ("market shares", {"limit": 25, "passages": 3}),
        ("economy", {"offset": 5}),
        ("film", {"collapse": False}),
        ("goverment", {}),  # misspelt: a suggestion
        ("footbal", {}),
        ("elecshun", {}),
        ("the", {}),
    ]
    return queries


def _titles(searcher) -> list[str]:
    found = searcher.search("year OR new OR said OR people", limit=150, passages=1, collapse=False)
    return [hit.title for hit in found.hits]


def _same_result(a, b, label: str) -> None:
    assert [h.id for h in a.hits] == [h.id for h in b.hits], label
    for x, y in zip(a.hits, b.hits, strict=True):
        assert abs(x.score - y.score) <= TOLERANCE, (label, x.id, x.score, y.score)
        assert x.title_highlights == y.title_highlights, (label, x.id)
        assert [(p.number, p.text, p.highlights) for p in x.passages] == [
            (p.number, p.text, p.highlights) for p in y.passages
        ], (label, x.id)
        assert [abs(p.score - q.score) <= TOLERANCE for p, q in zip(x.passages, y.passages, strict=True)]
        assert [c.id for c in x.duplicates] == [c.id for c in y.duplicates], (label, x.id)
        assert x.near_duplicate == y.near_duplicate
    assert (a.fallback, a.suggestion, a.all_words, a.corrected_from, a.facets, a.estimated) == (
        b.fallback,
        b.suggestion,
        b.all_words,
        b.corrected_from,
        b.facets,
        b.estimated,
    ), label
    if not a.estimated:
        assert a.total == b.total, label
    assert b.missing_shards == 0


def test_a_sharded_index_answers_every_kind_of_query_as_one_index_does(indexes):
    from newsgrep import open_index

    single, sharded = indexes
    queries = _queries(single)
    assert len(queries) >= 95
    hits = stories = 0
    with open_index(single) as one, open_index(sharded) as many:
        for query, options in queries:
            label = f"{query!r} {options}"
            expected, got = one.search(query, **options), many.search(query, **options)
            _same_result(expected, got, label)
            hits += len(expected.hits)
            stories += sum(1 for h in expected.hits if h.duplicates)
        for query in ["election", "music", "oil prices", "court"]:
            assert one.timeline(query) == many.timeline(query)
            assert one.count(query) == many.count(query)
            assert one.count_by(query) == many.count_by(query)
            assert one.files(query) == many.files(query)
        for hit in one.search("football", limit=4).hits:
            _same_result(one.similar(hit.id, limit=8), many.similar(hit.id, limit=8), f"similar {hit.id}")
            assert one.articles(hit.id) == many.articles(hit.id)
            assert one.read(hit.id, "football match") == many.read(hit.id, "football match")
    assert hits > 500 and stories > 0  # the comparison covered real rankings and real story collapse
