"""WARC web archives (newsgrep.formats.warc): golden crawls, incremental and piecewise reads, hostile files.
Every read goes through the registry, as the indexer's do."""

import datetime as dt
import gzip
import mmap
import re

import pytest

from newsgrep import formats
from newsgrep.formats import warc
from newsgrep.formats.records import Partial, SkipFile
from tests import format_builders as b
from tests.conftest import bounded
from tests.format_builders import Rec

PATH = "/news/crawl.warc.gz"


def read(data, offset=0, path=PATH, stop=None):
    skips = []
    return formats.read_piece(path, data, skips, offset, stop).records, skips


def crawl(arts):
    """A crawl as a crawler writes it: pages with their requests, an image, a stylesheet, a revisit, a
    404, a redirect, a section front with no article, a chunked gzip-encoded page, a cp1252 page
    declared ISO-8859-1, and an HTML resource record."""
    a0, a1, a2 = arts
    section = (
        "<html><head><title>Portal</title></head><body><nav><a href='/a'>A</a> <a href='/b'>B</a></nav></body></html>"
    )
    pound = b.Article(
        "cp1252",
        "Prices rise in London shops",
        "2009-07-16",
        "http://www.bbc.co.uk/news/prices",
        [
            "Prices rose to \u00a3600 in the shops of London this week, the office said in its report today.",
            "Shoppers said the \u201crise\u201d was the biggest they had seen since the caf\u00e9 opened in 1998.",
        ],
    )
    return [
        *b.page_records([a0]),
        Rec(
            uri="https://en.wikinews.org/logo.png",
            payload=b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
            content_type="image/png",
        ),
        Rec(uri="https://en.wikinews.org/style.css", payload=b"body{}", content_type="text/css"),
        Rec(type="revisit", uri=a0.url, record_id="urn:uuid:revisit-1"),
        Rec(
            uri="https://en.wikinews.org/missing",
            payload=b"<html><body><p>Not found</p></body></html>",
            status="404 Not Found",
        ),
        Rec(
            uri="https://en.wikinews.org/old",
            payload=b"<html><body>Moved</body></html>",
            status="301 Moved Permanently",
            http_extra=(("Location", "https://en.wikinews.org/new"),),
        ),
        Rec(uri="https://en.wikinews.org/wiki/Portal", payload=section.encode(), record_id="urn:uuid:section"),
        Rec(uri=a1.url, raw_http=b.chunked_gzip_http(b.page(a1).encode("utf-8")), record_id="urn:uuid:chunked"),
        Rec(
            uri=pound.url,
            payload=b.page(pound, author="Joe Bloggs", site="BBC News").encode("cp1252"),
            content_type="text/html; charset=iso-8859-1",
            record_id="urn:uuid:cp1252",
        ),
        Rec(
            type="resource",
            uri="file:///saved/moldova.html",
            payload=b.page(a2, author="Ion Popescu").encode("utf-8"),
            content_type="text/html",
            record_id="urn:uuid:resource",
        ),
        Rec(type="metadata", uri=a0.url, payload=b"outlinks: 3", content_type="application/warc-fields"),
    ]


@pytest.mark.parametrize("compressed", [True, False])
@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_golden_crawl(arts, compressed, version):
    data = b.warc_bytes(crawl(arts), gzip=compressed, version=version)
    records, skips = read(data, path=PATH if compressed else "/news/crawl.warc")
    path = PATH if compressed else "/news/crawl.warc"
    assert [r.key for r in records] == [
        "urn:uuid:00000000-0000-0000-0000-000000000000",
        "urn:uuid:chunked",
        "urn:uuid:cp1252",
        "urn:uuid:resource",
    ]
    first, chunked, pound, resource = records
    a0, a1, a2 = arts
    assert first.fields == {
        "title": a0.title,
        "date": a0.date,  # the page's own date (article:published_time), never the crawl's
        "source": "wikinews",  # the outlet named by the target URI's host
        "byline": "Jane Reporter",
        "url": a0.url,
        "crawled": dt.datetime(2024, 5, 1, 12, 0),  # WARC-Date
    }
    assert first.path == path and first.site == f"{path}#wikinews"
    assert first.text.split("\n") == [a0.title, *a0.paragraphs]  # no navigation, no footer
    assert chunked.text.split("\n") == [a1.title, *a1.paragraphs]
    assert chunked.fields["title"] == a1.title
    assert pound.fields["source"] == "bbc" and pound.fields["byline"] == "Joe Bloggs"
    assert "\u00a3600" in pound.text and "\u201crise\u201d" in pound.text and "caf\u00e9" in pound.text
    assert resource.fields["title"] == a2.title and "url" in resource.fields
    assert "Chi\u015fin\u0103u" in resource.text
    summary = {s.path.rpartition(":")[2]: (s.count, s.reason) for s in skips}
    assert summary == {
        "non-HTML": (2, "2 non-HTML responses (image/png 1, text/css 1)"),
        "HTTP status": (2, "2 HTML responses without success status (404 ×1, 301 ×1)"),
        "revisits": (1, "1 revisit records (captures of unchanged pages)"),
        "no article": (1, "1 HTML pages with no article text (https://en.wikinews.org/wiki/Portal)"),
    }


