"""Finds article files under the roots, reads their bytes and hands them to their format.

A file is read by the format its name says (newsgrep.formats); a file whose ending other files share
too (`.xml`) is the format's only if its first bytes say so. Every problem with a file (unreadable,
binary, empty, undecodable, bad JSON) becomes a `Skip`, never an exception: the rest of the corpus is
indexed. Files that grow by appending records (web archives, JSON Lines, mailboxes) are read through a
memory map, piece by piece, however big they are.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from newsgrep import formats
from newsgrep.formats.records import RawRecord, Skip, SkipFile
from newsgrep.indexer.records import SourceFile

MAX_FILE_BYTES = formats.MAX_FILE_BYTES  # the default limit; a format may declare its own (formats.max_bytes)

_NOT_ARTICLES = re.compile(r"(readme|licen[cs]e|copying|changelog)(\.[a-z]+)?$", re.I)


def is_article_file(name: str) -> bool:
    """Whether a file of this name may hold articles: a known format, not hidden, not a dataset's README
    or LICENSE. (A file whose ending is ambiguous, such as `.xml`, is one only if `claimed`.)"""
    return not name.startswith(".") and formats.format_for(name) is not None and not _NOT_ARTICLES.match(name)


def claimed(path: str) -> bool:
    """Whether a format reads this article file: always, unless its ending is ambiguous (`.xml`) and its
    first bytes are not the format's (a sitemap or a config file beside the feeds). Unreadable: claimed
    (reading it will report why)."""
    if not formats.is_ambiguous(path):
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(formats.SNIFF_BYTES)
    except OSError:
        return True
    return formats.format_for(path, head) is not None


def ignored_kind(name: str) -> str | None:
    """What to count a file of this name as when newsgrep does not read it: its extension (".docx"), or
    "no extension"; None for files left out on purpose (hidden, README/LICENSE) and files it reads."""
    if name.startswith(".") or _NOT_ARTICLES.match(name) or formats.format_for(name) is not None:
        return None
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else "no extension"


def find_files(
    root: str, skips: list[Skip], ignored: Counter[str] | None = None, unlisted: list[str] | None = None
) -> Iterator[SourceFile]:
    """Article files under `root` (a directory or one file); hidden files and folders, and a dataset's
    README/LICENSE files, are left out; files of formats newsgrep does not read are counted in `ignored`
    by extension (the format registry decides which it reads). A root that is a file is read whatever
    its name (as plain text when no format claims it).
    Symbolic links to files are followed; links to folders are not (no loops). Folders that cannot be
    listed and files that cannot be looked at are added to `unlisted`: their articles are kept."""
    if os.path.isfile(root):
        st = os.stat(root)
        yield SourceFile(root, root, st.st_size, st.st_mtime_ns)
        return

    def on_error(exc: OSError) -> None:
        folder = exc.filename or root
        skips.append(Skip(folder, f"cannot list folder: {exc.strerror} (its articles are kept)"))
        if unlisted is not None:
            unlisted.append(folder)

    for folder, dirs, names in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        prefix = folder if folder.endswith(os.sep) else folder + os.sep
        for name in sorted(names):
            if not is_article_file(name):
                if ignored is not None and (kind := ignored_kind(name)) is not None:
                    ignored[kind] += 1
                continue
            path = prefix + name
            try:
                st = os.stat(path)
            except OSError as exc:
                skips.append(Skip(path, f"cannot read: {exc.strerror}"))
                if unlisted is not None:
                    unlisted.append(path)
                continue
            if stat.S_ISDIR(st.st_mode):  # a folder named like a file: walked as a folder
                continue
            if not stat.S_ISREG(st.st_mode):
                skips.append(Skip(path, "not a regular file (a FIFO, socket or device): not read"))
                continue
            yield SourceFile(path, root, st.st_size, st.st_mtime_ns)


def read_bytes(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes (at most `limit` + 1 of them); raises OSError, reported as a skip."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        # Not read(limit + 1) for every file: Python allocates that much for each read.
        return f.read(size + 1 if 0 < size <= limit else limit + 1)


@contextmanager
def mapped(path: str) -> Iterator[tuple[bytes | mmap.mmap, os.stat_result]]:
    """The file's bytes as a read-only memory map of its size when opened (bytes when it is empty), and
    its status then: a file that is being appended to is read as it was. Raises OSError."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        if st.st_size == 0:
            yield b"", st
            return
        view = mmap.mmap(f.fileno(), st.st_size, access=mmap.ACCESS_READ)
        try:
            yield view, st
        finally:
            try:
                view.close()
            except BufferError:  # a view of it is still referenced: it is unmapped when that goes
                pass


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def hasher():
    """What `digest` computes, fed piece by piece."""
    return hashlib.blake2b(digest_size=16)


def hash_range(hashing, data, start: int, end: int) -> None:
    """Feeds bytes [start, end) of `data` (bytes or a memory map) to a hasher, without copying them."""
    if end > start:
        with memoryview(data) as view:
            hashing.update(view[start:end])


def raw_records(source: SourceFile, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    """The articles' raw records in one file's bytes. Raises SkipFile when the whole file is unusable
    (and MissingExtra when its format's optional libraries are not installed); bad records of a feed are
    added to `skips` and the others kept."""
    limit = formats.max_bytes(formats.format_for(source.path) or formats.text)
    if limit is not None and len(data) > limit:
        raise SkipFile(f"too large (over {limit // (1024 * 1024)} MB)")
    return formats.read_records(source.path, data, skips)
