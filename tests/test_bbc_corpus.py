"""The issue's acceptance run on the real BBC News corpus (2,225 articles): skipped without ../shared."""

import json
import shutil

import pytest

from newsgrep.indexer.build import build_index
from newsgrep.store.stats import index_stats
from tests.conftest import needs_shared, run_cli, search

pytestmark = pytest.mark.slow  # real corpora or real processes killed and waited for


@pytest.fixture(scope="module")
def bbc(tmp_path_factory):
    source = needs_shared("corpora", "bbc")
    root = tmp_path_factory.mktemp("bbc") / "bbc"
    shutil.copytree(source, root)
    index_dir = root.parent / "index"
    report = build_index([str(root)], index_dir)
    return root, index_dir, report


def test_every_article_is_indexed_including_the_one_not_in_utf8(bbc):
    root, index_dir, report = bbc
    assert report.added == 2225 and report.skipped == 0
    assert index_stats(index_dir).articles == 2225
    hits = search("Mutu Chelsea", index_dir, collapse=False).hits
    assert any(hit.path.endswith("sport/199.txt") for hit in hits)
    assert "£15.8m" in (root / "sport" / "199.txt").read_bytes().decode("cp1252")
    assert any("£" in p.text for h in search("Mutu signing", index_dir, passages=5).hits for p in h.passages)


def test_time_warner_profits_finds_the_business_story_first(bbc):
    _, index_dir, _ = bbc
    done = run_cli("search", "Time Warner profits", "--json", "--index", str(index_dir))
    assert done.returncode == 0
    first = json.loads(done.stdout.splitlines()[0])
    assert first["path"].endswith("business/001.txt")
    assert first["title"] == "Ad sales boost Time Warner profit"
    marked = {p["text"][s:e].lower() for p in first["passages"] for s, e in p["highlights"]}
    assert {"time", "warner"} <= marked and marked & {"profit", "profits"}


def test_deleting_and_adding_files_follows_the_folder(bbc):
    root, index_dir, _ = bbc
    story = root / "business" / "001.txt"
    text = story.read_text()
    story.unlink()
    report = build_index(None, index_dir)
    assert (report.removed, report.unchanged) == (1, 2224)
    assert not any(h.path.endswith("business/001.txt") for h in search("Time Warner profits", index_dir).hits)
    (root / "business" / "new-time-warner.txt").write_text(text)
    report = build_index(None, index_dir)
    assert (report.added, report.unchanged) == (1, 2224)
    assert search("Time Warner profits", index_dir).hits[0].path.endswith("new-time-warner.txt")
