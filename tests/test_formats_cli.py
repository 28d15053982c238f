"""A newsroom's folder holding one file of every format, through the real command line: indexed with the
right titles, dates, sources and bylines (as `newsgrep show` prints them), searchable, and incrementally
updated as its web archive grows; and the `documents` extra missing, reported once."""

import json

import pytest

from tests import format_builders as b
from tests.conftest import json_hits, run_cli
from tests.format_builders import Rec
from tests.test_format_markdown import YAML_POST

CRAWLED = "2024-05-01T12:00:00Z"
_FIRST = "Ana Ben Chloe Dara Emil Farah Goran Hana Ivo Jun".split()
_LAST = "Abara Baptiste Costa Dimitrov Eriksen Fontaine Garcia Haddad Ilunga Jensen".split()
_LAST += "Kowalski Lindqvist Moreau Nakamura Okafor Petrov Quispe Rossi Silva Tanaka".split()


def reporter(i: int) -> str:
    """A reporter's name for page i (200 of them; trafilatura drops bylines with digits)."""
    return f"{_FIRST[i % 10]} {_LAST[i // 10 % 20]}"


def _crawl(pages: list[b.Article], start: int, date: str, note: str = "") -> list[Rec]:
    """A crawl's records: per page a response and a request, and an image every tenth page."""
    records = []
    for i, article in enumerate(pages, start):
        page = b.page(article, author=reporter(i % 200))
        if note:  # its own words on each page (a line repeated on many pages is furniture)
            page = page.replace("</article>", f"<p>{note.format(title=article.title)}</p></article>")
        records.append(Rec(uri=article.url + (f"?v={i}" if note else ""), payload=page.encode(), date=date))
        records.append(Rec(type="request", uri=article.url, date=date))
        if i % 10 == 9:
            records.append(
                Rec(uri=f"https://en.wikinews.org/img/{i}.png", payload=b"\x89PNG", content_type="image/png")
            )
    return records


