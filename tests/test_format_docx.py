"""Word documents (newsgrep.formats.docx, the `documents` extra): paragraphs and tables, properties, zip bombs."""

import datetime as dt
import io
import struct
import sys
import zipfile
import zlib

import pytest

from newsgrep import formats
from newsgrep.formats.records import MissingExtra, SkipFile
from tests import format_builders as b
from tests.conftest import bounded


def read(data, path="/docs/report.docx"):
    skips = []
    return formats.read_records(path, data, skips), skips


def test_golden(arts):
    data = b.docx(
        arts[:2],
        title="Digest",
        author="Jane Smith",
        created=dt.datetime(2008, 2, 21, 8, 0),
        table=[["Candidate", "Votes"], ["Sargsyan", "52.9%"]],
    )
    (record,), skips = read(data)
    assert not skips and record.key == "" and record.site == "/docs"
    assert record.fields == {"title": "Digest", "byline": "Jane Smith", "date": dt.datetime(2008, 2, 21, 8, 0)}
    assert record.text.split("\n\n") == [
        arts[0].title,
        *arts[0].paragraphs,
        arts[1].title,
        *arts[1].paragraphs,
        "Candidate",
        "Votes",
        "Sargsyan",
        "52.9%",
    ]


def test_title_style_paragraph_without_core_title(arts):
    (record,), _ = read(b.docx(arts[:1], title_style=True))
    assert record.fields == {"title": arts[0].title}  # python-docx's template date and author are not kept


def _bomb(declared: int, actual: int, name: str = "word/document.xml") -> bytes:
    """A zip whose member inflates to `actual` bytes while its directory says `declared`."""
    payload = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"<w:t>" + b"A" * 65536
    body = b"".join(payload.compress(chunk) for _ in range(actual // len(chunk))) + payload.flush()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, b"")
    data = out.getvalue()
    # rebuild with the deflated bomb as the member's data, sizes as declared
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            entries.append((info.filename, archive.read(info.filename)))
    out = io.BytesIO()
    central = b""
    for filename, content in entries:
        raw = body if filename == name else zlib.compress(content)[2:-4]
        size = declared if filename == name else len(content)
        crc = 0 if filename == name else zlib.crc32(content)
        offset = out.tell()
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(raw), size, len(filename), 0)
        out.write(header + filename.encode() + raw)
        central += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(raw),
                size,
                len(filename),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + filename.encode()
        )
    start = out.tell()
    out.write(
        central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0)
    )
    return out.getvalue()


def test_zip_bomb_is_refused_from_its_directory():
    data = _bomb(declared=2**32 - 1, actual=64 * 2**20)  # says 4 GB; a few hundred KB on disk
    assert len(data) < 1_000_000
    with bounded(1, 20), pytest.raises(SkipFile, match=r"^refused: word/document.xml inflates to 4,294,967,295 bytes"):
        read(data)


@pytest.mark.slow  # several seconds under tracemalloc
def test_zip_bomb_with_lying_sizes_is_bounded():
    data = _bomb(declared=40_000, actual=512 * 2**20)  # says 40 KB, inflates to 512 MB
    with bounded(5, 60), pytest.raises(SkipFile):
        read(data)


def test_high_ratio_member_is_refused():
    data = _bomb(declared=30 * 2**20, actual=30 * 2**20)  # honest 30 MB of 'A's in ~30 KB
    with bounded(1, 20), pytest.raises(SkipFile, match=r"inflates \d+:1 \(a zip bomb\?\)"):
        read(data)


def test_zip_without_a_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")  # an OpenDocument file renamed .docx
    with pytest.raises(SkipFile, match="no word/document.xml"):
        read(out.getvalue())


def test_damaged_document_xml(arts):
    data = b.docx(arts[:1])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, content[: len(content) // 2] if info.filename == "word/document.xml" else content)
    with bounded(5, 100), pytest.raises(SkipFile, match="not a readable Word document"):
        read(out.getvalue())


def test_xml_entity_bomb_is_not_expanded(arts):
    data = b.docx(arts[:1])
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %c "%s">' % (ord("b") + i, (b"&%c;" % (ord("a") + i)) * 10) for i in range(8))
        + b"]>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                content = laughs + content.split(b"?>", 1)[1].replace(b"<w:t>", b"<w:t>&i;", 1)
            target.writestr(info, content)
    with bounded(5, 100):
        try:
            (record,), _ = read(out.getvalue())
        except SkipFile:
            return
    assert len(record.text) < 100_000


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b"\x00" * 100, "empty file"),
        (b"not a zip at all", "not a Word document (not a zip archive)"),
        (bytes(range(256)) * 40, "not a Word document (not a zip archive)"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, "not a Word document (not a zip archive)"),
    ],
)
def test_garbage_and_empty(data, reason):
    with bounded(5, 50), pytest.raises(SkipFile, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read(data)


def test_missing_library_is_a_missing_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingExtra) as error:
        read(b"PK\x03\x04")
    assert error.value.extra == "documents" and error.value.library == "python-docx"
