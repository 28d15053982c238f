"""Plain text files: one article a file, decoded from whatever encoding it is in."""

from __future__ import annotations

from newsgrep.formats.decoding import decode
from newsgrep.formats.fields import folder_site
from newsgrep.formats.records import RawRecord, Skip

NAME = "text"
EXTENSIONS = (".txt", ".text", ".md", ".markdown")  # Markdown read as text until it has a format of its own


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    return [RawRecord(path, "", decode(data), {}, folder_site(path))]
