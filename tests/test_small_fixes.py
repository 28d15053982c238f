"""The small things a new user tripped over (issue 13, point 6), each through the command line."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from newsgrep.store.layout import IndexDir
from tests.conftest import json_hits, run_cli
from tests.newsroom import invoke, make_newsroom


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small")
    make_newsroom(root)
    assert run_cli("index", "news", cwd=root).returncode == 0
    return root


def test_a_misspelling_matched_by_its_stem_only_is_searched_as_corrected(newsroom):
    """ "goverment" stems as "governess" does: it used to show the governess and suggest "government"."""
    found = invoke("search", "goverment", "--json", cwd=newsroom)
    hits, summary = json_hits(found.stdout)
    assert summary["query"] == "government" and summary["corrected_from"] == "goverment"
    assert {Path(h["path"]).name for h in hits} == {"budget.txt", "spending.txt", "election.txt"}
    assert "showing results for 'government'" in found.stderr
    quoted = json_hits(invoke("search", '"goverment"', "--json", cwd=newsroom).stdout)[1]
    assert quoted["corrected_from"] is None  # quoted: taken as typed
    real = json_hits(invoke("search", "governess", "--json", cwd=newsroom).stdout)[1]
    assert real["corrected_from"] is None and real["total"] == 1  # a rare word that is there stays


def test_suggestions_inside_phrases_and_fields(newsroom):
    phrase = invoke("search", '"goverment approved"', cwd=newsroom)
    assert 'did you mean: "government approved"' in phrase.stderr
    field = invoke("search", "body:goverment approved", cwd=newsroom)
    assert "did you mean: body:government approved" in field.stderr


def test_a_field_with_no_word_is_an_error(newsroom):
    empty = invoke("search", "title:", cwd=newsroom)
    assert empty.returncode == 2 and "title: needs a word after it" in empty.stderr


@pytest.mark.slow  # real processes, several seconds
def test_a_search_during_a_first_build_says_so(newsroom, tmp_path):
    index = IndexDir(tmp_path / "ix")
    assert run_cli("index", "news/bbc", "--index", str(index.path), cwd=newsroom).returncode == 0
    index.mark_building(True)
    with index.lock():  # a first build running: its mark is there and its writer holds the lock
        during = run_cli("search", "xylophone", "--index", str(index.path))
        some = run_cli("search", "chelsea", "--index", str(index.path), "--json")
    assert during.returncode == 1 and "the index is still being built" in during.stderr
    assert json_hits(some.stdout)[1]["building"] is True
    after = run_cli("search", "xylophone", "--index", str(index.path))  # the writer is gone: a stale mark
    assert "being built" not in after.stderr


def test_the_footer_says_what_the_user_waited(newsroom):
    shown = run_cli("search", "chelsea", cwd=newsroom).stdout.splitlines()[-1]
    waited, searching = map(float, re.search(r"\((\d+\.\d+) s; search (\d+\.\d+) s\)", shown).groups())
    assert waited > searching  # the process's whole time, start-up included, and the search's


def test_similar_says_similar_and_ids_may_be_shortened(newsroom):
    [hit], _ = json_hits(invoke("search", "referee", "--json", cwd=newsroom).stdout)
    similar = invoke("similar", hit["id"][:6], cwd=newsroom)
    assert similar.returncode == 0, similar.stderr
    assert re.search(r"\d+ similar articles? shown", similar.stdout) and "matching" not in similar.stdout
    shown = invoke("show", hit["id"][:5], "--json", cwd=newsroom)
    assert json.loads(shown.stdout)["id"] == hit["id"]
    too_short = invoke("show", hit["id"][:3], cwd=newsroom)
    assert too_short.returncode == 2


def test_check_calls_a_touched_identical_file_consistent(newsroom):
    path = newsroom / "news" / "bbc" / "sport" / "derby.txt"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    checked = invoke("check", "--json", cwd=newsroom)
    assert checked.returncode == 0 and json.loads(checked.stdout)["stale"] == []
    path.write_text(path.read_text() + "\nA late goal.\n")
    changed = invoke("check", "--json", cwd=newsroom)
    assert changed.returncode == 1 and json.loads(changed.stdout)["stale"] == [str(path)]
    assert invoke("index", cwd=newsroom).returncode == 0


def test_timeline_starts_at_since_with_its_empty_months(built):
    dated = json.loads(invoke("timeline", "the", "--json", "--index", str(built)).stdout)["counts"]
    first = min(dated)
    year, month = map(int, first.split("-"))
    before = f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    chart = json.loads(invoke("timeline", "the", "--since", before, "--json", "--index", str(built)).stdout)
    assert list(chart["counts"])[0] == before and chart["counts"][before] == 0  # was: started at `first`


def test_counts_are_singular_when_one(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("Okapi census\n\nRangers counted the okapi in the forest.\n")
    done = invoke("index", str(tmp_path / "a"), "--index", str(tmp_path / "ix"))
    assert "1 article in" in done.stdout and "1 articles" not in done.stdout
    chart = invoke("timeline", "okapi", "--index", str(tmp_path / "ix"))
    assert "1 matching article," in chart.stdout