def _show(index, path) -> list[dict]:
    done = run_cli("show", str(path), "--index", str(index), "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _fields(article: dict) -> tuple:
    return (article["title"], article["date"], article["source"], article["byline"])


@pytest.mark.slow  # a few hundred pages through trafilatura, and a dozen newsgrep processes
def test_a_folder_of_every_format_is_indexed_shown_searched_and_kept_up_to_date(tmp_path, arts):
    import datetime as dt

    news, index = tmp_path / "newsroom", tmp_path / "ix"
    news.mkdir()
    pages = b.wikinews(0, 200)
    crawl = news / "crawl.warc.gz"
    crawl.write_bytes(b.warc_bytes(_crawl(pages, 0, CRAWLED)))
    (news / "wikinews.rss").write_bytes(b.rss(arts))
    (news / "agency.xml").write_bytes(b.atom(arts))
    (news / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://x.org/</loc></url></urlset>')
    (news / "mexico.md").write_text(YAML_POST)
    (news / "digest.pdf").write_bytes(
        b.pdf(arts, title="Wikinews digest", author="Wikinews contributors", created=dt.datetime(2008, 2, 21, 8))
    )
    (news / "memo.docx").write_bytes(
        b.docx(arts[:2], title="Digest", author="Jane Smith", created=dt.datetime(2008, 2, 21))
    )
    (news / "tip.eml").write_bytes(b.eml(arts[1]))
    (news / "tips.mbox").write_bytes(b.mbox([b.eml(a, message_id=f"<m{i}@example.org>") for i, a in enumerate(arts)]))

    done = run_cli("index", str(news), "--index", str(index), "--json", timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["added"], report["skipped"], report["articles"]) == (8, 1, 200 + 3 + 3 + 1 + 1 + 1 + 1 + 3)
    assert [s["reason"] for s in report["skips"]] == ["20 non-HTML responses (image/png 20)"]
    assert report["skips"][0]["count"] == 20 and report["missing_extras"] == []

    warc = _show(index, crawl)
    assert len(warc) == 200
    by_url = {a["title"]: a for a in warc}
    for i, page in enumerate(pages):
        shown = by_url[page.title]
        assert _fields(shown) == (page.title, page.date, "wikinews", reporter(i))
        assert shown["crawled"] == "2024-05-01T12:00:00" and shown["key"].startswith("urn:uuid:")
    rss = {a["title"]: _fields(a) for a in _show(index, news / "wikinews.rss")}
    assert rss == {a.title: (a.title, a.date, "wikinews", f"Reporter {i}") for i, a in enumerate(arts)}
    atom = {a["title"]: _fields(a) for a in _show(index, news / "agency.xml")}
    assert atom == {a.title: (a.title, a.date, "wikinews", f"Author A{i}, Author B{i}") for i, a in enumerate(arts)}
    assert [_fields(a) for a in _show(index, news / "mexico.md")] == [
        ("Mexico rejects drug gang deal", "2009-07-16", "bbc", "Jane Smith, Joe Bloggs")
    ]
    assert [_fields(a) for a in _show(index, news / "digest.pdf")] == [
        ("Wikinews digest", "2008-02-21", "newsroom", "Wikinews contributors")  # no source stated: the folder's name
    ]
    assert [_fields(a) for a in _show(index, news / "memo.docx")] == [
        ("Digest", "2008-02-21", "newsroom", "Jane Smith")
    ]
    assert [_fields(a) for a in _show(index, news / "tip.eml")] == [
        (arts[1].title, "2006-09-27", "wikinews", "Renata Beger")
    ]
    mbox = {a["key"]: _fields(a) for a in _show(index, news / "tips.mbox")}
    assert mbox == {
        f"m{i}@example.org": (a.title, "2006-09-27", "wikinews", "Renata Beger") for i, a in enumerate(arts)
    }

    human = run_cli("show", warc[0]["id"], "--index", str(index))
    assert "crawled   2024-05-01 12:00:00" in human.stdout and f"date      {warc[0]['date']}" in human.stdout

    done = run_cli("search", '"Serzh Sargsyan"', "--index", str(index), "--json", "--no-collapse", "-n", "50")
    found = {hit["path"] for hit in json_hits(done.stdout)[0]}
    assert found == {
        str(news / name)
        for name in ("crawl.warc.gz", "wikinews.rss", "agency.xml", "digest.pdf", "memo.docx", "tips.mbox")
    }  # the Armenian election, in every file that carries it (not the e-mail: it is about Poland)

    # The crawler goes on: a hundred pages captured again, with an update each, appended to the archive.
    with open(crawl, "ab") as f:
        b.write_warc(
            f, _crawl(pages[:100], 200, "2024-05-02T06:00:00Z", "Update: {title} was crawled again."), warcinfo=False
        )
    done = run_cli("index", "--index", str(index), timeout=600)
    assert done.returncode == 0, done.stderr
    assert "0 added, 0 updated, 1 grown, 0 removed, 7 unchanged, 1 skipped; 313 articles" in done.stdout
    again = _show(index, crawl)
    assert len(again) == 300 and {a["id"]: a for a in again}[warc[0]["id"]] == warc[0]  # the old ones as they were
    done = run_cli("search", "crawled again", "--index", str(index), "--json", "-n", "200", "--no-collapse")
    hits = json_hits(done.stdout)[0]
    assert len(hits) == 100 and all(hit["path"] == str(crawl) for hit in hits)
    assert run_cli("check", "--index", str(index)).returncode == 0


def test_without_the_documents_extra_the_files_are_named_once(tmp_path, arts):
    news, index, blocked = tmp_path / "desk", tmp_path / "ix", tmp_path / "blocked"
    news.mkdir()
    blocked.mkdir()
    for library in ("pypdf", "docx"):  # importable names whose import fails: as if not installed
        (blocked / f"{library}.py").write_text("raise ImportError('not installed')\n")
    for name in ("a.pdf", "b.pdf"):
        (news / name).write_bytes(b"%PDF-1.4\n")
    (news / "c.docx").write_bytes(b"PK\x03\x04")
    (news / "note.md").write_text("# Note\n\nThe okapi census counted a dozen calves.\n")
    env = {"PYTHONPATH": str(blocked)}
    done = run_cli("index", str(news), "--index", str(index), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "newsgrep: install newsgrep[documents] to read 2 .pdf and 1 .docx files\n"
    assert "1 added, 0 updated, 0 removed, 0 unchanged, 0 skipped; 1 article in" in done.stdout
    done = run_cli("index", "--index", str(index), "--json", env=env)
    assert json.loads(done.stdout)["missing_extras"] == [
        {
            "extra": "documents",
            "files": {".pdf": 2, ".docx": 1},
            "message": "install newsgrep[documents] to read 2 .pdf and 1 .docx files",
        }
    ]
