"""The query set: a deterministic mix drawn from the corpus with a fixed seed (single words, 2-4 words,
"phrases" from article text, `title:` queries, `date:[A TO B]` filters alone and with a word), each also
said the way rg (any of its words) and SQLite FTS5 (a MATCH expression and a date range) can run it."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from harness.corpus import Doc, read_docs

STOP = frozenset(
    "a about after again all also an and any are as at be because been before being but by can could did do "
    "does for from had has have he her here his how i if in into is it its just more most mr mrs ms new no "
    "not now of on one only or other our out over said says she so some than that the their them then there "
    "these they this those through to two up was we were what when which while who will with would year "
    "years you your".split()
)
WORD = re.compile(r"^[a-z]{4,}$")
KINDS = ("word", "words", "phrase", "title", "date", "word+date")
KIND_SHARES = {"word": 0.25, "words": 0.25, "phrase": 0.20, "title": 0.15, "date": 0.05, "word+date": 0.10}
SAMPLE_FILES = 3000  # files read to draw the queries from (all of them in a smaller corpus)


@dataclass
class Query:
    kind: str
    text: str  # newsgrep / Whoosh syntax
    words: list[str] = field(default_factory=list)  # what rg looks for (any of them)
    phrase: list[str] | None = None
    title_word: str | None = None
    dates: tuple[str, str] | None = None  # inclusive ISO days

    def fts(self) -> tuple[str | None, tuple[str, str] | None]:
        """The FTS5 MATCH expression (None: date filter only) and the date range."""
        if self.phrase:
            match = '"' + " ".join(self.phrase) + '"'
        elif self.title_word:
            match = f'title : "{self.title_word}"'
        elif self.words:
            match = " ".join(f'"{w}"' for w in self.words)
        else:
            match = None
        return match, self.dates


def sample_docs(files: list[Path], seed: int) -> list[Doc]:
    """The articles queries are drawn from (and incremental runs copy): those of SAMPLE_FILES files at most,
    picked with the seed, that have a body."""
    rng = random.Random(seed)
    sample = files if len(files) <= SAMPLE_FILES else sorted(rng.sample(files, SAMPLE_FILES))
    return [d for p in sample for d in read_docs(p) if d.body.strip()]


def write_tsv(queries: list[Query], path: Path) -> None:
    """The query set, one `kind<TAB>text` a line."""
    with open(path, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(f"{q.kind}\t{q.text}\n")


def make_queries(docs: list[Doc], count: int, seed: int) -> list[Query]:
    """`count` queries in the KIND_SHARES proportions, drawn from `docs` with a fixed seed."""
    rng = random.Random(seed)
    kinds = []
    for kind in KINDS:
        kinds += [kind] * max(1, round(count * KIND_SHARES[kind]))
    kinds = (kinds * (count // len(kinds) + 1))[:count]
    rng.shuffle(kinds)
    dated = [d for d in docs if d.date is not None]
    queries = []
    for kind in kinds:
        for _attempt in range(50):
            q = _make_query(kind, rng.choice(docs), dated, rng)
            if q is not None:
                queries.append(q)
                break
        else:
            q = _make_query("date", docs[0], dated, rng)
            assert q is not None  # date queries can always be made
            queries.append(q)
    return queries


def _usable(words: list[str]) -> list[str]:
    return [w for w in words if WORD.match(w) and w not in STOP]


def _make_query(kind: str, doc: Doc, dated: list[Doc], rng: random.Random) -> Query | None:
    body_words = _usable(re.findall(r"[A-Za-z]+", doc.body.lower()))
    if kind == "word":
        if not body_words:
            return None
        word = rng.choice(body_words)
        return Query(kind, word, [word])
    if kind == "words":
        distinct = sorted(set(body_words))
        if len(distinct) < 2:
            return None
        words = rng.sample(distinct, min(len(distinct), rng.randint(2, 4)))
        return Query(kind, " ".join(words), words)
    if kind == "phrase":
        tokens = doc.body.lower().split()
        length = rng.randint(2, 3)
        starts = [
            i
            for i in range(len(tokens) - length + 1)
            if all(re.fullmatch(r"[a-z]+", t) for t in tokens[i : i + length])
            and tokens[i] not in STOP
            and tokens[i + length - 1] not in STOP
            and len(tokens[i]) > 2
            and len(tokens[i + length - 1]) > 2
        ]
        if not starts:
            return None
        i = rng.choice(starts)
        phrase = tokens[i : i + length]
        return Query(kind, '"' + " ".join(phrase) + '"', [w for w in phrase if w not in STOP], phrase=phrase)
    if kind == "title":
        words = _usable(re.findall(r"[A-Za-z]+", doc.title.lower()))
        if not words:
            return None
        word = rng.choice(words)
        return Query(kind, f"title:{word}", [word], title_word=word)
    # date filters: around a dated article's date if the corpus has dates, else somewhere in 1985-2015
    if dated:
        anchor = rng.choice(dated)
        assert anchor.date is not None
        day = anchor.date.date() - dt.timedelta(days=rng.randint(0, 20))
        if kind == "word+date":
            doc = anchor
            body_words = _usable(re.findall(r"[A-Za-z]+", doc.body.lower()))
    else:
        day = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randint(0, 30 * 365))
    end = day + dt.timedelta(days=rng.choice([0, 6, 30, 90, 365]))
    dates = (day.isoformat(), end.isoformat())
    span = f"date:[{dates[0]} TO {dates[1]}]"
    if kind == "date":
        return Query(kind, span, [], dates=dates)
    if not body_words:
        return None
    word = rng.choice(body_words)
    return Query(kind, f"{word} {span}", [word], dates=dates)
