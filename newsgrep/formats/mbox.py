"""mbox mailboxes (mboxo/mboxrd: messages after "From " separator lines): one article per message, each
read as eml.py reads a message. The key is the Message-ID (without <>), else "@" and the byte offset of
the message's "From " line, which stays the same as the mailbox grows.

Mail delivery appends to an mbox, so the indexer reads a grown mailbox from the end of what it read
before (after checking that those bytes are unchanged: a mail client rewrites the file when it deletes
messages), through a memory map, piece by piece. A message being delivered cannot be told from a
complete one (mbox has no lengths), so a mailbox is not read while it is being written.
"""

from __future__ import annotations

import re

from newsgrep.formats import eml
from newsgrep.formats.records import Piece, RawRecord, Skip, SkipFile

NAME = "mbox"
EXTENSIONS = (".mbox",)
APPENDABLE = True
MAX_BYTES = None  # read through a memory map, piece by piece
MAX_MESSAGE_BYTES = 50 * 1024 * 1024  # of one message (its attachments included): the rest is not read

# A separator line: "From " at the start of a line, a sender, and a date with a time in it
# ("From MAILER-DAEMON Fri Jul  8 12:08:34 2011"). Body lines starting "From " are escaped as ">From ".
_SEPARATOR = re.compile(rb"^From [^\r\n]*?\d{1,2}:\d{2}[^\r\n]*\r?\n", re.M)
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.M)


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    return read_from(path, data, skips).records


def read_from(path: str, data, skips: list[Skip], offset: int = 0, stop: int | None = None) -> Piece:
    """The messages of a mailbox's bytes (bytes or a memory map) that start at or after byte `offset` (a
    message's "From " line) and before byte `stop`."""
    size = len(data)
    if not 0 <= offset <= size:
        raise SkipFile(f"cannot read from byte {offset}: the file has {size} bytes")
    start = offset
    while start < size and data[start : start + 1] in (b"\n", b"\r"):
        start += 1
    if start >= size:
        if offset:
            return Piece([], size)
        raise SkipFile("empty file")
    if not _SEPARATOR.match(data, start):
        if offset:
            raise SkipFile(f"no message starts at byte {offset} (was the mailbox rewritten?)")
        raise SkipFile('not an mbox file (it does not start with a "From " line)')
    records: list[RawRecord] = []
    seen: set[str] = set()
    separators = _SEPARATOR.finditer(data, start)
    begin = next(separators).start()
    end = size
    while begin < size:
        following = next(separators, None)
        after = following.start() if following else size
        _message(path, data, begin, after, records, seen, skips)
        begin = after
        if stop is not None and begin >= stop:
            end = begin
            break
    if not records and not offset and end == size:
        raise SkipFile("no readable message in the mailbox")
    return Piece(records, end)


def _message(path: str, data, begin: int, end: int, records: list[RawRecord], seen: set[str], skips) -> None:
    body_start = data.find(b"\n", begin) + 1
    raw = _QUOTED_FROM.sub(rb"\1", bytes(data[body_start : min(end, body_start + MAX_MESSAGE_BYTES)]))
    message = eml.parse(raw)
    fallback = f"@{begin}"
    key = _message_id(message)
    if not key or key in seen:
        key = fallback
    seen.add(key)
    try:
        text, fields = eml.message_article(message)
    except eml.NotAMessage as exc:
        skips.append(Skip(f"{path}:{key}", str(exc)))
        return
    except (ValueError, TypeError, LookupError, IndexError, AttributeError, UnicodeError) as exc:
        skips.append(Skip(f"{path}:{key}", f"unreadable message ({type(exc).__name__})"))
        return
    records.append(RawRecord(path, key, text, fields, f"{path}#{eml.sender_domain(message)}", fallback))


def _message_id(message) -> str:
    try:
        value = message.get("message-id")
    except (TypeError, ValueError, IndexError, AttributeError):
        return ""
    return " ".join(str(value or "").split()).strip("<>").strip()
