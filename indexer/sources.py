"""Finds article files under the roots and turns their bytes into decoded raw records.

One file is one article, except JSON Lines feeds (one article a line) and JSON files holding a list.
Every problem with a file (unreadable, binary, empty, undecodable, bad JSON) becomes a `Skip`, never
an exception: the rest of the corpus is indexed.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator

from indexer.records import RawRecord, Skip, SourceFile

FORMATS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}
CHAOS_MARGIN = 0.1
MAX_FILE_BYTES = 50 * 1024 * 1024  # a news article is never this big; such a file is a mistake, skipped
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_NOT_ARTICLES = re.compile(r"(readme|licen[cs]e|copying|changelog)(\.[a-z]+)?$", re.I)


def article_id(path: str, key: str = "") -> str:
    """A short stable id for the article at `path` (and `key` inside it, for feeds)."""
    return hashlib.blake2b(f"{path}#{key}".encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()


def file_format(path: str) -> str | None:
    name = path.rpartition(os.sep)[2]
    dot = name.rfind(".")
    return FORMATS.get(name[dot:].lower()) if dot > 0 else None  # as os.path.splitext, a bit faster


def find_files(root: str, skips: list[Skip]) -> Iterator[SourceFile]:
    """Article files under `root` (a directory or one file); hidden files and folders, and a dataset's
    README/LICENSE files, are left out.
    Symbolic links to files are followed; links to folders are not (no loops)."""
    if os.path.isfile(root):
        st = os.stat(root)
        yield SourceFile(root, root, st.st_size, st.st_mtime_ns)
        return

    def on_error(exc: OSError) -> None:
        skips.append(Skip(exc.filename or root, f"cannot list folder: {exc.strerror}"))

    for folder, dirs, names in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = folder if folder.endswith(os.sep) else folder + os.sep
        for name in sorted(names):
            if name.startswith(".") or file_format(name) is None or _NOT_ARTICLES.match(name):
                continue
            path = prefix + name
            try:
                st = os.stat(path)
            except OSError as exc:
                skips.append(Skip(path, f"cannot read: {exc.strerror}"))
                continue
            if not stat.S_ISREG(st.st_mode):  # a FIFO, a device, a folder named like a file
                continue
            yield SourceFile(path, root, st.st_size, st.st_mtime_ns)


def read_bytes(path: str) -> bytes:
    """The file's bytes (at most MAX_FILE_BYTES + 1 of them); raises OSError, reported as a skip."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        # Not read(MAX_FILE_BYTES + 1) for every file: Python allocates that much for each read.
        return f.read(size + 1 if 0 < size <= MAX_FILE_BYTES else MAX_FILE_BYTES + 1)


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SkipFile(Exception):
    """Raised inside this module when a whole file cannot be indexed; the message is the reason."""


def decode(data: bytes) -> str:
    """Text from bytes: a BOM's encoding, else UTF-8, else what charset-normalizer detects."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise SkipFile(f"undecodable text ({encoding} BOM, {exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise SkipFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return str(_best_guess(data))


def _best_guess(data: bytes):
    """charset-normalizer's guess, but among the guesses that read about as cleanly as its best
    (its "chaos" measure), Windows-1252 first and then the most coherent language: old news scrapes
    are mostly cp1252, and a lone "\xa3" (a pound sign) otherwise reads as Japanese."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise SkipFile("undecodable text (no encoding fits)")
    cleanest = min(m.chaos for m in matches)
    near = [m for m in matches if m.chaos <= cleanest + CHAOS_MARGIN]
    return max(near, key=lambda m: ("cp1252" in m.could_be_from_charset, m.coherence, -m.chaos))


def raw_records(source: SourceFile, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    """The articles' raw records in one file's bytes. Raises SkipFile when the whole file is unusable;
    bad records of a feed are added to `skips` and the others kept."""
    if len(data) > MAX_FILE_BYTES:
        raise SkipFile(f"too large (over {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    text = decode(data)
    if not text.strip():
        raise SkipFile("empty file")
    kind = file_format(source.path) or "text"
    path = source.path
    if kind in ("text", "html"):
        return [RawRecord(article_id(path), path, "", text, kind, root=source.root)]
    if kind == "json":
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise SkipFile(f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
        except RecursionError:
            raise SkipFile("invalid JSON (nested too deeply)") from None
        objects = value if isinstance(value, list) else [value]
        return _json_records(
            path, [(str(i + 1), obj) for i, obj in enumerate(objects)], skips, single=len(objects) == 1
        )
    # JSON Lines
    numbered = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            numbered.append((str(number), json.loads(line)))
        except ValueError as exc:
            skips.append(Skip(f"{path}:{number}", f"invalid JSON line ({exc.msg})"))
        except RecursionError:
            skips.append(Skip(f"{path}:{number}", "invalid JSON line (nested too deeply)"))
    if not numbered:
        raise SkipFile("no valid JSON lines")
    return _json_records(source, numbered, skips, single=False)


def _json_records(
    source: SourceFile, numbered: list[tuple[str, object]], skips: list[Skip], single: bool
) -> list[RawRecord]:
    path = source.path
    records, seen = [], set()
    for number, obj in numbered:
        if not isinstance(obj, dict):
            skips.append(Skip(f"{path}:{number}", f"not a JSON object ({type(obj).__name__})"))
            continue
        key = "" if single else _record_key(obj, number, seen)
        seen.add(key)
        records.append(RawRecord(article_id(path, key), path, key, "", "json", obj, root=source.root))
    return records


def _record_key(obj: dict, number: str, seen: set[str]) -> str:
    """A feed record's key: its own id field if it has a unique one, else its line number."""
    for name in ("id", "guid", "uuid", "docid", "url", "link"):
        value = obj.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            key = str(value).strip()
            if key not in seen:
                return key
    return f"line {number}"
