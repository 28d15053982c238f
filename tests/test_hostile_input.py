"""Hostile input: random and malformed queries, and files that are broken in every way a feed can break."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgrep.errors import QueryError
from newsgrep.indexer.build import build_index
from newsgrep.store.stats import index_stats
from tests.conftest import json_hits, run_cli, search

QUERY_PIECES = st.sampled_from(
    [*"ab cx\"()*~?:^[]{}-+!\\/'", "AND ", "OR ", "NOT ", "title:", "date:", "source:", "body:", "nofield:"]
    + [
        " TO ",
        "\x1b[31m",
        "\x00",
        "\t",
        "2009-07",
        "é",
        "\u2028",
        "cartel",
        "La Familia",
        "~2",
        "[2009 TO",
        "yesterday",
    ]
)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzz_index(tmp_path_factory):
    from tests.conftest import SEEDS

    index_dir = tmp_path_factory.mktemp("fuzz") / "ix"
    build_index([str(SEEDS)], index_dir)
    return index_dir


@pytest.mark.slow
@FUZZ
@given(st.lists(QUERY_PIECES, max_size=14).map("".join))
def test_query_syntax_soup_never_raises_anything_but_a_query_error(fuzz_index, query):
    try:
        result = search(query, fuzz_index, limit=3)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for hit in result.hits:
        for passage in hit.passages:
            assert all(0 <= s < e <= len(passage.text) for s, e in passage.highlights)


@pytest.mark.slow
@FUZZ
@given(st.text(max_size=80))
def test_random_text_queries_never_raise_anything_but_a_query_error(fuzz_index, query):
    try:
        search(query, fuzz_index, limit=3)
    except QueryError:
        pass


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(QUERY_PIECES, min_size=1, max_size=8).map("".join).map(lambda q: q.replace("\x00", "")))
def test_cli_exit_codes_for_fuzzed_queries(fuzz_index, query):  # (an argument cannot hold a NUL byte)
    done = run_cli("search", "--index", str(fuzz_index), "--color", "never", "--", query)
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr
    if done.returncode == 2:
        assert done.stderr.startswith("newsgrep: error:") and done.stderr.count("\n") == 1
    assert "\x1b" not in done.stdout


@pytest.mark.parametrize(
    "query",
    [
        "x" * 5000,
        "cartel " * 400,
        "(" * 300 + "cartel" + ")" * 300,
        '"' * 3,
        "title:",
        "date:[",
        "nofield:x",
        "AND OR NOT",
    ],
)
def test_pathological_queries_exit_cleanly(fuzz_index, query):
    done = run_cli("search", "--index", str(fuzz_index), "--", query)
    assert done.returncode in (0, 1, 2) and "Traceback" not in done.stderr


def test_broken_files_are_each_reported_and_skipped_while_the_rest_is_indexed(tmp_path):
    root = tmp_path / "feeds"
    root.mkdir()
    good = "Harbour reopens\n\nThe harbour at Valparaiso reopened to shipping on Monday.\n"
    (root / "good.txt").write_text(good)
    (root / "empty.txt").write_text("")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "huge.txt").write_bytes(b"a" * (100 * 1024 * 1024))
    (root / "nested.json").write_text("[" * 100_000 + "]" * 100_000)
    (root / "feed.jsonl").write_text(
        '{"title": "Port strike ends", "text": "Dock workers returned to the harbour."}\n'
        '{"title": "broken\n' + "[" * 50_000 + "\n" + '"just a string"\n'
    )
    (root / "mixed.txt").write_bytes(
        "Mixed\n\nCaf\u00e9 in UTF-8, ".encode() + "caf\u00e9 in cp1252 harbour.".encode("cp1252")
    )
    (root / "escape.txt").write_text("Escape \x1b]0;owned\x07title\n\nThe \x1b[2J harbour text \x1b[31mred\x1b[0m.\n")
    (root / "unreadable.txt").symlink_to("/proc/self/mem")  # opens, but reading fails (even for root)
    (root / "loop").symlink_to(root)
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    deep = root
    for level in range(60):
        deep = deep / f"level{level}"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("Deep story\n\nA harbour found sixty folders down.\n")
    os.mkfifo(root / "pipe.txt")  # never opened: a FIFO is not a regular file

    report = build_index([str(root)], tmp_path / "ix")
    reasons = {os.path.basename(skip.path): skip.reason for skip in report.skips}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "nested too deeply" in reasons["nested.json"]
    assert "cannot read" in reasons["unreadable.txt"]
    assert "cannot read" in reasons["dangling.txt"]
    assert {"feed.jsonl:2", "feed.jsonl:3", "feed.jsonl:4"} <= set(reasons)
    titles = {hit.title for hit in search("harbour", tmp_path / "ix", limit=20).hits}
    assert titles == {"Harbour reopens", "Port strike ends", "Mixed", "Escape ]0;ownedtitle", "Deep story"}
    assert index_stats(tmp_path / "ix").articles == 5
    shown = run_cli("search", "harbour", "--index", str(tmp_path / "ix"), "--color", "always")
    assert shown.returncode == 0 and "\x1b]0" not in shown.stdout and "\x1b[2J" not in shown.stdout
    records, _ = json_hits(run_cli("search", "harbour", "--index", str(tmp_path / "ix"), "--json").stdout)
    assert records and all("\x1b" not in record["title"] for record in records)
    again = build_index(None, tmp_path / "ix")
    assert (again.added, again.updated) == (0, 0)
