"""Word documents (.docx), read with python-docx (the `documents` extra): one article a file.

The text is the body's paragraphs and table cells in document order (headers, footers and comments are
page furniture, left out); the core properties give title, author (byline) and created (date). Without a
core title, a first paragraph in the Title style is the title.

A .docx is a zip archive, and python-docx inflates every part of it into memory: the archive's directory
is checked first, so that a zip bomb (a few KB inflating to gigabytes) is refused before anything is
inflated; zipfile then never inflates a member past the size the directory declares.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from newsgrep.formats.fields import as_datetime, compact, folder_site, one_line
from newsgrep.formats.records import MissingExtra, RawRecord, Skip, SkipFile

NAME = "docx"
EXTENSIONS = (".docx",)
EXTRA = "documents"
LIBRARIES = ("docx",)  # python-docx
MAX_UNZIPPED = 200 * 1024 * 1024  # all parts together, images included
MAX_XML_PART = 50 * 1024 * 1024  # one XML part (word/document.xml): a long book is ~10 MB
MAX_RATIO = 200  # deflate reaches ~1000:1 only on degenerate data; real XML parts compress 5-20:1
MAX_MEMBERS = 10_000
_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15)


def _docx():
    try:
        import docx
    except ImportError:
        raise MissingExtra("documents", "python-docx") from None
    return docx


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    docx = _docx()
    if not bytes(data[:4096]).strip(b"\x00 \r\n\t"):
        raise SkipFile("empty file")
    stream = io.BytesIO(bytes(data))
    check_archive(stream)
    try:
        document = docx.Document(stream)
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise SkipFile(f"not a readable Word document ({type(exc).__name__}: {str(exc)[:100]})") from None
    except Exception as exc:  # noqa: BLE001 - python-docx's PackageNotFoundError, lxml's XMLSyntaxError...
        raise SkipFile(f"not a readable Word document ({type(exc).__name__})") from None
    paragraphs, title_style = _paragraphs(document)
    fields = _properties(document)
    if "title" not in fields and title_style:
        fields["title"] = title_style
    text = "\n\n".join(paragraphs)
    if not text.strip():
        raise SkipFile("no text in the document")
    return [RawRecord(path, "", text, fields, folder_site(path))]


def check_archive(stream) -> None:
    """Refuses a zip that is not a Word document or would inflate too far, from its directory alone."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SkipFile("not a Word document (not a zip archive)") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise SkipFile(f"refused: {len(members)} files in the archive (a zip bomb?)")
    names = {m.filename for m in members}
    if "word/document.xml" not in names and not any(n.endswith("/document.xml") for n in names):
        raise SkipFile("not a Word document (no word/document.xml in the archive)")
    total = 0
    for member in members:
        total += member.file_size
        xml = member.filename.endswith((".xml", ".rels"))
        if xml and member.file_size > MAX_XML_PART:
            raise SkipFile(f"refused: {member.filename} inflates to {member.file_size:,} bytes (a zip bomb?)")
        if (
            member.compress_size
            and member.file_size > MAX_RATIO * member.compress_size
            and member.file_size > 1024 * 1024
        ):
            raise SkipFile(
                f"refused: {member.filename} inflates {member.file_size // member.compress_size}:1 (a zip bomb?)"
            )
        if member.flag_bits & 0x1:
            raise SkipFile("encrypted archive member (a password-protected document?)")
    if total > MAX_UNZIPPED:
        raise SkipFile(f"refused: the archive inflates to {total:,} bytes (a zip bomb?)")
    stream.seek(0)


def _paragraphs(document) -> tuple[list[str], str | None]:
    from docx.table import Table

    out: list[str] = []
    title = None
    first = True
    body = document
    items = body.iter_inner_content() if hasattr(body, "iter_inner_content") else body.paragraphs
    stack = [iter(items)]
    while stack:
        try:
            item = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if isinstance(item, Table):
            if len(stack) < 20:  # tables nested in cells, but not without end
                stack.append(_cell_items(item))
            continue
        text = " ".join((item.text or "").split())
        if not text:
            continue
        if first:
            style = _style_name(item)
            if style in ("title", "heading 1", "heading1"):
                title = text
            first = False
        out.append(text)
    return out, title


def _cell_items(table):
    seen = set()  # the cells' XML elements (kept alive here, so lxml hands out the same proxies)
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(cell._tc)
            yield from cell.iter_inner_content() if hasattr(cell, "iter_inner_content") else cell.paragraphs


def _style_name(paragraph) -> str:
    try:
        return (paragraph.style.name or "").strip().lower()
    except (AttributeError, KeyError, ValueError):
        return ""


def _properties(document) -> dict:
    try:
        core = document.core_properties
    except Exception:  # noqa: BLE001 - a damaged docProps/core.xml
        return {}

    def get(name):
        try:
            return getattr(core, name)
        except Exception:  # noqa: BLE001 - a malformed value python-docx cannot read
            return None

    title = get("title")
    author = get("author")
    created = get("created")
    if created is not None and created.replace(tzinfo=None) == _TEMPLATE_CREATED:
        created = None  # python-docx's template date, kept by every document made from it
    if author == "python-docx":
        author = None
    return compact(
        {
            "title": one_line(title) if isinstance(title, str) and title.strip() else None,
            "byline": one_line(author) if isinstance(author, str) and author.strip() else None,
            "date": as_datetime(created) if created else None,
        }
    )
