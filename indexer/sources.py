"""Finds article files under the roots, reads their bytes and hands them to their format.

A file is read by the format its name says (newsgrep.formats). Every problem with a file
(unreadable, binary, empty, undecodable, bad JSON) becomes a `Skip`, never an exception: the rest of
the corpus is indexed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator

from newsgrep.formats import format_for, read_records
from newsgrep.formats.records import RawRecord, Skip, SkipFile
from newsgrep.indexer.records import SourceFile

MAX_FILE_BYTES = 50 * 1024 * 1024  # a news article is never this big; such a file is a mistake, skipped

_NOT_ARTICLES = re.compile(r"(readme|licen[cs]e|copying|changelog)(\.[a-z]+)?$", re.I)


def is_article_file(name: str) -> bool:
    """Whether a file of this name is read as articles: a known format, not hidden, not a dataset's
    README or LICENSE."""
    return not name.startswith(".") and format_for(name) is not None and not _NOT_ARTICLES.match(name)


def ignored_kind(name: str) -> str | None:
    """What to count a file of this name as when newsgrep does not read it: its extension (".docx"), or
    "no extension"; None for files left out on purpose (hidden, README/LICENSE) and files it reads."""
    if name.startswith(".") or _NOT_ARTICLES.match(name) or format_for(name) is not None:
        return None
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else "no extension"


def find_files(root: str, skips: list[Skip], ignored: Counter[str] | None = None) -> Iterator[SourceFile]:
    """Article files under `root` (a directory or one file); hidden files and folders, and a dataset's
    README/LICENSE files, are left out; files of formats newsgrep does not read are counted in `ignored`
    by extension (the format registry decides which it reads). A root that is a file is read whatever
    its name (as plain text when no format claims it).
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
            if not is_article_file(name):
                if ignored is not None and (kind := ignored_kind(name)) is not None:
                    ignored[kind] += 1
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


def raw_records(source: SourceFile, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    """The articles' raw records in one file's bytes. Raises SkipFile when the whole file is unusable;
    bad records of a feed are added to `skips` and the others kept."""
    if len(data) > MAX_FILE_BYTES:
        raise SkipFile(f"too large (over {MAX_FILE_BYTES // (1024 * 1024)} MB)")
    return read_records(source.path, data, skips)
