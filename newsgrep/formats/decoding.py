"""Bytes to text for the text formats: a BOM's encoding, else UTF-8, else what charset-normalizer
detects (among readings about as clean as its best, Windows-1252 first)."""

from __future__ import annotations

import codecs

from newsgrep.formats.records import SkipFile

CHAOS_MARGIN = 0.1
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    """Text from bytes; raises SkipFile for binary or undecodable data and for text with nothing in it."""
    text = _decode(data)
    if not text.strip():
        raise SkipFile("empty file")
    return text


def _decode(data: bytes) -> str:
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
    are mostly cp1252, and a lone "\\xa3" (a pound sign) otherwise reads as Japanese."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise SkipFile("undecodable text (no encoding fits)")
    cleanest = min(m.chaos for m in matches)
    near = [m for m in matches if m.chaos <= cleanest + CHAOS_MARGIN]
    return max(near, key=lambda m: ("cp1252" in m.could_be_from_charset, m.coherence, -m.chaos))


def decode_declared(data: bytes, charset: str | None) -> str:
    """Text in a declared charset (an HTTP header's, a MIME part's, an HTML meta tag's). Valid UTF-8 wins
    over a declared single-byte charset (servers and mailers often say ISO-8859-1 for UTF-8 text), and
    ISO-8859-1 and ASCII are read as Windows-1252, as browsers do. An unknown or wrong declaration falls
    back to what `decode` finds."""
    if data.startswith(tuple(bom for bom, _ in _BOMS)):
        return _decode(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    name = None
    if charset:
        try:
            name = codecs.lookup(charset.strip().strip("\"'")).name
        except (LookupError, ValueError):
            name = None
    if name in ("latin-1", "iso8859-1", "ascii"):
        name = "cp1252"
    if name and name != "utf-8" and (name.startswith(("utf-16", "utf-32")) or b"\x00" not in data[:8192]):
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            pass
    return _decode(data)
