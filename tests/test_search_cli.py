"""Searching the way people type it, through the command line: every word (stop words too), paths and
globs after the query as ripgrep takes them, +word/-word, and the output modes (-l, -c, --offset,
--sort, --reverse, --vimgrep, --plain, --passage-chars)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgrep.cli import load_commands
from tests.conftest import json_hits, run_cli
from tests.newsroom import make_newsroom


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    """The newsroom, indexed into newsroom/.newsgrep (commands run in that folder)."""
    root = tmp_path_factory.mktemp("newsroom")
    make_newsroom(root)
    done = run_cli("index", "news", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def ng(root: Path, *args: str, env: dict | None = None):
    """`newsgrep ARGS` in `root` (CliRunner: the real commands, in this process)."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(
            load_commands(), list(args), env={"NO_COLOR": None, "NEWSGREP_INDEX": None, "COLUMNS": "80", **(env or {})}
        )
    finally:
        os.chdir(cwd)


def count(root: Path, *args: str) -> int:
    result = ng(root, "search", "-c", *args)
    assert result.exit_code in (0, 1), result.output
    return int(result.stdout)


def names(root: Path, *args: str) -> list[str]:
    result = ng(root, "search", "-l", *args)
    return [Path(line).name for line in result.stdout.splitlines()]


# every word ------------------------------------------------------------------------------------------
def test_stop_words_that_are_names_are_searchable(newsroom):
    assert count(newsroom, "US") == 1  # was: "the query 'US' has no words to search for"
    hits, summary = json_hits(ng(newsroom, "search", "--json", "US economy").stdout)
    assert summary["all_words"] == 1  # was: every article with "economy" (2)
    assert Path(hits[0]["path"]).name == "economy.txt"  # (the other, with "economy" alone, follows: fallback)
    assert count(newsroom, "economy") == 2
    assert count(newsroom, "May") == 1


def test_phrases_hold_their_stop_words_exactly(newsroom):
    assert names(newsroom, '"The Who"') == ["concert.txt"]  # was: every article with "who"
    assert count(newsroom, "who") == 3
    assert names(newsroom, '"to be or not to be"') == ["concert.txt"]  # was: an error
    assert count(newsroom, '"who played"') == 1 and count(newsroom, '"the played"') == 0


def test_lower_case_stop_words_do_not_narrow_a_plain_query(newsroom):
    """ "the" is in every article: `the chelsea` finds what `chelsea` finds, and a query of nothing but
    stop words searches them."""
    assert count(newsroom, "the chelsea") == count(newsroom, "chelsea") == 2
    assert count(newsroom, "the of and") == count(newsroom, '"the"') > 0


# paths and globs ---------------------------------------------------------------------------------------
def test_a_path_after_the_query_is_a_scope_not_words(newsroom):
    assert count(newsroom, "mourinho") == 2
    assert names(newsroom, "mourinho", "news/bbc/sport") == ["fined.txt"]  # was: words "news bbc sport", OR
    assert sorted(names(newsroom, "mourinho", "news/bbc/sport", "news/bbc/business")) == ["fined.txt", "shares.txt"]
    assert names(newsroom, "mourinho", "news/bbc/sport/fined.txt") == ["fined.txt"]
    assert ng(newsroom, "search", "mourinho", "news/wikinews").exit_code == 1
    missing = ng(newsroom, "search", "mourinho", "news/nowhere")
    assert missing.exit_code == 2 and "no such file or folder: news/nowhere" in missing.stderr


def test_words_after_the_query_that_are_not_paths_are_words(newsroom):
    hits, summary = json_hits(ng(newsroom, "search", "--json", "chelsea", "arsenal").stdout)
    assert summary["all_words"] == 1 and Path(hits[0]["path"]).name == "derby.txt"


def test_path_field_in_the_query(newsroom):
    assert names(newsroom, "mourinho path:sport") == ["fined.txt"]
    assert names(newsroom, "mourinho path:bbc/business") == ["shares.txt"]
    assert names(newsroom, f"mourinho path:{newsroom / 'news' / 'bbc' / 'sport'}") == ["fined.txt"]
    assert sorted(names(newsroom, "path:bbc/sport")) == ["derby.txt", "fined.txt"]  # a path alone: all there
    bad = ng(newsroom, "search", "mourinho path:")
    assert bad.exit_code == 2 and "path: needs" in bad.stderr


def test_globs_as_ripgrep_takes_them(newsroom):
    assert names(newsroom, "minister", "-g", "*.md") == ["interview.md"]
    assert names(newsroom, "mourinho", "-g", "sport/*") == ["fined.txt"]
    assert names(newsroom, "mourinho", "-g", "!sport/*") == ["shares.txt"]
    assert sorted(names(newsroom, "government", "-g", "b*.txt", "-g", "e*.txt")) == ["budget.txt", "election.txt"]


