"""Furniture learnt from the corpus: short lines (and glued line prefixes, such as a site menu stuck to
a headline) that recur across many articles of one site are dropped from all of them.

Counts live in the manifest, per site (the folder a file lives in, or a feed record's source), and
change as files are added, changed and removed. When a line's count crosses the threshold, the
articles that carry it no longer match what was indexed: `Crossings` says which, so the writer
re-extracts just those, without a rebuild.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

MIN_REPEATS = 5  # articles of one site carrying a line before it counts as furniture
PREFIX_CHARS = 200  # the longest glued prefix ("Asia PacificMexico ...") that can be furniture
MAX_WORDS = 15  # longer lines are prose: repeated prose is duplicate copy, not furniture (see issue on near-duplicates)
MAX_SHARE = 0.5  # an article whose lines would mostly go is a copy of another, not furniture: keep it whole
MAX_WORD_SHARE = 0.5  # ... and so is one that would lose more than this share of its words
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")  # a line of numbers alone ("78,000") says nothing about its site
_GLUE = re.compile(r"(?<=[a-z.!?)])(?=[A-Z])")  # "Asia PacificMexico Vows..." glued at "c|M"


def _key(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def line_key(line: str) -> int:
    """Lines equal up to case, spacing and numbers ("© 2019" / "© 2020") share a key."""
    return _key(" ".join(_DIGITS.sub("0", line.lower()).split()))


def prefix_cuts(line: str) -> list[tuple[int, int]]:
    """(cut, key) for the places a glued prefix could end: where a word runs into a capital with no
    space ("PacificMexico"). Cuts between words are not candidates: many headlines of a site begin
    alike ("The Bank of England said it ...") and those words are content."""
    head = line[: PREFIX_CHARS + 1]  # a prefix is furniture only if short: a long line costs no more than this
    cuts = [m.start() for m in _GLUE.finditer(head) if 8 <= m.start() <= min(len(line) - 3, PREFIX_CHARS)]
    found = []
    for cut in sorted(set(cuts)):
        words = _DIGITS.sub("0", head[:cut].lower()).split()
        if len(words) > MAX_WORDS:
            break
        found.append((cut, _key("^" + " ".join(words))))
    return found


def _candidate_lines(content: list[str]) -> list[bool]:
    """Which of an article's non-empty lines could be furniture: short lines with letters, and never a
    line holding figures ("Revs 74.0 mln vs 152.0 mln": the recurring rows of earnings reports are
    their content) nor a line between two that hold figures (a table's row of words, "Six mths")."""
    figures = [bool(_DIGITS.search(line)) for line in content]
    return [
        len(line.split()) <= MAX_WORDS
        and bool(_LETTER.search(line))
        and not figures[i]
        and not (0 < i < len(content) - 1 and figures[i - 1] and figures[i + 1])
        for i, line in enumerate(content)
    ]


def furniture_keys(lines: list[str]) -> list[int]:
    """The keys an article contributes to its site's counts (each once)."""
    content = [line.strip() for line in lines if line.strip()]
    keys = {line_key(line) for line, could in zip(content, _candidate_lines(content), strict=True) if could}
    if content:
        keys.update(key for _, key in prefix_cuts(content[0]))
    return sorted(keys)


class Counts:
    """How many articles of each site carry each key, with the crossings of the threshold this run."""

    def __init__(self, load):
        self._load = load  # site -> {key: count}, from the manifest
        self._sites: dict[str, dict[int, int]] = {}
        self.dirty: dict[tuple[str, int], int] = {}
        self.epoch = 0
        self.crossings: dict[tuple[str, int], list[tuple[int, bool]]] = defaultdict(list)

    def site(self, site: str) -> dict[int, int]:
        counts = self._sites.get(site)
        if counts is None:
            counts = self._sites[site] = self._load(site)
        return counts

    def change(self, site: str, keys, delta: int) -> None:
        counts = self.site(site)
        for key in keys:
            before = counts.get(key, 0)
            after = max(0, before + delta)
            counts[key] = after
            self.dirty[(site, key)] = after
            if (before >= MIN_REPEATS) != (after >= MIN_REPEATS):
                self.crossings[(site, key)].append((self.epoch, after >= MIN_REPEATS))

    def is_furniture(self, site: str, key: int) -> bool:
        return self.site(site).get(key, 0) >= MIN_REPEATS

    def status_at(self, site: str, key: int, epoch: int) -> bool:
        """Was the key furniture when articles of `epoch` were extracted (-1: before this run)?"""
        history = self.crossings.get((site, key))
        if not history:
            return self.is_furniture(site, key)
        status = not history[0][1]
        for when, now in history:
            if when <= epoch:
                status = now
        return status

    def stale(self, site: str, keys, epoch: int) -> bool:
        """Would an article extracted at `epoch` with these keys be extracted differently now?"""
        return any(
            (site, key) in self.crossings and self.status_at(site, key, epoch) != self.is_furniture(site, key)
            for key in keys
        )

    def take_dirty(self) -> dict[tuple[str, int], int]:
        dirty, self.dirty = self.dirty, {}
        return dirty


def strip_learnt(lines: list[str], site: str, counts: Counts | None) -> tuple[list[str], list[str]]:
    """Lines without the site's learnt furniture (blank lines kept), and what was dropped."""
    if counts is None:
        return lines, []
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return lines, []
    original = lines
    lines = list(lines)
    dropped: list[str] = []
    first = lines[content[0]].strip()
    for cut, key in reversed(prefix_cuts(first)):
        if counts.is_furniture(site, key):
            dropped.append(first[:cut])
            lines[content[0]] = first[cut:].strip()
            break
    could = _candidate_lines([lines[i].strip() for i in content])
    furniture = {
        i
        for i, candidate in zip(content, could, strict=True)
        if candidate and counts.is_furniture(site, line_key(lines[i]))
    }
    if furniture and len(furniture) <= MAX_SHARE * len(content):
        dropped.extend(lines[i].strip() for i in sorted(furniture))
        lines = [line for i, line in enumerate(lines) if i not in furniture]
    words = sum(len(original[i].split()) for i in content)
    if sum(len(line.split()) for line in dropped) > MAX_WORD_SHARE * words:
        return list(original), []  # mostly furniture: a copy or a page of links, not an article to cut down
    return lines, dropped
