"""The new formats through the real indexer: documents without their extra, web archives and feeds that
grow (read from where the last read ended, the old articles kept), big archives read piece by piece,
records still being written, `.xml` files that are no feeds, the crawl date kept apart."""

import datetime as dt
import sys

import pytest

from newsgrep import formats
from newsgrep.indexer import batch
from newsgrep.indexer.build import build_index
from newsgrep.indexer.check import check_index
from newsgrep.indexer.dates import date_value
from newsgrep.store.layout import IndexDir
from newsgrep.store.manifest import Manifest
from tests import format_builders as b
from tests.conftest import search
from tests.format_builders import Rec


def _shown(index_dir, path):
    from newsgrep import open_index

    with open_index(index_dir) as searcher:
        return searcher.articles(str(path))


def _entry(index_dir, path):
    index = IndexDir(index_dir)
    with Manifest(index.manifest_path()) as manifest:
        return manifest.entries([str(path)])[str(path)]


@pytest.fixture
def reads(monkeypatch):
    """The (offset, records) of every read of an appendable file the indexer makes (the real reads)."""
    seen = []
    real = formats.read_piece

    def spy(path, data, skips, offset=0, stop=None):
        piece = real(path, data, skips, offset, stop)
        seen.append((offset, len(piece.records)))
        return piece

    monkeypatch.setattr(formats, "read_piece", spy)
    return seen


def _pages(start: int, count: int, query: str = ""):
    return [b.Article(a.name, a.title, a.date, a.url + query, a.paragraphs) for a in b.wikinews(start, count)]


def test_date_value_takes_dates_and_datetimes():
    assert date_value(dt.datetime(2008, 2, 20, 23, 30)) == dt.datetime(2008, 2, 20)
    assert date_value(dt.datetime(2008, 2, 20, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))) == dt.datetime(
        2008, 2, 20
    )  # the day the outlet printed: the offset is dropped, not applied
    assert date_value(dt.date(2009, 7, 16)) == dt.datetime(2009, 7, 16)
    assert date_value(dt.datetime(2999, 1, 1)) is None  # a date in the future is no article's


# -- documents without the `documents` extra ---------------------------------------------------------------
def test_documents_without_their_extra_are_reported_once_and_read_once_it_is_installed(
    tmp_path, index_dir, arts, monkeypatch
):
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(b.pdf(arts[:1], title="Report one", running_head=None))
    (folder / "digest.pdf").write_bytes(b.pdf(arts[1:2], title="Report two", running_head=None))
    (folder / "memo.docx").write_bytes(b.docx(arts[2:], title="Memo"))
    (folder / "note.md").write_text("# A note\n\nThe okapi census counted a dozen calves.\n")
    monkeypatch.setitem(sys.modules, "pypdf", None)  # import pypdf fails: as without the extra
    monkeypatch.setitem(sys.modules, "docx", None)
    report = build_index([str(folder)], index_dir)
    assert report.missing_extras == {"documents": {".pdf": 2, ".docx": 1}}
    assert report.extra_notes() == ["install newsgrep[documents] to read 2 .pdf and 1 .docx files"]
    assert (report.added, report.skipped, report.articles) == (1, 0, 1)  # not skipped: not read at all
    assert check_index(index_dir).ok  # nor missing: `newsgrep index` says what to install
    monkeypatch.undo()  # the extra installed
    report = build_index(None, index_dir)
    assert (report.added, report.missing_extras, report.articles) == (3, {}, 4)
    assert [a.title for a in _shown(index_dir, folder / "report.pdf")] == ["Report one"]


# -- appendable files ---------------------------------------------------------------------------------------
def test_a_grown_warc_is_read_from_where_the_last_read_ended_and_keeps_its_articles(tmp_path, index_dir, reads):
    crawl = tmp_path / "crawl" / "news.warc.gz"
    crawl.parent.mkdir()
    with open(crawl, "wb") as f:
        b.write_warc(f, b.page_records(_pages(0, 6)))
    first = build_index([str(crawl.parent)], index_dir)
    assert (first.added, first.articles) == (1, 6) and reads == [(0, 6)]
    old = {a.key: (a.id, a.title, a.crawled) for a in _shown(index_dir, crawl)}
    old_size = crawl.stat().st_size
    with open(crawl, "ab") as f:  # the crawler appends three more captures
        b.write_warc(f, b.page_records(_pages(6, 3), start=6), warcinfo=False)
    reads.clear()
    grown = build_index(None, index_dir)
    assert reads == [(old_size, 3)]  # only the new records read
    assert (grown.grown, grown.updated, grown.added, grown.articles) == (1, 0, 0, 9)
    now = {a.key: (a.id, a.title, a.crawled) for a in _shown(index_dir, crawl)}
    assert {k: now[k] for k in old} == old and len(now) == 9
    assert [h.title for h in search(f'"{_pages(7, 1)[0].title}"', index_dir).hits] == [_pages(7, 1)[0].title]
    assert _entry(index_dir, crawl).articles == 9 and _entry(index_dir, crawl).size == crawl.stat().st_size
    assert check_index(index_dir).ok
    reads.clear()
    assert build_index(None, index_dir).unchanged == 1 and reads == []