def test_plus_and_minus_as_simple_query_string(newsroom):
    assert names(newsroom, "chelsea -mourinho") == ["derby.txt"]  # was: the articles with both
    assert count(newsroom, "chelsea +mourinho") == 1
    assert count(newsroom, "--or", "arsenal +mourinho") == 2  # with OR, + keeps a word required
    assert count(newsroom, "arsenal | lisbon") == 2
    assert count(newsroom, "government -election -spending") == 1


# output modes --------------------------------------------------------------------------------------------
def test_files_with_matches_and_count(newsroom):
    result = ng(newsroom, "search", "-l", "government")
    assert result.exit_code == 0
    assert sorted(result.stdout.split()) == sorted(f"news/wikinews/{n}.txt" for n in ("budget", "spending", "election"))
    assert ng(newsroom, "search", "-c", "government").stdout == "3\n"
    assert ng(newsroom, "search", "-c", "xylophone").stdout == "0\n"
    assert ng(newsroom, "search", "-c", "xylophone").exit_code == 1


def test_offset_pages_through_the_results_in_json_too(newsroom):
    every, _ = json_hits(ng(newsroom, "search", "government", "--json", "-n", "3").stdout)
    page, summary = json_hits(ng(newsroom, "search", "government", "--json", "-n", "2", "--offset", "1").stdout)
    assert [h["id"] for h in page] == [h["id"] for h in every[1:3]]
    assert [h["rank"] for h in page] == [2, 3] and summary["offset"] == 1 and summary["total"] == 3
    human = ng(newsroom, "search", "government", "-n", "1", "--offset", "2")
    assert "3-3 of 3 matching articles" in human.stdout
    beyond = ng(newsroom, "search", "government", "--offset", "5")
    assert beyond.exit_code == 1 and "no more matches: 3 in all" in beyond.stderr


def test_sort_by_date_either_way_and_reverse(corpus, index_dir):
    assert run_cli("index", str(corpus), "--index", str(index_dir)).returncode == 0

    def dates(*args):
        hits, _ = json_hits(ng(Path.cwd(), "search", "the", "--index", str(index_dir), "--json", *args).stdout)
        return [h["date"] for h in hits if h["date"]]

    newest = dates("--sort", "date", "-n", "8")
    assert newest == sorted(newest, reverse=True) and len(set(newest)) > 2
    oldest = dates("--sort", "-date", "-n", "8")
    assert oldest == sorted(oldest) and oldest[0] < newest[-1]
    assert dates("--sort", "date", "--reverse", "-n", "8") == oldest
    best = [
        h["id"] for h in json_hits(ng(Path.cwd(), "search", "cartel", "--index", str(index_dir), "--json").stdout)[0]
    ]
    reverse = ng(Path.cwd(), "search", "cartel", "--index", str(index_dir), "--json", "-r").stdout
    assert [h["id"] for h in json_hits(reverse)[0]] == best[::-1]


def test_vimgrep_gives_the_line_and_column_in_the_file(newsroom):
    result = ng(newsroom, "search", "--vimgrep", "-k", "1", "referee")
    assert result.exit_code == 0
    path, line, column, text = result.stdout.splitlines()[0].split(":", 3)
    in_file = (newsroom / path).read_text().splitlines()[int(line) - 1]
    assert path == "news/bbc/sport/fined.txt" and in_file[int(column) - 1 :].startswith("referee")  # the match
    assert text.startswith("Chelsea boss Jose Mourinho")  # the passage
    record = json.loads(ng(newsroom, "search", "--vimgrep", "--json", "okapi").stdout.splitlines()[0])
    file_lines = (newsroom / "news/notes/interview.md").read_text().splitlines()
    passage = record["passages"][0]
    at = file_lines[passage["line"] - 1][passage["column"] - 1 :]
    assert at.startswith("okapi census")


def test_plain_and_passage_chars(newsroom):
    marked = ng(newsroom, "search", "referee")
    assert "**referee**" in marked.stdout
    plain = ng(newsroom, "search", "referee", "--plain")
    assert "**" not in plain.stdout and "referee" in plain.stdout
    short = ng(newsroom, "search", "the", "--passage-chars", "40", "-n", "1", "--plain")
    passage = short.stdout.splitlines()[2].strip()
    assert len(passage.strip("…")) <= 40 and passage.endswith("…")


def test_headline_words_are_marked(newsroom):
    [hit], _ = json_hits(ng(newsroom, "search", "reunites", "--json").stdout)
    assert [hit["title"][s:e] for s, e in hit["title_highlights"]] == ["reunites"]
    assert "Rock band **reunites** in London" in ng(newsroom, "search", "reunites").stdout
