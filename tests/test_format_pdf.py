"""PDF documents (newsgrep.formats.pdf, the `documents` extra): text per page, metadata, scans, encryption, bombs."""

import datetime as dt
import sys
import zlib

import pytest

from newsgrep import formats
from newsgrep.formats import pdf
from newsgrep.formats.records import MissingExtra, SkipFile
from tests import format_builders as b
from tests.conftest import bounded


def read(data, path="/papers/digest.pdf"):
    skips = []
    return formats.read_records(path, data, skips), skips


def test_golden(arts):
    data = b.pdf(arts, title="Wikinews digest", author="Wikinews contributors", created=dt.datetime(2008, 2, 21, 8, 0))
    (record,), skips = read(data)
    assert not skips and record.key == "" and record.site == "/papers"
    assert record.fields == {
        "title": "Wikinews digest",
        "byline": "Wikinews contributors",
        "date": dt.datetime(2008, 2, 21, 8, 0),
    }
    lines = record.text.split("\n")
    assert lines[0] == arts[0].title
    assert "Wikinews — World" not in record.text and "Page 1" not in record.text  # running head, page numbers
    assert b.pdf_words(record.text) == b.pdf_words("\n".join(f"{a.title}\n" + "\n".join(a.paragraphs) for a in arts))
    assert "Kaczyński" in record.text or b.latin1_only()  # non-ASCII through a TrueType subset font
    assert max(len(line) for line in lines) < 120  # hard-wrapped lines: newsgrep joins them into paragraphs


def test_two_columns_read_in_order(arts):
    (record,), _ = read(b.pdf(arts, columns=2))
    assert b.pdf_words(record.text) == b.pdf_words("\n".join(f"{a.title}\n" + "\n".join(a.paragraphs) for a in arts))


def test_producer_junk_is_no_metadata(arts):
    (record,), _ = read(b.pdf(arts[:1], title="Microsoft Word - draft3.doc", author="(anonymous)"))
    assert "title" not in record.fields and "byline" not in record.fields  # the creation date stays


def test_no_text_layer():
    with bounded(10, 100), pytest.raises(SkipFile, match="no text layer"):
        read(b.image_only_pdf())


def test_encrypted_with_a_user_password(arts):
    from reportlab.lib.pdfencrypt import StandardEncryption

    with bounded(10, 100), pytest.raises(SkipFile, match=r"^encrypted PDF \(it needs a password\)$"):
        read(b.pdf(arts[:1], encrypt=StandardEncryption("secret", "owner", canPrint=0)))


def test_encrypted_with_an_owner_password_only_is_read(arts):
    from reportlab.lib.pdfencrypt import StandardEncryption

    (record,), _ = read(b.pdf(arts[:1], encrypt=StandardEncryption("", "owner", canCopy=0), running_head=None))
    assert record.text.split("\n")[0] == arts[0].title


def test_aes_encrypted(arts):
    pytest.importorskip("cryptography")
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(b.pdf(arts[:1], running_head=None))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    (record,), _ = read(out.getvalue())
    assert record.text.split("\n")[0] == arts[0].title
    writer.encrypt(user_password="user", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(SkipFile, match="needs a password"):
        read(out.getvalue())


def test_page_limit(arts, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 1)
    (record,), skips = read(b.pdf(arts))
    assert [(s.path, s.reason, s.count) for s in skips] == [
        ("/papers/digest.pdf:pages", "only the first 1 of 2 pages read", 0)
    ]
    assert arts[0].title in record.text and arts[2].title not in record.text


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_pdf(arts, cut):
    data = b.pdf(arts)
    with bounded(10, 100):
        try:
            records, _ = read(data[: int(len(data) * cut)])
        except SkipFile:
            return
    assert len(records) == 1


def test_corrupt_streams(arts):
    data = bytearray(b.pdf(arts))
    for i in range(2000, len(data) - 2000, 997):
        data[i : i + 5] = b"\x00\xff\x00\xff\x00"
    with bounded(20, 200):
        try:
            read(bytes(data))
        except SkipFile:
            pass


def _pdf_with_content(stream: bytes, filters: str = "/FlateDecode") -> bytes:
    """A minimal valid PDF (with its xref table) whose one page has this content stream."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        f"<</Length {len(stream)}/Filter{filters}>>stream\n".encode() + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj".encode() + body + b"endobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF".encode()
    return bytes(out)


def test_minimal_pdf_helper_reads():
    (record,), _ = read(_pdf_with_content(zlib.compress(b"BT /F1 12 Tf 72 700 Td (Hello world) Tj ET")))
    assert "Hello world" in record.text


@pytest.mark.slow  # several seconds under tracemalloc
def test_flate_bomb_is_bounded():
    compressor = zlib.compressobj(9)
    chunk = b"0" * 2**20
    bomb = b"".join(compressor.compress(chunk) for _ in range(1024)) + compressor.flush()  # 1 GB in ~1 MB
    data = _pdf_with_content(bomb)
    skips = []
    with bounded(30, 400), pytest.raises(SkipFile, match="no readable text: 1 of 1 pages unreadable"):
        formats.read_records("/papers/bomb.pdf", data, skips)  # pypdf stops inflating at 75 MB
    assert [s.path for s in skips] == ["/papers/bomb.pdf:page 1"] and "LimitReachedError" in skips[0].reason


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b"\n \n", "empty file"),
        (b"<html>not a pdf</html>", "not a PDF file"),
        (bytes(range(256)) * 40, "not a PDF file"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, ""),
        (b"%PDF-1.4\n%%EOF", ""),
    ],
)
def test_garbage_and_empty(data, reason):
    with bounded(10, 100), pytest.raises(SkipFile) as error:
        read(data)
    assert str(error.value).startswith(reason)


def test_missing_library_is_a_missing_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdf", None)  # import pypdf now raises ImportError
    with pytest.raises(MissingExtra) as error:
        read(b"%PDF-1.4\n")
    assert (
        error.value.extra == "documents"
        and str(error.value) == "install newsgrep[documents] to read these files (needs pypdf)"
    )
