"""Valid files of the common formats indexed side by side through the real command line (a `.json`
article once ended every run with an AttributeError)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import json_hits, run_cli


@pytest.mark.slow  # real processes, several seconds
def test_json_object_json_list_jsonl_html_and_text_are_indexed_together(tmp_path):
    root = tmp_path / "news"
    root.mkdir()
    (root / "object.json").write_text(json.dumps({"title": "Okapi census", "text": "Rangers counted okapi herds."}))
    (root / "list.json").write_text(
        json.dumps([{"title": "Okapi fence", "text": "A fence for okapi."}, {"title": "Lynx", "text": "Okapi seen."}])
    )
    (root / "lines.jsonl").write_text(json.dumps({"title": "Okapi calf", "text": "An okapi calf was born."}) + "\n")
    (root / "page.html").write_text(
        "<html><head><title>Okapi park</title></head><body><p>The okapi park opened today.</p></body></html>"
    )
    (root / "note.txt").write_text("Okapi drought\n\nThe okapi reserve had no rain this year.\n")
    index = tmp_path / "ix"
    done = run_cli("index", str(root), "--index", str(index), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["added"], report["skipped"], report["skips"], report["articles"]) == (5, 0, [], 6), report
    hits, summary = json_hits(run_cli("search", "okapi", "--index", str(index), "--json", "-n", "20").stdout)
    assert summary["total"] == 6
    assert {hit["path"].rsplit("/", 1)[-1] for hit in hits} == {
        "object.json",
        "list.json",
        "lines.jsonl",
        "page.html",
        "note.txt",
    }
