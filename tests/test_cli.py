"""The command line: CliRunner for options and output, real subprocesses for the end-to-end paths."""

import json
import os
import re

import pytest
from click.testing import CliRunner

from newsgrep.cli import load_commands
from newsgrep.store.layout import IndexDir
from tests.conftest import json_hits, run_cli


def _invoke(*args, env=None):
    return CliRunner().invoke(
        load_commands(), list(args), env={"NO_COLOR": None, "NEWSGREP_INDEX": None, **(env or {})}
    )


@pytest.mark.slow  # real processes, several seconds
def test_end_to_end_index_search_stats_in_subprocesses(corpus, index_dir):
    done = run_cli("index", str(corpus), "--index", str(index_dir))
    assert done.returncode == 0, done.stderr
    assert "22 added" in done.stdout

    found = run_cli(
        "search", "drug AND cartel AND pact", "--index", str(index_dir), "--json", "--limit", "5", "--no-collapse"
    )
    assert found.returncode == 0, found.stderr
    lines, summary = json_hits(found.stdout)
    assert [hit["rank"] for hit in lines] == list(range(1, len(lines) + 1)) and len(lines) == 2
    assert (summary["total"], summary["shown"], summary["estimated"], summary["fallback"]) == (2, 2, False, False)
    for hit in lines:
        assert set(hit) == {
            "rank",
            "score",
            "id",
            "path",
            "key",
            "title",
            "title_highlights",
            "date",
            "source",
            "passages",
            "duplicates",
        }
        for passage in hit["passages"]:
            assert passage["highlights"]
            for start, end in passage["highlights"]:
                assert passage["text"][start:end].lower() in {"drug", "drugs", "cartel", "cartels", "pact"}

    stats = run_cli("stats", "--json", "--index", str(index_dir))
    record = json.loads(stats.stdout)
    assert {"articles", "passages", "roots", "bytes", "updated"} <= set(record)
    assert record["articles"] == 22 and record["roots"] == [str(corpus)] and record["bytes"] > 0


def test_exit_codes_are_those_of_grep(built):
    assert run_cli("search", "cartel", "--index", str(built)).returncode == 0
    nothing = run_cli("search", "xylophonist", "--index", str(built))
    assert nothing.returncode == 1 and nothing.stdout == ""
    bad = run_cli("search", '"unclosed', "--index", str(built))
    assert bad.returncode == 2
    assert bad.stderr.startswith("newsgrep: error: unbalanced quotes") and bad.stderr.count("\n") == 1


def test_errors_are_one_line_never_a_traceback(tmp_path, built):
    missing = run_cli("search", "cartel", "--index", str(tmp_path / "none"))
    assert missing.returncode == 2 and "no index at" in missing.stderr and "Traceback" not in missing.stderr
    no_path = run_cli("index", str(tmp_path / "nope"), "--index", str(built))
    assert no_path.returncode == 2 and "no such file or folder" in no_path.stderr
    with IndexDir(built).lock():
        locked = run_cli("index", "--index", str(built))
    assert locked.returncode == 2 and f"pid {os.getpid()}" in locked.stderr and "--wait" in locked.stderr
    assert "Traceback" not in no_path.stderr + locked.stderr


def test_json_output_is_only_json_even_with_fallback(built):
    result = _invoke("search", "cartel zimbabwe", "--index", str(built), "--json")
    assert result.exit_code == 0
    hits, summary = json_hits(result.stdout)
    assert hits and summary["fallback"] is True and summary["all_words"] == 0
    assert "any of them" in result.stderr


def test_human_output_marks_matches_plainly_without_a_terminal(built):
    result = _invoke("search", "negotiate", "--index", str(built), "-n", "3")
    assert result.exit_code == 0
    assert re.search(r"\*\*negotiat(e|ing|ions?)\*\*", result.stdout)
    assert "\x1b[" not in result.stdout


def test_color_always_and_no_color(built):
    colored = _invoke("search", "cartel", "--index", str(built), "--color", "always")
    assert "\x1b[" in colored.stdout and "**" not in colored.stdout
    auto = _invoke("search", "cartel", "--index", str(built), env={"NO_COLOR": "1"})
    assert "\x1b[" not in auto.stdout
    never = _invoke("search", "cartel", "--index", str(built), "--color", "never")
    assert "\x1b[" not in never.stdout


def test_passages_option_limits_passages_per_hit(built):
    result = _invoke("search", "cartel", "--index", str(built), "--json", "--passages", "1")
    assert all(len(hit["passages"]) == 1 for hit in json_hits(result.stdout)[0])