def test_keys_fall_back_to_offsets_when_record_ids_repeat(arts):
    records = b.page_records(arts[:2])
    records[2].record_id = records[0].record_id  # a broken crawler reusing ids
    data = b.warc_bytes(records)
    found, _ = read(data)
    members = b.gzip_members(data)
    assert found[0].key == records[0].record_id
    assert found[1].key == f"@{members[3][0]}"  # warcinfo, page, request, page: the 4th member


def test_same_page_crawled_twice_gives_two_articles(arts):
    data = b.warc_bytes([*b.page_records(arts[:1]), *b.page_records(arts[:1], start=7)])
    found, _ = read(data)
    assert [r.fields["url"] for r in found] == [arts[0].url] * 2
    assert len({r.key for r in found}) == 2


def test_whole_file_gzip_is_read(arts):
    plain = b.warc_bytes(b.page_records(arts), gzip=False)
    found, skips = read(gzip.compress(plain))
    assert [r.fields["title"] for r in found] == [a.title for a in arts]
    assert not skips
    with pytest.raises(SkipFile, match="no WARC record starts at byte 10"):
        read(gzip.compress(plain), offset=10)


def test_reads_from_an_mmap(arts, tmp_path):
    target = tmp_path / "c.warc.gz"
    target.write_bytes(b.warc_bytes(b.page_records(arts)))
    with open(target, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        found, _ = read(mapped, path=str(target))
    assert len(found) == 3


# -- incremental reads -------------------------------------------------------------------------------------
@pytest.mark.parametrize("compressed", [True, False])
def test_incremental_append(arts, tmp_path, compressed):
    target = tmp_path / ("c.warc.gz" if compressed else "c.warc")
    pages = [
        b.Article(f"p{i}", f"{a.title} (part {i})", a.date, f"{a.url}?p={i}", a.paragraphs)
        for i, a in enumerate(arts * 3)
    ]
    first, later = pages[:4], pages[4:]
    with open(target, "wb") as f:
        b.write_warc(f, b.page_records(first), gzip=compressed)
    old_size = target.stat().st_size
    before, _ = read(target.read_bytes(), path=str(target))
    with open(target, "ab") as f:  # a crawler appending later captures
        b.write_warc(f, b.page_records(later, start=len(first)), gzip=compressed, warcinfo=False)
    data = target.read_bytes()
    full, _ = read(data, path=str(target))
    new, skips = read(data, offset=old_size, path=str(target))
    assert [r.key for r in before] == [r.key for r in full[: len(first)]]
    assert [(r.key, r.text, r.fields) for r in new] == [(r.key, r.text, r.fields) for r in full[len(first) :]]
    assert len(new) == len(later) and not skips
    assert read(data, offset=len(data), path=str(target)) == ([], [])


def test_incremental_keys_by_offset_match_a_full_read(arts):
    """Records without a WARC-Record-ID are keyed by their byte offset: the same in a full read and in
    a read from an offset."""
    plain = b.warc_bytes([Rec(uri=a.url, payload=b.page(a).encode()) for a in arts], gzip=False)
    data = re.sub(rb"WARC-Record-ID: [^\r]*\r\n", b"", plain)  # a header line, outside the counted block
    starts = [m.start() for m in re.finditer(rb"WARC/1\.1\r\n", data)]  # warcinfo, then the three pages
    full, _ = read(data, path="/c.warc")
    tail, _ = read(data, offset=starts[2], path="/c.warc")
    assert [r.key for r in full] == [f"@{p}" for p in starts[1:]]
    assert [r.key for r in tail] == [r.key for r in full[1:]]


def test_partial_record_at_the_end_is_left_for_the_next_run(arts, tmp_path):
    data = b.warc_bytes(b.page_records(arts))
    members = b.gzip_members(data)
    last_page = members[5][0]  # warcinfo, page, request, page, request, page, request
    cut = data[: last_page + (members[5][1] - last_page) // 2]  # the crawler is writing the third page
    found, skips = read(cut)
    assert [r.fields["title"] for r in found] == [a.title for a in arts[:2]]
    assert skips == [
        Partial(
            f"{PATH}@{last_page}",
            f"incomplete last record at byte {last_page} (still being written?)",
            resume=last_page,
        )
    ]
    assert skips[0].count == 0  # a note: nothing is lost, the record is read once it is complete
    rest, skips = read(data, offset=skips[0].resume)
    assert [r.fields["title"] for r in rest] == [arts[2].title] and not skips


def test_offset_not_at_a_record_is_refused(arts):
    data = b.warc_bytes(b.page_records(arts))
    with pytest.raises(SkipFile, match="no WARC record starts at byte 100"):
        read(data, offset=100)
    with pytest.raises(SkipFile, match="cannot read from byte"):
        read(data, offset=len(data) + 1)


# -- hostile files -------------------------------------------------------------------------------------------
def test_truncated_gzip(arts):
    data = b.warc_bytes(b.page_records(arts))
    for cut in (len(data) // 3, len(data) // 2, len(data) - 5, 30):
        with bounded(10, 30):
            try:
                found, skips = read(data[:cut])
            except SkipFile:
                continue
        assert all(r.fields.get("title") in {a.title for a in arts} for r in found)
        assert any(isinstance(s, Partial) for s in skips)


def test_corrupt_gzip_member_in_the_middle(arts):
    data = bytearray(b.warc_bytes(b.page_records(arts)))
    members = b.gzip_members(bytes(data))
    start, end = members[3]  # the second page
    data[start + 20 : start + 60] = b"\xff" * 40
    found, skips = read(bytes(data))
    assert [r.fields["title"] for r in found] == [arts[0].title, arts[2].title]
    assert len(skips) == 1 and skips[0].path == f"{PATH}@{start}" and "damaged WARC record" in skips[0].reason


@pytest.mark.parametrize("compressed", [True, False])
@pytest.mark.parametrize("delta", [-120, +120, +(10**9)])
def test_wrong_content_length(arts, compressed, delta):
    """The second page's WARC Content-Length is wrong: that record is skipped, the others are read."""
    blocks = [gzip.decompress(bytes(b.warc_bytes([r], warcinfo=False))) for r in b.page_records(arts)]

    def tamper(block):
        return re.sub(
            rb"\r\nContent-Length: (\d+)\r\n",
            lambda m: b"\r\nContent-Length: %d\r\n" % max(0, int(m.group(1)) + delta),
            block,
            count=1,
        )

    blocks[2] = tamper(blocks[2])
    data = b"".join(gzip.compress(x) for x in blocks) if compressed else b"".join(blocks)
    with bounded(10, 50):
        found, skips = read(data, path=PATH if compressed else "/c.warc")
    titles = [r.fields["title"] for r in found]
    assert arts[0].title in titles and arts[1].title not in titles
    assert arts[2].title in titles
    assert all(
        r.text.split("\n")[1:] == next(a.paragraphs for a in arts if a.title == r.fields["title"]) for r in found
    )
    assert skips and all(s.path.startswith(("/c.warc@", f"{PATH}@")) for s in skips)


def test_non_html_only(arts):
    data = b.warc_bytes(
        [Rec(uri=f"https://x.org/{i}.png", payload=b"\x89PNG....", content_type="image/png") for i in range(5)]
        + [Rec(uri="https://x.org/a.js", payload=b"var a;", content_type="application/javascript")]
    )
    with pytest.raises(SkipFile) as error:
        read(data)
    assert str(error.value) == "no article in the WARC (6 non-HTML responses (image/png 5, application/javascript 1))"
    found, skips = read(data, offset=b.gzip_members(data)[2][0])  # an appended batch: counted, not refused
    assert found == [] and [(s.count, s.reason) for s in skips] == [
        (5, "5 non-HTML responses (image/png 4, application/javascript 1)")
    ]


def test_page_too_large(arts):
    huge = b"<html><body><article><p>" + b"word " * (warc.MAX_PAGE_BYTES // 5 + 10) + b"</p></article></body></html>"
    data = b.warc_bytes(
        [Rec(uri="https://x.org/big", payload=huge, record_id="urn:uuid:big"), *b.page_records(arts[:1])]
    )
    with bounded(20, 120):
        found, skips = read(data)
    assert len(found) == 1
    assert skips[0].path == f"{PATH}:urn:uuid:big" and skips[0].reason.startswith("HTML page over 5 MB")


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b"\n\r\n  ", "empty file"),
        (b"<html><body>not a warc</body></html>", "not a WARC file"),
        (bytes(range(256)) * 40, "not a WARC file"),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4, "no article in the WARC"),
        (b"WARC/1.1\r\nWARC-Type: response\r\n", "no article in the WARC"),
    ],
)
def test_garbage_and_empty(data, reason):
    with bounded(5, 30):
        try:
            found, skips = read(data)
        except SkipFile as exc:
            assert str(exc).startswith(reason) or reason in str(exc)
            return
    assert found == [] and skips  # a truncated header: a Partial, nothing raised


