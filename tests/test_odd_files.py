"""Files that are not articles at all, met while scanning: each is a reported skip with its reason."""

from __future__ import annotations

import os

import pytest

from newsgrep.indexer.build import build_index


def test_a_fifo_is_skipped_with_a_reason_and_the_rest_indexed(tmp_path):
    root = tmp_path / "news"
    root.mkdir()
    (root / "story.txt").write_text("Okapi census\n\nRangers counted the okapi herds this spring.\n")
    os.mkfifo(root / "pipe.txt")
    report = build_index([str(root)], tmp_path / "ix")
    assert report.articles == 1
    reasons = {os.path.basename(skip.path): skip.reason for skip in report.skips}
    assert "not a regular file" in reasons["pipe.txt"]


@pytest.mark.slow  # a megabyte of text through the whole pipeline
def test_a_long_single_line_file_is_indexed_in_bounded_time(tmp_path):
    from tests.conftest import bounded

    root = tmp_path / "news"
    root.mkdir()
    words = "Okapi herds grazeNear the riverAt dawn while rangersCounted them. "
    (root / "one-line.txt").write_text(words * (1_000_000 // len(words)))  # 1 MB, no line break
    with bounded(8):
        report = build_index([str(root)], tmp_path / "ix")
    assert report.articles == 1


def test_a_bug_met_by_one_file_is_a_reported_skip_and_the_rest_is_indexed(tmp_path, monkeypatch):
    """Fault injection: extracting one file's article fails as an unknown bug would (the format readers
    have their own guard: newsgrep.formats._guarded)."""
    from newsgrep.indexer import batch

    real_prepare = batch.prepare

    def prepare(record, root):
        if record.path.endswith("boom.html"):
            raise KeyError("a bug in extraction")
        return real_prepare(record, root)

    monkeypatch.setattr(batch, "prepare", prepare)
    root = tmp_path / "news"
    root.mkdir()
    page = "<html><head><title>Okapi {0}</title></head><body><p>The okapi park {0} opened today.</p></body></html>"
    (root / "boom.html").write_text(page.format("one"))
    (root / "fine.html").write_text(page.format("two"))
    (root / "story.txt").write_text("Okapi census\n\nRangers counted the okapi herds this spring.\n")
    report = build_index([str(root)], tmp_path / "ix", processes=1)
    assert report.articles == 2
    reasons = {os.path.basename(skip.path): skip.reason for skip in report.skips}
    assert reasons["boom.html"] == "could not be read: KeyError: 'a bug in extraction'"


def test_a_file_stamped_in_the_future_is_indexed_once_it_has_settled(tmp_path):
    import time

    root = tmp_path / "news"
    root.mkdir()
    story = root / "story.txt"
    story.write_text("Okapi census\n\nRangers counted the okapi herds this spring.\n")
    ahead = time.time() + 3600
    os.utime(story, (ahead, ahead))
    first = build_index([str(root)], tmp_path / "ix", settle=0.5)  # as `watch` runs it
    assert (first.deferred, first.articles) == (1, 0)
    time.sleep(0.6)
    second = build_index(None, tmp_path / "ix", settle=0.5)
    assert (second.deferred, second.articles) == (0, 1)


def test_check_verify_finds_an_edit_that_kept_size_and_mtime_and_repair_reindexes_it(built, corpus):
    from newsgrep.indexer.check import check_index
    from tests.conftest import search

    path = sorted((corpus / "wikinews").glob("*.txt"))[0]
    status = path.stat()
    text = path.read_text()
    word = next(w for w in text.split() if len(w) >= 6 and w.isalpha())
    path.write_text(text.replace(word, "zqx" + word[3:], 1))  # the same size
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size
    assert check_index(built).ok  # size and mtime say nothing changed
    assert check_index(built, verify=True).stale == [str(path)]
    assert check_index(built, verify=True, repair=True).ok
    assert search(f"zqx{word[3:].lower()}", built).hits


def test_half_a_surrogate_pair_in_a_json_string_is_indexed_and_printed(tmp_path):
    """Found by tests/test_malformed_files.py: `"\\ud800"` in a JSON article was indexed as it was, and every
    search that showed the article then ended in an internal UnicodeEncodeError."""
    from tests.conftest import run_cli

    root = tmp_path / "news"
    root.mkdir()
    (root / "half.json").write_text('{"title": "Okapi \\ud800 census", "text": "Rangers \\udc00 counted okapi."}')
    build_index([str(root)], tmp_path / "ix")
    for output in ([], ["--json"]):
        done = run_cli("search", "okapi", "--index", str(tmp_path / "ix"), *output)
        assert done.returncode == 0, done.stderr
        assert "\ufffd census" in done.stdout or "\\ufffd census" in done.stdout, done.stdout