def test_index_env_variable_and_stats_human(built):
    result = _invoke("stats", env={"NEWSGREP_INDEX": str(built)})
    assert result.exit_code == 0 and "articles  22" in result.stdout


def test_index_reports_counts_and_skips(corpus, index_dir):
    (corpus / "bad.txt").write_bytes(b"\x00" * 64)
    result = _invoke("index", str(corpus), "--index", str(index_dir))
    assert result.exit_code == 0
    assert "22 added" in result.stdout and "1 skipped" in result.stdout
    assert "skipped" in result.stderr and "binary" in result.stderr
    report = json.loads(_invoke("index", "--index", str(index_dir), "--json").stdout)
    assert report["unchanged"] == 23 and report["added"] == 0


def test_show_prints_fields_and_body(built):
    hit = json.loads(_invoke("search", "title:vows", "--index", str(built), "--json").stdout.splitlines()[0])
    shown = _invoke("show", hit["id"], "--index", str(built))
    assert shown.exit_code == 0
    assert "title     Mexico Vows Never to Cut Deals With Drug Lords" in shown.stdout
    assert "The Mexican government is vowing" in shown.stdout
    record = json.loads(_invoke("show", hit["path"], "--index", str(built), "--json").stdout)
    assert record["id"] == hit["id"] and record["body"].startswith("The Mexican government")
    missing = _invoke("show", "nosuchid", "--index", str(built))
    assert missing.exit_code == 2 and "no article with id or path" in missing.stderr


def test_show_gives_the_url_a_file_states(tmp_path):
    root = tmp_path / "news"
    root.mkdir()
    (root / "dated.txt").write_text(
        "Storm closes the port\n2009-07-16\nhttps://example.org/news/storm-port\n\n"
        "The port closed on Thursday as the storm came ashore, officials said, and the ferries that cross to the "
        "islands stayed in the harbour while the wind rose through the afternoon and into the night.\n"
    )
    (root / "feed.jsonl").write_text(
        json.dumps(
            {
                "id": "a1",
                "title": "Ferry runs again",
                "text": "The ferry ran again on Friday.",
                "url": "https://example.org/ferry",
            }
        )
        + "\n"
        + json.dumps({"id": "a2", "title": "No address", "text": "This record states no URL at all."})
        + "\n"
    )
    index = tmp_path / "index"
    assert _invoke("index", str(root), "--index", str(index), "-q").exit_code == 0
    urls = {}
    for name in ("dated.txt", "feed.jsonl"):
        shown = _invoke("show", str(root / name), "--index", str(index), "--json")
        for line in shown.stdout.splitlines():
            record = json.loads(line)
            urls[record["title"]] = record["url"]
    assert urls == {
        "Storm closes the port": "https://example.org/news/storm-port",
        "Ferry runs again": "https://example.org/ferry",
        "No address": None,
    }
    shown = _invoke("show", str(root / "dated.txt"), "--index", str(index))
    assert "url       https://example.org/news/storm-port" in shown.stdout


def test_since_and_until_options(built):
    dated = _invoke("search", "cartel", "--index", str(built), "--since", "2009-07", "--until", "2009-07-31", "--json")
    assert [hit["date"] for hit in json_hits(dated.stdout)[0]] == ["2009-07-16"]
    assert _invoke("search", "cartel", "--index", str(built), "--since", "2010").exit_code == 1
    bad = _invoke("search", "cartel", "--index", str(built), "--since", "someday")
    assert bad.exit_code == 2 and "cannot read the date" in bad.stderr


def test_broken_pipe_is_quiet(built):
    import subprocess
    import sys

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsgrep",
            "search",
            "government",
            "--index",
            str(built),
            "-n",
            "50",
            "--color",
            "never",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


def test_search_process_skips_imports_it_does_not_need(built):
    import subprocess
    import sys

    script = (
        "import sys, runpy; sys.argv = ['newsgrep', 'search', 'cartel', '--index', sys.argv[1]];"
        "import atexit; atexit.register(lambda: print('LOADED', sorted(m for m in ('asyncio', 'urllib.request',"
        " 'http.client', 'charset_normalizer', 'trafilatura', 'datasketch', 'dateparser') if m in sys.modules),"
        " file=sys.stderr)); runpy.run_module('newsgrep', run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", script, str(built)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr
    import_real = (
        "from newsgrep.store.whoosh_internals import trim_whoosh_imports as t; t();"
        " import urllib.request as u; print(u.urlopen)"
    )
    assert (
        "function urlopen" in subprocess.run([sys.executable, "-c", import_real], capture_output=True, text=True).stdout
    )
