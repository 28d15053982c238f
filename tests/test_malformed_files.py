"""Over 100 malformed files of every format newsgrep reads, made by the test from valid ones (truncated, in
the wrong encoding, under the wrong extension, with huge lines, NUL bytes inside JSON strings, invalid
UTF-8 in HTML, empty, nested deeply), indexed beside one good file of each format by the real command
line: each malformed file is a reported skip or indexed sensibly, every good file is indexed, the run
exits 0 (it succeeded: skips are reported, not errors) and prints no traceback."""

from __future__ import annotations

import json

import pytest

from tests import format_builders as b
from tests.conftest import run_cli

pytestmark = pytest.mark.slow  # some 120 files of every format through the real indexer


def _valid(arts) -> dict[str, bytes]:
    """One valid file of each format (by file name ending)."""
    one = arts[0]
    text = f"{one.title}\n{one.date}\n\n" + "\n\n".join(one.paragraphs) + "\n"
    record = {"title": one.title, "date": one.date, "url": one.url, "text": "\n\n".join(one.paragraphs)}
    markdown = f"---\ntitle: {json.dumps(one.title)}\ndate: {one.date}\n---\n\n" + "\n\n".join(one.paragraphs)
    return {
        ".txt": text.encode(),
        ".html": b.page(one).encode(),
        ".json": json.dumps(record).encode(),
        ".jsonl": b"".join(json.dumps({**record, "id": str(i)}).encode() + b"\n" for i in range(3)),
        ".warc.gz": b.warc_bytes(b.page_records(arts)),
        ".warc": b.warc_bytes(b.page_records(arts), gzip=False),
        ".rss": b.rss(arts),
        ".atom": b.atom(arts),
        ".md": markdown.encode(),
        ".pdf": b.pdf([one]),
        ".docx": b.docx([one]),
        ".eml": b.eml(one),
        ".mbox": b.mbox([b.eml(a, message_id=f"<m{i}@example.org>") for i, a in enumerate(arts)]),
    }


