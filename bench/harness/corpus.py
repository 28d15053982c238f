"""The corpus as the benchmark reads it: which files are articles (newsgrep's own list, from its format
registry) and the baselines' simple reader of them (a title line, a date line if there is one, the body;
JSON fields by the names newsgrep's JSON format reads), which leaves out newsgrep's cleaning on purpose.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from newsgrep.formats import FORMATS, format_for
from newsgrep.formats import json as json_format
from newsgrep.formats.records import Skip, SkipFile
from newsgrep.indexer.sources import find_files

TAG = re.compile(r"<[^>]+>")
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
DATE_FORMS = (  # (pattern, order of its groups): the usual ways news files write a date
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),  # 2009-07-16
    (re.compile(r"(\d{1,2})-" + _MONTH + r"-(\d{4})", re.I), "dby"),  # 26-FEB-1987
    (re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})", re.I), "dby"),  # 16 July 2009
    (re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I), "bdy"),  # July 16, 2009
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})"), "mdy"),  # 07/16/2009, 01/04/63 (US order)
)


@dataclass
class Doc:
    """One article as the baselines index it."""

    path: str
    title: str
    body: str
    date: dt.datetime | None = None


def corpus_files(root: Path) -> list[Path]:
    """The files newsgrep reads as articles under root, in its order (newsgrep.indexer.sources.find_files:
    its formats' file names, sorted, hidden files and a dataset's README/LICENSE left out)."""
    skips: list[Skip] = []
    return [Path(source.path) for source in find_files(str(root), skips)]


def article_extensions() -> str:
    """The file name endings newsgrep reads, for messages: ".txt, .text, .html, ..."."""
    return ", ".join(ending for module in FORMATS for ending in module.EXTENSIONS)


def link_subset(corpus: Path, files: list[Path], dest: Path) -> None:
    """A folder holding `files` (hard links where possible, else copies) under their paths relative to corpus."""
    for path in files:
        target = dest / (path.relative_to(corpus) if corpus.is_dir() else path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def find_date(text: object, short: bool = True) -> dt.datetime | None:
    """The day of a date written in one of DATE_FORMS (a header line, or a JSON value); None otherwise.
    With `short`, only lines of at most 60 characters count (a date line, not a sentence)."""
    if not isinstance(text, str) or (short and len(text.strip()) > 60):
        return None
    for pattern, order in DATE_FORMS:
        m = pattern.search(text)
        if not m:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        month = parts["m"] if "m" in parts else str(_MONTHS.index(parts["b"][:3].lower()) + 1)
        year = int(parts["y"])
        if year < 100:  # two-digit years: the most recent past one
            year += 2000 if year + 2000 <= dt.date.today().year else 1900
        try:
            return dt.datetime(year, int(month), int(parts["d"]))
        except ValueError:
            return None
    return None


def read_docs(path: Path) -> list[Doc]:
    """The articles in one file, by the format newsgrep reads it with: text (title line, an optional date
    line, body), HTML (tags removed, then as text), JSON and JSON Lines (newsgrep's field names); a format
    this reader does not know is read by newsgrep's own format module."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    module = format_for(path.name)
    name = module.NAME if module is not None else "text"
    if name not in ("text", "html", "json", "jsonl"):
        return _read_with_format(module, path, data)
    text = data.decode("utf-8", errors="replace")
    if name in ("json", "jsonl"):
        return _json_docs(path, text, lines=name == "jsonl")
    if name == "html":
        text = TAG.sub(" ", text)
    return _text_docs(path, text)


def _text_docs(path: Path, text: str) -> list[Doc]:
    lines = [line.strip() for line in text.strip().split("\n")]
    if not lines or not lines[0]:
        return []
    date = find_date(lines[0])  # a date line first ("01/04/63 page 020"), then the title
    if date is not None and len(lines) > 1:
        lines = [line for line in lines[1:] if line] or lines
    title, rest = lines[0], lines[1:]
    header = next((i for i, line in enumerate(rest) if line), None)
    if date is None and header is not None and (date := find_date(rest[header])) is not None:
        rest = rest[header + 1 :]  # a date line under the title ("26-FEB-1987 15:01:01.79")
    return [Doc(str(path), title, "\n".join(rest).strip() or title, date)]


def _json_docs(path: Path, text: str, lines: bool) -> list[Doc]:
    objects = []
    if lines:
        for line in text.splitlines():
            with contextlib.suppress(ValueError):
                objects.append(json.loads(line))
    else:
        with contextlib.suppress(ValueError):
            value = json.loads(text)
            objects = value if isinstance(value, list) else [value]
    docs = []
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        body = _first_text(obj, json_format.BODY)
        if body is None:
            continue
        title = _first_text(obj, json_format.TITLE) or ""
        date = next((find_date(obj[k]) for k in json_format.DATE if obj.get(k)), None)
        docs.append(Doc(str(path), title.strip() or body.strip().split("\n")[0], body, date))
    return docs


def _first_text(obj: dict, names: tuple[str, ...]) -> str | None:
    return next((obj[k] for k in names if isinstance(obj.get(k), str) and obj[k].strip()), None)


def _read_with_format(module, path: Path, data: bytes) -> list[Doc]:
    try:
        records = module.read(str(path), data, [])
    except SkipFile:
        return []
    docs = []
    for record in records:
        body = record.text.strip()
        if body:
            title = str(record.fields.get("title") or body.split("\n")[0]).strip()
            docs.append(Doc(str(path), title, body, find_date(record.fields.get("date"))))
    return docs