def test_a_rewritten_warc_is_read_whole(tmp_path, index_dir, reads):
    crawl = tmp_path / "crawl" / "news.warc.gz"
    crawl.parent.mkdir()
    crawl.write_bytes(b.warc_bytes(b.page_records(_pages(0, 4))))
    build_index([str(crawl.parent)], index_dir)
    records = b.page_records(_pages(0, 5))
    records[0].payload = records[0].payload.replace(b"</h1>", b"</h1><p>A correction was added to this page.</p>")
    crawl.write_bytes(b.warc_bytes(records))  # bigger, but its first bytes differ: rewritten, not appended to
    reads.clear()
    report = build_index(None, index_dir)
    assert reads == [(0, 5)] and (report.updated, report.grown, report.articles) == (1, 0, 5)
    assert "correction" in _shown(index_dir, crawl)[0].body
    assert check_index(index_dir).ok


@pytest.mark.slow  # real processes, several seconds
def test_a_big_warc_is_read_piece_by_piece_into_one_index(tmp_path, index_dir, reads, monkeypatch):
    monkeypatch.setattr(batch, "PIECE_BYTES", 10_000)  # about five pages a piece
    crawl = tmp_path / "crawl" / "news.warc.gz"
    crawl.parent.mkdir()
    crawl.write_bytes(b.warc_bytes(b.page_records(_pages(0, 30))))
    report = build_index([str(crawl.parent)], index_dir)
    assert len(reads) >= 4 and [offset for offset, _ in reads] == sorted({offset for offset, _ in reads})
    assert sum(count for _, count in reads) == 30
    assert (report.added, report.grown, report.articles) == (1, 0, 30)
    assert _entry(index_dir, crawl).size == crawl.stat().st_size and check_index(index_dir).ok
    with open(crawl, "ab") as f:
        b.write_warc(f, b.page_records(_pages(30, 2), start=30), warcinfo=False)
    reads.clear()
    grown = build_index(None, index_dir)
    assert (grown.grown, grown.articles) == (1, 32) and sum(count for _, count in reads) == 2
    reads.clear()
    rebuilt = build_index(None, index_dir, rebuild=True)
    assert rebuilt.articles == 32 and len(reads) >= 4


def test_a_record_being_written_is_read_once_complete(tmp_path, index_dir):
    data = b.warc_bytes(b.page_records(_pages(0, 3)))
    last = b.gzip_members(data)[5]  # warcinfo, then a page and its request each: the third page
    crawl = tmp_path / "crawl" / "live.warc.gz"
    crawl.parent.mkdir()
    crawl.write_bytes(data[: last[0] + 200])  # the crawler is writing the third page
    first = build_index([str(crawl.parent)], index_dir)
    assert (first.added, first.skipped, first.articles) == (1, 0, 2)
    assert [s.reason for s in first.skips] == [f"incomplete last record at byte {last[0]} (still being written?)"]
    crawl.write_bytes(data)
    second = build_index(None, index_dir)
    assert (second.grown, second.articles, second.skips) == (1, 3, [])
    assert check_index(index_dir).ok


def test_a_feed_line_still_being_written_and_a_repeated_id(tmp_path, index_dir):
    feed = tmp_path / "wire" / "feed.jsonl"
    feed.parent.mkdir()
    line = '{{"id": "{}", "title": "{}", "text": "{}"}}\n'
    feed.write_text(line.format("r1", "Wombat census", "Wombats counted.") + '{"id": "r2", "title": "Numb')
    first = build_index([str(feed.parent)], index_dir)
    assert (first.articles, first.skipped) == (1, 0)
    feed.write_text(
        line.format("r1", "Wombat census", "Wombats counted.")
        + line.format("r2", "Numbat census", "Numbats counted.")
        + line.format("r1", "Wombat recount", "Wombats counted again.")  # an update under the same id
    )
    second = build_index(None, index_dir)
    assert (second.grown, second.articles) == (1, 3)
    assert sorted(a.key for a in _shown(index_dir, feed)) == ["line 3", "r1", "r2"]  # as a whole read keys them
    assert check_index(index_dir).ok


