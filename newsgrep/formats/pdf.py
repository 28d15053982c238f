"""PDF documents, read with pypdf (the `documents` extra): one article a file, its pages' text joined.

Title, author and date come from the document information dictionary (/Title, /Author, /CreationDate),
else from its XMP metadata; producer junk is not a title ("untitled", "Microsoft Word - draft.doc").
Running heads and page numbers (the same first or last lines on most pages) are dropped; so are soft
hyphens. A PDF whose pages have no text at all has no text layer (a scan): SkipFile("no text layer").
An encrypted PDF is opened with the empty password (owner-password-only PDFs, which merely forbid
copying or printing, are read); one that needs a user password is a SkipFile. Reading is bounded:
MAX_PAGES pages, MAX_SECONDS seconds (checked between pages), and pypdf's own limits on decompressed
stream sizes (75 MB each).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
import warnings
from collections import Counter

from newsgrep.formats.fields import as_datetime, compact, folder_site, one_line
from newsgrep.formats.records import MissingExtra, RawRecord, Skip, SkipFile

NAME = "pdf"
EXTENSIONS = (".pdf",)
EXTRA = "documents"
LIBRARIES = ("pypdf",)
MAX_BYTES = 100 * 1024 * 1024  # reports with images run past the articles' 50 MB; pypdf holds the file in memory
MAX_PAGES = 2000
MAX_SECONDS = 60.0
EDGE_LINES = 3  # lines at the top and bottom of a page where running heads and page numbers sit

_JUNK_TITLE = re.compile(r"^(untitled|anonymous|title|document\d*|slide \d+|microsoft word\s*-?\s*|\W*)$", re.I)
_FILE_TITLE = re.compile(r"\.(docx?|pdf|indd|qxd|qxp|rtf|odt|pages|txt|html?|ps|tex)$", re.I)
_JUNK_AUTHOR = re.compile(r"^(anonymous|unknown|admin|user|owner|author|\W*)$", re.I)
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?")


def _pypdf():
    try:
        import pypdf
    except ImportError:
        raise MissingExtra("documents", "pypdf") from None
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-file warnings would reach the terminal
    return pypdf


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    pypdf = _pypdf()
    head = bytes(data[:1024])
    if not head.strip():
        raise SkipFile("empty file")
    if b"%PDF-" not in head:
        raise SkipFile("not a PDF file (no %PDF- header)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = pypdf.PdfReader(io.BytesIO(bytes(data)), strict=False)
        except pypdf.errors.PdfReadError as exc:
            raise SkipFile(f"damaged PDF ({_first_line(exc)})") from None
        _open(reader, pypdf)
        texts = _page_texts(path, reader, skips)
        fields = _metadata(reader)
    if not texts:
        raise SkipFile("PDF without pages")
    if not any(text.strip() for text in texts):
        failed = [s for s in skips if s.path.startswith(f"{path}:page ")]
        if failed:
            raise SkipFile(f"no readable text: {len(failed)} of {len(texts)} pages unreadable ({failed[0].reason})")
        raise SkipFile("no text layer (a scanned PDF? it needs OCR first)")
    return [RawRecord(path, "", join_pages(texts), fields, folder_site(path))]


def _open(reader, pypdf) -> None:
    if not reader.is_encrypted:
        return
    try:
        result = reader.decrypt("")
    except pypdf.errors.DependencyError:
        raise SkipFile("encrypted PDF (AES): reading it needs the cryptography package") from None
    except (pypdf.errors.PdfReadError, NotImplementedError, ValueError, KeyError) as exc:
        raise SkipFile(f"encrypted PDF that cannot be opened ({_first_line(exc)})") from None
    if result == pypdf.PasswordType.NOT_DECRYPTED:
        raise SkipFile("encrypted PDF (it needs a password)")


def _page_texts(path: str, reader, skips: list[Skip]) -> list[str]:
    try:
        pages = reader.pages
        count = len(pages)
    except Exception as exc:  # noqa: BLE001 - a broken page tree
        raise SkipFile(f"damaged PDF (page tree: {_first_line(exc)})") from None
    texts: list[str] = []
    deadline = time.monotonic() + MAX_SECONDS
    for number in range(count):
        if number >= MAX_PAGES:
            skips.append(Skip(f"{path}:pages", f"only the first {MAX_PAGES} of {count} pages read", 0))
            break
        if time.monotonic() > deadline:
            skips.append(Skip(f"{path}:pages", f"only {number} of {count} pages read (over {MAX_SECONDS:.0f} s)", 0))
            break
        try:
            texts.append(pages[number].extract_text() or "")
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
            skips.append(
                Skip(f"{path}:page {number + 1}", f"unreadable page ({type(exc).__name__}: {_first_line(exc)})")
            )
            texts.append("")
    return texts


def join_pages(texts: list[str]) -> str:
    """The pages' text as one, running heads and page numbers dropped. Pages are joined by a line break,
    not a blank line, so that a paragraph running over a page break is joined again by newsgrep."""
    pages = [[line.rstrip() for line in text.replace("\u00ad", "").splitlines()] for text in texts]
    edges: Counter[str] = Counter()
    for lines in pages:
        filled = [line for line in lines if line.strip()]
        edges.update({_shape(line) for line in filled[:EDGE_LINES] + filled[-EDGE_LINES:]})
    repeated = {shape for shape, n in edges.items() if len(pages) >= 2 and n >= max(2, 0.6 * len(pages))}
    out: list[str] = []
    for lines in pages:
        numbers = [i for i, line in enumerate(lines) if line.strip()]
        edge = set(numbers[:EDGE_LINES] + numbers[-EDGE_LINES:])
        out.extend(line for i, line in enumerate(lines) if not (i in edge and _shape(line) in repeated))
    return "\n".join(out).strip()


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def _metadata(reader) -> dict:
    title = author = date = None
    try:
        info = reader.metadata
    except Exception:  # noqa: BLE001 - a damaged info dictionary
        info = None
    if info is not None:
        title = _title(_safe(lambda: info.title))
        author = _author(_safe(lambda: info.author))
        date = _safe(lambda: info.creation_date) or _pdf_date(_safe(lambda: info.creation_date_raw))
    if not (title and author and date):
        xmp = _safe(lambda: reader.xmp_metadata)
        if xmp is not None:
            dc_title = _safe(lambda: xmp.dc_title) or {}
            title = title or _title(next(iter(dc_title.values()), None) if isinstance(dc_title, dict) else None)
            creators = _safe(lambda: xmp.dc_creator) or []
            author = author or _author(", ".join(str(c) for c in creators[:10]) if isinstance(creators, list) else None)
            date = date or _safe(lambda: xmp.xmp_create_date)
    return compact({"title": title, "byline": author, "date": as_datetime(date) if isinstance(date, dt.date) else None})


def _safe(get):
    try:
        return get()
    except Exception:  # noqa: BLE001 - malformed metadata is no reason to lose the text
        return None


def _title(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = one_line(value.replace("\x00", ""))
    value = re.sub(r"^microsoft (word|powerpoint) - ", "", value, flags=re.I)
    if not value or _JUNK_TITLE.match(value.strip("()[]<> ")) or _FILE_TITLE.search(value):
        return None
    return value


def _author(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = one_line(value.replace("\x00", ""))
    return None if _JUNK_AUTHOR.match(value.strip("()[]<> ")) else value


def _pdf_date(raw) -> dt.datetime | None:
    match = _PDF_DATE.match(raw.strip()) if isinstance(raw, str) else None
    if not match:
        return None
    parts = [int(g) if g else d for g, d in zip(match.groups(), (0, 1, 1, 0, 0, 0), strict=True)]
    try:
        return dt.datetime(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
    except ValueError:
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:100] if text else type(exc).__name__
