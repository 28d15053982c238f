"""Splits an article's body into paragraph-aligned passages of a few sentences: the unit search ranks."""

from __future__ import annotations

import bisect
import re

from newsgrep.indexer.records import Article, Passage

# A sentence ends at . ! ? (and closing quotes/brackets) followed by space and a capital, digit or quote,
# unless the word before the period is an abbreviation or an initial ("Mr.", "U.S.", "J.").
_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev hon pres no nos vol fig "
    "inc ltd co corp bros vs etc jan feb mar apr jun jul aug sep sept oct nov dec approx est dept univ".split()
)

MIN_CHARS = 250  # a passage shorter than this takes the next paragraph too
MAX_CHARS = 700  # ...but never grows past this (a long paragraph is cut between sentences)
MAX_SENTENCES = 5


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _END.finditer(text):
        word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        bare = word.strip("\"'“‘([").lower()
        if text[match.start()] == "." and (bare in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", bare)):
            continue
        end = match.start() + len(match.group().rstrip())
        spans.append((offset + start, offset + end))
        start = match.end()
    if start < len(text):
        spans.append((offset + start, offset + len(text.rstrip())))
    return [s for s in spans if s[1] > s[0]]


def split_passages(article: Article, tokens: list[tuple[int, int, bool]] | None = None) -> list[Passage]:
    """The article's passages; given the body's indexed `tokens` as (position, start char, stop word),
    each also knows its first token position and its length in words other than stop words (what
    BM25 normalises by, as before stop words were indexed)."""
    body = article.body
    spans: list[tuple[int, int]] = []
    current: list[tuple[int, int]] = []

    def flush() -> None:
        if current:
            spans.append((current[0][0], current[-1][1]))
            current.clear()

    offset = 0
    for paragraph in article.paragraphs:
        if current and current[-1][1] - current[0][0] >= MIN_CHARS:
            flush()
        for span in sentence_spans(paragraph, offset):
            if current and (span[1] - current[0][0] > MAX_CHARS or len(current) >= MAX_SENTENCES):
                flush()
            current.append(span)
        offset += len(paragraph) + 2
    flush()
    positions = _token_positions(spans, tokens) if tokens is not None else [(0, 0)] * len(spans)
    return [
        Passage(number, start, end, body[start:end], first, length)
        for number, ((start, end), (first, length)) in enumerate(zip(spans, positions, strict=True))
    ]


def _token_positions(spans: list[tuple[int, int]], tokens: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """(first position, words that are not stop words) of each span, as the index numbers the body's
    tokens."""
    starts = [start for start, _ in spans]
    firsts: list[int | None] = [None] * len(spans)
    counts = [0] * len(spans)
    words = [0] * len(spans)
    for position, startchar, stopped in tokens:
        number = bisect.bisect_right(starts, startchar) - 1 if startchar >= 0 else -1
        if number >= 0:
            if firsts[number] is None:
                firsts[number] = position
            counts[number] += 1
            words[number] += not stopped
    result, following = [], 0
    for first, count, length in zip(firsts, counts, words, strict=True):
        first = following if first is None else first
        result.append((first, length))
        following = first + count
    return result
