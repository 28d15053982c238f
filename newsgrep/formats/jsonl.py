"""JSON Lines feeds: one article a line; a bad line is a skip, the others are kept."""

from __future__ import annotations

import json

from newsgrep.formats import json as json_format
from newsgrep.formats.decoding import decode
from newsgrep.formats.records import RawRecord, Skip, SkipFile

NAME = "jsonl"
EXTENSIONS = (".jsonl",)


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    numbered = []
    for number, line in enumerate(decode(data).splitlines(), 1):
        if not line.strip():
            continue
        try:
            numbered.append((str(number), json.loads(line)))
        except json.JSONDecodeError as exc:
            skips.append(Skip(f"{path}:{number}", f"invalid JSON line ({exc.msg})"))
        except RecursionError:
            skips.append(Skip(f"{path}:{number}", "invalid JSON line (nested too deeply)"))
    if not numbered:
        raise SkipFile("no valid JSON lines")
    return json_format.records(path, numbered, skips, single=False)
