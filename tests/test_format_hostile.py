"""Every format, through the registry, on files that are not what their names say: records or skips,
never another exception, and within time and memory bounds."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgrep import formats
from newsgrep.formats.records import MissingExtra, SkipFile
from tests import format_builders as b
from tests.conftest import bounded

ALL_ENDINGS = sorted({ending for module in formats.FORMATS for ending in module.EXTENSIONS})


def read_file(path: str, data: bytes):
    """What the indexer does with a file: not its format's (an .xml file that is no feed), or records and
    skips (a SkipFile is one skip for the file)."""
    if formats.format_for(path, data[: formats.SNIFF_BYTES]) is None:
        return None
    skips: list = []
    try:
        return formats.read_records(path, data, skips), skips
    except SkipFile as exc:
        return [], [*skips, str(exc)]


def garbage(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def samples():
    yield "empty", b""
    yield "one byte", b"x"
    yield "blank", b" \n\r\n\t"
    yield "nul bytes", b"\x00" * 4096
    yield "garbage", garbage(1, 64 * 1024)
    yield "gzip garbage", b"\x1f\x8b\x08\x00" + garbage(2, 4096)
    yield "zip garbage", b"PK\x03\x04" + garbage(3, 4096)
    yield "pdf garbage", b"%PDF-1.7\n" + garbage(4, 4096)
    yield "warc garbage", b"WARC/1.1\r\n" + garbage(5, 4096)
    yield "xml garbage", b'<?xml version="1.0"?><rss version="2.0"><channel><item>' + garbage(6, 4096)
    yield "plain text", "Just a note, nothing more. Café £3.\n".encode() * 50
    yield "utf-16 text", "A note in UTF-16.\n".encode("utf-16") * 20


@pytest.mark.slow  # 200 files of every kind, and fuzzing
@pytest.mark.parametrize("ending", ALL_ENDINGS)
@pytest.mark.parametrize("name,data", list(samples()), ids=[n for n, _ in samples()])
def test_wrong_content_for_every_ending(ending, name, data):
    path = f"/hostile/file{ending}"
    with bounded(10, 150):
        result = read_file(path, data)
    if result is None:  # not a feed: not an article file at all, neither read nor skipped
        assert ending in (".xml", ".rdf") and name != "xml garbage"
        return
    records, skips = result
    for record in records:
        assert record.path == path and isinstance(record.text, str) and isinstance(record.fields, dict)
    assert records or skips


@pytest.mark.slow  # 200 files of every kind, and fuzzing
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ending=st.sampled_from(ALL_ENDINGS), data=st.binary(max_size=2048))
def test_random_bytes_never_raise_anything_but_a_skip(ending, data):
    path = f"/h/x{ending}"
    if formats.format_for(path, data) is None:
        return
    try:
        records = formats.read_records(path, data, [])
    except (SkipFile, MissingExtra):
        return
    assert isinstance(records, list)


_CLEAN = {}


def _clean_warc() -> bytes:
    if "warc" not in _CLEAN:
        _CLEAN["warc"] = b.warc_bytes(b.page_records(b.articles()))
    return _CLEAN["warc"]


@pytest.mark.slow  # 200 files of every kind, and fuzzing
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(min_size=1, max_size=512), where=st.integers(min_value=0, max_value=10_000))
def test_warc_with_garbage_spliced_in(data, where):
    clean = _clean_warc()
    where = where % len(clean)
    try:
        formats.read_records("/h/x.warc.gz", clean[:where] + data + clean[where:], [])
    except SkipFile:
        pass


def test_registry_matches_the_longest_ending_and_sniffs_ambiguous_ones():
    assert formats.format_for("/a/crawl.warc.gz").NAME == "warc"  # .warc.gz, not .gz
    assert formats.format_for("/a/CRAWL.WARC").NAME == "warc"
    assert formats.format_for("/a/archive.gz") is None
    assert formats.format_for("/a/.md") is None
    assert formats.format_for("/a/feed.xml", b'<rss version="2.0">').NAME == "feed"
    assert formats.format_for("/a/sitemap.xml", b"<urlset>") is None
    assert formats.format_for("/a/sitemap.xml").NAME == "feed"  # a candidate until its bytes are seen
    assert formats.is_ambiguous("/a/x.XML") and not formats.is_ambiguous("/a/x.rss")
    assert formats.ending("/a/B.WARC.GZ") == ".warc.gz"
    for module in formats.FORMATS:
        assert all(ending == ending.lower() and ending.startswith(".") for ending in module.EXTENSIONS)
        assert not formats.appendable(module) or hasattr(module, "read_from")
    assert {m.NAME for m in formats.FORMATS if getattr(m, "EXTRA", None)} == {"pdf", "docx"}
    assert {m.NAME for m in formats.FORMATS if formats.appendable(m)} == {"warc", "jsonl", "mbox"}
    assert {m.NAME for m in formats.FORMATS if formats.max_bytes(m) is None} == {"warc", "jsonl", "mbox"}


def test_a_library_failure_becomes_a_skip_not_a_crash(monkeypatch):
    """The registry's guard: whatever a library raises (FastWARC's pyo3 panics are not even Exceptions)
    becomes SkipFile."""
    from newsgrep.formats import markdown

    class Panic(BaseException):
        pass

    def explode(*args):
        raise Panic("library bug")

    monkeypatch.setattr(markdown, "read", explode)
    with pytest.raises(SkipFile, match=r"^unreadable markdown file \(Panic: library bug\)$"):
        formats.read_records("/a/note.md", b"# Title\n\nText.\n", [])