@pytest.mark.slow  # several seconds under tracemalloc
def test_http_gzip_bomb_payload_is_bounded():
    bomb = gzip.compress(b"<html><body><p>" + b"a" * (200 * 2**20))  # 200 MB of 'a' in a 200 KB payload
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
        % len(bomb)
    ) + bomb
    data = b.warc_bytes([Rec(uri="https://x.org/bomb", raw_http=http, record_id="urn:uuid:bomb")])
    with bounded(20, 60):
        try:
            found, skips = read(data)
        except SkipFile:
            return
    assert found == [] and any("over 5 MB" in s.reason for s in skips)


def test_corrupt_first_member_does_not_lose_the_file(arts):
    data = bytearray(b.warc_bytes(b.page_records(arts), warcinfo=False))
    start, end = b.gzip_members(bytes(data))[0]  # the first page
    data[start + 30 : start + 70] = b"\xff" * 40
    found, skips = read(bytes(data))
    assert [r.fields["title"] for r in found] == [a.title for a in arts[1:]]
    assert len(skips) == 1 and skips[0].path == f"{PATH}@0"


# -- pieces: a big WARC is read a few megabytes at a time ---------------------------------------------------
@pytest.mark.parametrize("compressed", [True, False])
def test_pieces_give_what_a_whole_read_gives(arts, compressed):
    pages = [
        b.Article(f"p{i}", f"{a.title} (part {i})", a.date, f"{a.url}?p={i}", a.paragraphs)
        for i, a in enumerate(arts * 4)
    ]
    data = b.warc_bytes(b.page_records(pages), gzip=compressed)
    path = PATH if compressed else "/news/crawl.warc"
    whole, whole_skips = read(data, path=path)
    pieces, ends, offset = [], [], 0
    while offset < len(data):
        skips = []
        piece = formats.read_piece(path, data, skips, offset, offset + len(data) // 5)
        assert piece.end > offset and not skips
        pieces.extend(piece.records)
        ends.append(piece.end)
        offset = piece.end
    assert len(ends) >= 4 and ends[-1] == len(data)
    assert [(r.key, r.text, r.fields) for r in pieces] == [(r.key, r.text, r.fields) for r in whole]
    assert not whole_skips


def test_a_record_keeps_its_offset_as_fallback_key(arts):
    data = b.warc_bytes(b.page_records(arts))
    found, _ = read(data)
    members = b.gzip_members(data)
    assert [r.fallback_key for r in found] == [f"@{members[i][0]}" for i in (1, 3, 5)]  # after the warcinfo


def test_the_benchmarks_warc_corpus_reads_back(tmp_path):
    """bench/warc_corpus.py wraps a folder of .txt articles into a WARC that newsgrep reads whole."""
    import importlib.util

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("warc_corpus", REPO / "bench" / "warc_corpus.py")
    warc_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(warc_corpus)
    folder = tmp_path / "bbc" / "business"
    folder.mkdir(parents=True)
    for i, article in enumerate(b.articles()):
        (folder / f"{i:03}.txt").write_text(f"{article.title}\n\n" + "\n\n".join(article.paragraphs) + "\n")
    target = tmp_path / "bbc.warc.gz"
    assert warc_corpus.write_warc(tmp_path / "bbc", target, assets_every=1) == 3
    found, skips = read(target.read_bytes(), path=str(target))
    assert [r.fields["title"] for r in found] == [a.title for a in b.articles()]
    assert {r.fields["source"] for r in found} == {"bbc"} and found[0].fields["byline"] == "BBC News Business Desk"
    assert [r.text.split("\n")[1:] for r in found] == [a.paragraphs for a in b.articles()]  # no navigation, no footer
    assert [(s.count, s.reason) for s in skips] == [(6, "6 non-HTML responses (text/css 3, image/png 3)")]
