"""Indexing the right thing, through the command line: `newsgrep roots` and `roots --forget`, an index
found in a parent folder named on stderr, the source of articles under a generic root's subfolders,
files of formats newsgrep does not read counted by extension, Markdown read as text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import json_hits
from tests.newsroom import ARTICLES, invoke, make_newsroom


def test_generic_root_subfolders_name_the_source_and_ignored_formats_are_counted(tmp_path):
    make_newsroom(tmp_path)
    done = invoke("index", "news", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{len(ARTICLES)} added" in done.stdout  # the .md note among them
    assert "ignored (formats newsgrep does not read): 2 .key, 1 .odt" in done.stderr
    report = json.loads(invoke("index", "--json", cwd=tmp_path).stdout)
    assert report["ignored"] == {".key": 2, ".odt": 1}
    sources = {
        Path(hit["path"]).name: hit["source"]
        for hit in json_hits(invoke("search", "the OR minister", "--json", "-n", "50", cwd=tmp_path).stdout)[0]
    }
    assert sources["fined.txt"] == "bbc" and sources["concert.txt"] == "wikinews"  # was: None ("news" is generic)
    assert sources["interview.md"] == "notes"
    assert invoke("search", "-c", "source:bbc", cwd=tmp_path).stdout == "3\n"  # was: 0


def test_roots_lists_counts_and_forget_removes_a_root_and_its_articles(tmp_path):
    news = make_newsroom(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "okapi.txt").write_text("Okapi seen\n\nAn okapi was seen near the river on Monday.\n")
    assert invoke("index", "news", "other", cwd=tmp_path).returncode == 0
    listed = invoke("roots", cwd=tmp_path)
    assert listed.returncode == 0
    assert [line.split()[:3] for line in listed.stdout.splitlines()] == [
        ["news", f"{len(ARTICLES)}", "articles,"],
        ["other", "1", "article,"],
    ]
    assert invoke("search", "-c", "okapi", cwd=tmp_path).stdout == "2\n"
    forgot = invoke("roots", "--forget", "other", cwd=tmp_path)
    assert forgot.returncode == 0, forgot.stderr
    assert "1 removed" in forgot.stdout
    assert [json.loads(line)["path"] for line in invoke("roots", "--json", cwd=tmp_path).stdout.splitlines()] == [
        str(news)
    ]
    assert invoke("search", "-c", "okapi", cwd=tmp_path).stdout == "1\n"  # the one in news/notes
    again = invoke("index", cwd=tmp_path)  # a re-scan does not bring it back
    assert again.returncode == 0 and "0 added" in again.stdout
    wrong = invoke("roots", "--forget", "nowhere", cwd=tmp_path)
    assert wrong.returncode == 2 and "is not a root of the index" in wrong.stderr


def test_indexing_into_an_index_found_in_a_parent_folder_says_so(tmp_path):
    make_newsroom(tmp_path)
    assert invoke("index", "news/bbc", cwd=tmp_path).returncode == 0
    sub = tmp_path / "news"
    done = invoke("index", "wikinews", cwd=sub)
    assert done.returncode == 0
    assert f"using the index at {tmp_path / '.newsgrep'}, found in a parent folder" in done.stderr
    assert not (sub / ".newsgrep").exists()
    here = invoke("index", cwd=tmp_path)
    assert "found in a parent folder" not in here.stderr