def _malformed(valid: dict[str, bytes]) -> dict[str, bytes]:
    """File name -> bytes: every format truncated three ways, empty, re-encoded, under the others'
    extensions, and the damage each format is prone to."""
    files: dict[str, bytes] = {}
    endings = list(valid)
    for number, (ending, data) in enumerate(valid.items()):
        stem = ending.strip(".").replace(".", "-")
        for share in (0.1, 0.5, 0.97):
            files[f"{stem}-cut{int(share * 100)}{ending}"] = data[: int(len(data) * share)]
        files[f"{stem}-empty{ending}"] = b""
        files[f"{stem}-nul-middle{ending}"] = data[: len(data) // 2] + b"\x00" * 64 + data[len(data) // 2 :]
        files[f"{stem}-utf16{ending}"] = data.decode("utf-8", "replace").encode("utf-16")
        files[f"{stem}-garbage-tail{ending}"] = data + bytes(range(256)) * 16
        other = endings[(number + 5) % len(endings)]  # another format's bytes under this name
        files[f"{stem}-as-{other.strip('.').replace('.', '-')}{ending}"] = valid[other]
    files.update(
        {
            "text-huge-line.txt": b"Huge line\n\n" + b"okapi " * 400_000 + b"\n",
            "text-latin1.txt": "Caf\u00e9 story\n\nThe caf\u00e9 in Mal\u00e9 served cr\u00eapes.\n".encode("latin-1"),
            "text-invalid-utf8.txt": b"Broken story\n\nBytes \xff\xfe\xc3\x28 in the middle of text.\n",
            "text-bom-lie.txt": b"\xef\xbb\xbf" + "Story in cp1252 \u2014 quotes".encode("cp1252") + b"\n",
            "json-nul-in-string.json": b'{"title": "Nul\\u0000title", "text": "A text with \\u0000 a NUL escaped."}',
            "json-raw-nul.json": b'{"title": "Raw nul", "text": "A raw \x00 NUL inside a string."}',
            "json-deep.json": b"[" * 200_000 + b"]" * 200_000,
            "json-deep-objects.json": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            "json-huge-string.json": json.dumps({"title": "Long", "text": "okapi " * 500_000}).encode(),
            "json-not-object.json": b'"just a string"',
            "json-numbers.json": b"[1, 2, 3, null, true]",
            "json-wrong-types.json": json.dumps({"title": ["a", "list"], "text": {"an": "object"}}).encode(),
            "json-lone-surrogate.json": b'{"title": "Lone \\ud800 surrogate", "text": "Half a pair \\udc00 here."}',
            "jsonl-mixed.jsonl": b'{"title": "Fine", "text": "A fine line."}\n{broken\n\x00\x00\n[1,2]\n'
            + b"[" * 100_000
            + b"\n",
            "jsonl-nul-string.jsonl": b'{"title": "Nul", "text": "A \\u0000 NUL escaped in a line."}\n',
            "html-invalid-utf8.html": b"<html><head><meta charset='utf-8'><title>Bad \xff\xfe bytes</title></head>"
            b"<body><article><p>Invalid UTF-8 \xc3\x28 \xa0\xa1 in a page about okapis and their forests.</p>"
            b"</article></body></html>",
            "html-deep.html": b"<html><body>"
            + b"<div>" * 50_000
            + b"deep okapi"
            + b"</div>" * 50_000
            + b"</body></html>",
            "html-huge-line.html": b"<html><body><p>" + b"okapi " * 300_000 + b"</p></body></html>",
            "html-no-body.html": b"<html><head><title>Only a title</title></head></html>",
            "html-script-only.html": b"<html><body><script>" + b"var x = 1;" * 10_000 + b"</script></body></html>",
            "feed-deep.rss": b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Deep</title>'
            b"<description>" + b"<b>" * 20_000 + b"okapi" + b"</b>" * 20_000 + b"</description></item></channel></rss>",
            "feed-entity-bomb.rss": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
            b'<rss version="2.0"><channel><item><title>Bomb</title><description>&e;&e;&e;&e;</description>'
            b"</item></channel></rss>",
            "markdown-bad-front-matter.md": b"---\ntitle: [unclosed\ndate: : :\n---\n\nThe text about okapis stays.\n",
            "markdown-deep.md": b"# Deep quotes\n\n" + b">" * 50_000 + b" okapi\n",
            "markdown-huge-line.md": b"# Huge\n\n" + b"okapi " * 300_000 + b"\n",
            "eml-no-body.eml": b"From: a@example.org\nSubject: Empty\n\n",
            "eml-bad-charset.eml": b"From: a@example.org\nSubject: Bad charset\nContent-Type: text/plain; "
            b"charset=klingon\n\nThe okapi text in a charset nobody knows \xff\xfe.\n",
            "mbox-no-from-line.mbox": b"Subject: Headless\n\nA mailbox without its From_ line.\n",
            "pdf-header-only.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "docx-not-zip.docx": b"PK\x03\x04" + b"\x00" * 200,
            "warc-header-only.warc": b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 999999\r\n\r\nshort",
        }
    )
    return files


def test_a_hundred_malformed_files_are_reported_or_indexed_and_the_good_ones_beside_them_indexed(arts, tmp_path):
    valid = _valid(arts)
    malformed = _malformed(valid)
    assert len(malformed) >= 100
    root = tmp_path / "news"
    (root / "good").mkdir(parents=True)
    (root / "bad").mkdir()
    for ending, data in valid.items():
        (root / "good" / f"good{ending}").write_bytes(data)
    for name, data in malformed.items():
        (root / "bad" / name).write_bytes(data)
    index = tmp_path / "ix"

    done = run_cli("index", str(root), "--index", str(index), "--json", "-j", "1", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    skipped = {skip["path"].split("/bad/", 1)[-1] for skip in report["skips"] if "/bad/" in skip["path"]}
    assert not [s for s in report["skips"] if "/good/" in s["path"]], report["skips"]

    listed = run_cli("search", "*", "--index", str(index), "--json", "-n", "1000", "--no-collapse", "-k", "1")
    assert listed.returncode == 0, listed.stderr
    records = [json.loads(line) for line in listed.stdout.splitlines()][:-1]
    indexed: dict[str, list[dict]] = {}
    for record in records:
        indexed.setdefault(record["path"].rsplit("/", 1)[-1], []).append(record)
    for ending in valid:
        assert f"good{ending}" in indexed, f"the good {ending} file beside the malformed ones was not indexed"

    silent = []
    for name in malformed:
        reported = any(s == name or s.startswith((name + ":", name + "@")) for s in skipped)  # file, record, offset
        if name in indexed:
            for record in indexed[name]:  # indexed sensibly: text without NULs, control characters or half pairs
                shown = record.get("title", "") + " ".join(p.get("text", "") for p in record.get("passages", []))
                assert "\x00" not in shown and not any(0xD800 <= ord(c) <= 0xDFFF for c in shown), (name, shown)
        elif not reported:
            silent.append(name)
    assert not silent, f"neither indexed nor reported: {silent}"
    print(f"\n{len(malformed)} malformed files: {len(skipped)} skips reported, "
          f"{sum(n in indexed for n in malformed)} indexed; {len(valid)} good files indexed")  # fmt: skip
