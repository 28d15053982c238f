import json
import os
import shutil
import time

import pytest

from newsgrep.errors import IndexIncompatible, IndexLocked, IndexMissing, PathMissing
from newsgrep.indexer.build import build_index
from newsgrep.store.layout import IndexDir
from newsgrep.store.stats import index_stats
from tests.conftest import CORPUS, search


def _ids(index_dir, query):
    return {hit.id for hit in search(query, index_dir, limit=100, collapse=False).hits}


def test_first_run_indexes_every_article(corpus, index_dir):
    report = build_index([str(corpus)], index_dir)
    assert (report.added, report.updated, report.removed, report.skipped) == (22, 0, 0, 0)
    stats = index_stats(index_dir)
    assert stats.articles == 22 and stats.passages > 22
    assert stats.roots == [str(corpus)]


def test_second_run_touches_nothing(built):
    report = build_index(None, built)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 22)


def test_new_file_is_added_without_reindexing_the_rest(built, corpus):
    (corpus / "wikinews" / "new.txt").write_text(
        "Zanzibar spice harvest\n\nClove farmers in Zanzibar report a record harvest.\n"
    )
    report = build_index(None, built)
    assert (report.added, report.updated, report.unchanged) == (1, 0, 22)
    hits = search("zanzibar clove", built).hits
    assert [h.title for h in hits] == ["Zanzibar spice harvest"]


def test_changed_file_is_reindexed_and_old_text_forgotten(built, corpus):
    path = corpus / "seeds" / "mexico-vows-never-to-cut-deals.txt"
    before = _ids(built, "tranquility")
    path.write_text("Mexico update\n\nThe quetzal feathers were auctioned.\n")
    report = build_index(None, built)
    assert (report.added, report.updated) == (0, 1)
    assert len(_ids(built, "quetzal")) == 1
    assert _ids(built, "tranquility") == before - _ids(built, "quetzal")
    assert index_stats(built).articles == 22


def test_touched_but_identical_file_is_not_reindexed(built, corpus):
    path = corpus / "seeds" / "mexico-vows-never-to-cut-deals.txt"
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000_000))
    report = build_index(None, built)
    assert (report.updated, report.unchanged) == (0, 22)
    assert build_index(None, built).unchanged == 22  # the new mtime was recorded: no hashing next time


def test_deleted_file_is_removed_from_results(built, corpus):
    assert _ids(built, '"La Tuta"')
    (corpus / "seeds" / "mexico-vows-never-to-cut-deals.txt").unlink()
    (corpus / "seeds" / "bbc-mexico-rejects-drug-gang-deal.txt").unlink()
    report = build_index(None, built)
    assert report.removed == 2
    assert not _ids(built, '"La Tuta"')
    assert index_stats(built).articles == 20


def test_bad_files_are_reported_and_skipped_and_the_rest_indexed(corpus, index_dir):
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "feed.jsonl").write_text('{"title": "Good", "text": "A fine quokka."}\n{broken\n{"title": "No body"}\n')
    report = build_index([str(corpus)], index_dir)
    reasons = {os.path.basename(s.path): s.reason for s in report.skips}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert "invalid JSON" in reasons["feed.jsonl:2"] and "no text field" in reasons["feed.jsonl:line 3"]
    assert report.added == 23  # 22 articles + the feed with one good record
    assert [h.title for h in search("quokka", index_dir).hits] == ["Good"]
    again = build_index(None, index_dir)
    assert (again.added, again.skipped) == (0, 0)  # bad files are remembered, not retried until they change


def test_feed_records_keep_their_ids_across_runs(tmp_path, index_dir):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"id": "r1", "title": "Wombat census", "text": "Wombats counted."}\n'
        '{"id": "r2", "title": "Numbat census", "text": "Numbats counted."}\n'
    )
    build_index([str(feed)], index_dir)
    first = {h.title: h.id for h in search("census", index_dir).hits}
    feed.write_text(feed.read_text() + '{"id": "r3", "title": "Bilby census", "text": "Bilbies counted."}\n')
    grown = build_index(None, index_dir)
    assert (grown.grown, grown.updated) == (1, 0)  # appended to: only the new line read, the others kept
    second = {h.title: h.id for h in search("census", index_dir).hits}
    assert len(second) == 3 and {t: second[t] for t in first} == first


def test_rebuild_starts_from_scratch_with_the_same_roots(built, corpus):
    report = build_index(None, built, rebuild=True)
    assert report.rebuilt and report.added == 22
    assert len(IndexDir(built).generations()) == 1
    assert index_stats(built).articles == 22


def test_missing_path_is_an_error_and_changes_nothing(built, tmp_path):
    with pytest.raises(PathMissing, match="no such file or folder"):
        build_index([str(tmp_path / "nope")], built)
    assert index_stats(built).articles == 22


def test_missing_root_keeps_its_articles(built, corpus):
    shutil.move(corpus, corpus.with_name("moved"))
    report = build_index(None, built)
    assert report.removed == 0 and "missing" in report.skips[0].reason
    assert index_stats(built).articles == 22


def test_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(IndexMissing, match="no index at"):
        search("cartel", tmp_path / "none")


def test_a_second_writer_is_refused_while_one_holds_the_lock(built):
    with IndexDir(built).lock():
        with pytest.raises(IndexLocked, match=f"pid {os.getpid()}"):
            build_index(None, built)
    assert build_index(None, built).unchanged == 22  # the lock is gone with its holder


def test_index_of_another_format_asks_for_a_rebuild(built):
    (built / "FORMAT").write_text(json.dumps({"format": 0, "schema": 0}))
    with pytest.raises(IndexIncompatible, match="--rebuild"):
        search("cartel", built)
    assert build_index(None, built, rebuild=True).added == 22
    assert search("cartel", built).hits


def test_bundled_corpus_is_the_default_root(tmp_path, monkeypatch):
    shutil.copytree(CORPUS / "seeds", tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    report = build_index(None, tmp_path / "ix")
    assert report.added == 2 and report.roots == [str(tmp_path / "corpus")]