def test_a_grown_mailbox_and_an_expunged_one(tmp_path, index_dir, arts, reads):
    box = tmp_path / "mail" / "tips.mbox"
    box.parent.mkdir()
    messages = [b.eml(a, message_id=f"<m{i}@example.org>") for i, a in enumerate(arts)]
    box.write_bytes(b.mbox(messages[:2]))
    build_index([str(box.parent)], index_dir)
    size = box.stat().st_size
    box.write_bytes(b.mbox(messages[:2]) + b.mbox(messages[2:]).replace(b"sender0@", b"sender2@"))
    reads.clear()
    assert build_index(None, index_dir).grown == 1 and reads == [(size, 1)]
    box.write_bytes(b.mbox(messages[1:]))  # a message deleted: the mail client rewrote the mailbox
    reads.clear()
    report = build_index(None, index_dir)
    assert (report.updated, report.articles) == (1, 2) and reads == [(0, 2)]
    assert sorted(a.key for a in _shown(index_dir, box)) == ["m1@example.org", "m2@example.org"]


# -- sniffing, and the crawl date ------------------------------------------------------------------------
def test_xml_files_are_read_only_when_they_are_feeds(tmp_path, index_dir, arts):
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "wikinews.xml").write_bytes(b.rss(arts))
    (folder / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://x.org/</loc></url></urlset>')
    report = build_index([str(folder)], index_dir)
    assert (report.added, report.skipped, report.articles) == (1, 0, 3)
    assert check_index(index_dir).ok  # the sitemap is no article file: not "missing"
    (folder / "wikinews.xml").write_text('<?xml version="1.0"?><config><debug>true</debug></config>')
    report = build_index(None, index_dir)
    assert (report.removed, report.articles) == (1, 0)  # no longer a feed: its articles go


def test_the_crawl_date_is_kept_apart_from_the_date(tmp_path, index_dir, arts):
    undated = "\n".join(line for line in b.page(arts[0]).split("\n") if "published_time" not in line)
    crawl = tmp_path / "crawl" / "c.warc.gz"
    crawl.parent.mkdir()
    crawl.write_bytes(
        b.warc_bytes(
            [
                Rec(uri=arts[0].url, payload=undated.encode(), record_id="urn:uuid:a", date="2024-05-01T12:00:00Z"),
                Rec(
                    uri=arts[1].url,
                    payload=b.page(arts[1]).encode(),
                    record_id="urn:uuid:b",
                    date="2024-05-02T08:30:00Z",
                ),
            ]
        )
    )
    build_index([str(crawl.parent)], index_dir)
    first, second = _shown(index_dir, crawl)
    assert (first.date, first.crawled) == (None, dt.datetime(2024, 5, 1, 12, 0))  # no date of its own: none
    assert (second.date, second.crawled) == (dt.datetime(2006, 9, 27), dt.datetime(2024, 5, 2, 8, 30))
    assert search("date:2024", index_dir).total == 0


def test_a_line_that_becomes_furniture_as_a_warc_grows_leaves_its_old_articles_too(tmp_path, index_dir):
    promo = "Listen to this article on the Wikinews app"

    def records(pages, start):
        found = b.page_records(pages, start)
        for record in found:
            record.payload = record.payload.replace(b"</article>", f"<p>{promo}</p></article>".encode())
        return found

    crawl = tmp_path / "crawl" / "news.warc.gz"
    crawl.parent.mkdir()
    crawl.write_bytes(b.warc_bytes(records(_pages(0, 3), 0)))
    build_index([str(crawl.parent)], index_dir)
    assert all(promo in a.body for a in _shown(index_dir, crawl))  # on 3 pages: not yet furniture
    with open(crawl, "ab") as f:
        b.write_warc(f, records(_pages(3, 3), 3), warcinfo=False)
    report = build_index(None, index_dir)
    assert report.grown == 1 and report.refreshed == 1  # on 6 pages now: furniture, on the old pages too
    assert [promo in a.body for a in _shown(index_dir, crawl)] == [False] * 6
    assert check_index(index_dir).ok


def test_a_run_that_dies_between_a_pieces_commit_and_its_manifest_leaves_no_article_twice(
    tmp_path, index_dir, monkeypatch
):
    monkeypatch.setattr(batch, "PIECE_BYTES", 10_000)
    crawl = tmp_path / "crawl" / "news.warc.gz"
    crawl.parent.mkdir()
    crawl.write_bytes(b.warc_bytes(b.page_records(_pages(0, 20))))
    real, calls = Manifest.apply, []

    def dies_at_the_third(self, *args, **kwargs):  # Whoosh has committed the third piece; the manifest not
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Manifest, "apply", dies_at_the_third)
    with pytest.raises(KeyboardInterrupt):
        build_index([str(crawl.parent)], index_dir)
    monkeypatch.setattr(Manifest, "apply", real)
    report = build_index(None, index_dir)  # reads on from the second piece's end
    assert report.grown == 1 and report.articles == 20
    assert check_index(index_dir).ok  # no id twice, counts agree
    assert len(_shown(index_dir, crawl)) == 20
