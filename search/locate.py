"""Where a shown passage is in its original file, as `path:line:column` (ripgrep's --vimgrep), so that an
editor can open the file there.

The index keeps an article's cleaned text (wrapped lines rejoined, furniture and markup removed), not
the file's, so a passage is found again in the file: the file is read and decoded as the indexer reads
it, and the passage's words from its first match (or its start) are looked for in order, with anything
that is not a word between them (spaces, line breaks, punctuation, HTML tags and entities, JSON
escapes). The column is 1-based, in bytes of the line (as ripgrep and vim count). Limits: a passage
whose words a page spells with markup inside a word, or a feed whose text is escaped in ways other than
JSON's, may not be found; then the position is that of the record (JSON Lines: its line) or 1:1.
"""

from __future__ import annotations

import re

from newsgrep.search.results import Hit, Place

ANCHOR_WORDS = 6  # words of the passage looked for in order
_WORD = re.compile(r"\w+")
_BETWEEN = r"(?:[\W_]|<[^>]*>|&#?\w+;|\\[nrtu](?:[0-9a-fA-F]{4})?)*?"


def locate_hits(hits: list[Hit]) -> None:
    """Sets `place` on every shown passage of these hits (each file read once)."""
    texts: dict[str, str | None] = {}
    for hit in hits:
        if hit.path not in texts:
            texts[hit.path] = _read(hit.path)
        text = texts[hit.path]
        for passage in hit.passages:
            start = passage.highlights[0][0] if passage.highlights else 0
            passage.place = locate(text, passage.text[start:], hit.key)


def locate(text: str | None, anchor: str, key: str = "") -> Place:
    """The place in `text` (a file's decoded text) where the words of `anchor` stand."""
    if text is None:
        return Place(1, 1, False)
    words = _WORD.findall(anchor)
    for count in (ANCHOR_WORDS, 3, 1):
        if len(words) < count and count != 1:
            continue
        pattern = _BETWEEN.join(re.escape(word) for word in words[:count])
        if not pattern:
            break
        match = re.search(r"(?<!\w)" + pattern, text)
        if match:
            return _place(text, match.start(), True)
    if key.isdigit():  # a JSON Lines record keyed by its line number
        return Place(int(key), 1, False)
    return Place(1, 1, False)


def _place(text: str, offset: int, found: bool) -> Place:
    line_start = text.rfind("\n", 0, offset) + 1
    return Place(text.count("\n", 0, offset) + 1, len(text[line_start:offset].encode("utf-8")) + 1, found)


def _read(path: str) -> str | None:
    from newsgrep.formats.decoding import decode

    try:
        with open(path, "rb") as f:
            return decode(f.read()).replace("\r\n", "\n")
    except Exception:  # noqa: BLE001 - unreadable now (gone, binary, undecodable): no place, never a crash
        return None
