"""Alerts through the Python API, on a real index: a query is matched among the given articles only, the
manifest logs what each commit indexed, and the store fires an article once per alert and keeps the
outbox and its watermark together."""

from newsgrep import alerts
from newsgrep.indexer.build import build_index
from newsgrep.search.limits import Limits
from newsgrep.search.searcher import open_index
from newsgrep.store.alerts import AlertStore
from newsgrep.store.layout import IndexDir
from newsgrep.store.manifest import Manifest


def test_among_matches_only_the_articles_given(built):
    with open_index(built) as searcher:
        everywhere = searcher.search("cartel", limit=50, collapse=False)
        ids = [hit.id for hit in everywhere.hits]
        assert len(ids) >= 2
        assert [hit.id for hit in searcher.among("cartel", ids[:1])] == ids[:1]
        assert searcher.among("cartel", ["000000000000"]) == []
        assert searcher.among('"drug cartel" leader', ids) != []
        assert searcher.among("title:zebra", ids) == []


def test_the_manifest_logs_each_commit_s_articles(corpus, index_dir):
    build_index([str(corpus)], index_dir)
    manifest_path = IndexDir(index_dir).manifest_path()
    with Manifest(manifest_path, readonly=True) as manifest:
        first = manifest.last_seq()
        assert first >= 1 and len(manifest.indexed_after(0)) == 22
        assert manifest.indexed_after(first) == []
    (corpus / "new.txt").write_text("Zebra crossing\n\nA zebra crossed the road in Nairobi.\n")
    build_index(None, index_dir)
    with Manifest(manifest_path, readonly=True) as manifest:
        assert len(manifest.indexed_after(first)) == 1
    (corpus / "new.txt").unlink()
    build_index(None, index_dir)
    with Manifest(manifest_path, readonly=True) as manifest:
        assert manifest.indexed_after(first) == []  # gone from the index, gone from the log


def test_an_article_fires_once_and_the_watermark_never_goes_back(built):
    alerts.add(built, "zebra", "zebra", command="true")
    with AlertStore(built) as store:
        hit = {"alert": "zebra", "id": "a1"}
        store.record({"gen": 5}, [("zebra", "a1", "a1", hit)])
        store.record({"gen": 4}, [("zebra", "a1", "a1", hit), ("zebra", "a2", "a1", {**hit, "id": "a2"})])
        assert store.watermark("gen") == 5
        assert [item.hit["id"] for item in store.pending()] == ["a1", "a2"]
        assert store.fired("zebra", ["a1", "a2", "a3"]) == {"a1": "a1", "a2": "a1"}
        first, second = store.pending()
        store.mark_shown([first.number, second.number])
        store.mark_ran(first.number, None)
        store.mark_ran(second.number, "failed")
        assert [(item.hit["id"], item.attempts, item.error) for item in store.pending()] == [("a2", 1, "failed")]


def test_among_bounds_a_pattern_as_search_does(built):
    with open_index(built, limits=Limits(max_expansions=1)) as searcher:
        ids = [hit.id for hit in searcher.search("*", limit=1000, collapse=False).hits]
        bounded = {hit.id for hit in searcher.search("s*", limit=1000, collapse=False).hits}
        assert {hit.id for hit in searcher.among("s*", ids)} == bounded
    with open_index(built) as searcher:
        assert len({hit.id for hit in searcher.among("s*", ids)}) > len(bounded)
