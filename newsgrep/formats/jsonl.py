"""JSON Lines feeds: one article a line; a bad line is a skip, the others are kept.

A feed grows by appending lines, so the indexer reads a grown file from the end of what it read before
(after checking that those bytes are unchanged), through a memory map, piece by piece. Keys are a
line's own id, else its line number: the same in a whole read and in a read from an offset. A last line
without its newline that is not valid JSON is still being written: it is left for the next read.
"""

from __future__ import annotations

import json

from newsgrep.formats import json as json_format
from newsgrep.formats.decoding import decode
from newsgrep.formats.records import Partial, Piece, RawRecord, Skip, SkipFile

NAME = "jsonl"
EXTENSIONS = (".jsonl",)
APPENDABLE = True
READ_WHILE_WRITTEN = True
MAX_BYTES = None  # read through a memory map, piece by piece
_COUNT_CHUNK = 16 * 1024 * 1024


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    return read_from(path, data, skips).records


def read_from(path: str, data, skips: list[Skip], offset: int = 0, stop: int | None = None) -> Piece:
    """The articles of the lines that start at or after byte `offset` (a line start) and before `stop`."""
    size = len(data)
    if not 0 <= offset <= size:
        raise SkipFile(f"cannot read from byte {offset}: the file has {size} bytes")
    if offset and data[offset - 1 : offset] != b"\n":
        raise SkipFile(f"no line starts at byte {offset} (was the file rewritten?)")
    cut = size
    if stop is not None and stop < size:
        newline = data.find(b"\n", max(stop - 1, offset))
        cut = newline + 1 if newline >= 0 else size
    end = cut
    if cut == size and size and data[size - 1 : size] != b"\n":
        last = data.rfind(b"\n", offset, size) + 1 or offset
        tail = bytes(data[last:size])
        if tail.lstrip().startswith(b"{") and not _is_json(tail):  # an object still being written
            reason = f"incomplete last line at byte {last} (still being written?)"
            skips.append(Partial(f"{path}@{last}", reason, resume=last))
            end = cut = last
    if cut <= offset or not bytes(data[offset:cut]).strip():
        if offset or cut < size:
            return Piece([], end)
        raise SkipFile("empty file")
    first = _lines_before(data, offset) + 1
    numbered = []
    for number, line in enumerate(decode(bytes(data[offset:cut])).split("\n"), first):
        if not line.strip():
            continue
        try:
            numbered.append((str(number), json.loads(line)))
        except json.JSONDecodeError as exc:
            skips.append(Skip(f"{path}:{number}", f"invalid JSON line ({exc.msg})"))
        except RecursionError:
            skips.append(Skip(f"{path}:{number}", "invalid JSON line (nested too deeply)"))
    if not numbered and not offset and end == size:
        raise SkipFile("no valid JSON lines")
    return Piece(json_format.records(path, numbered, skips, single=False), end)


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):
        return False
    return True


def _lines_before(data, offset: int) -> int:
    """How many lines end before byte `offset` (counted a chunk at a time: `data` may be a memory map)."""
    return sum(bytes(data[i : min(i + _COUNT_CHUNK, offset)]).count(b"\n") for i in range(0, offset, _COUNT_CHUNK))
