"""Made-up news articles in any number, for the tests that need a big corpus without ../shared: each one
sentences of the bundled Wikinews corpus drawn with a seeded random generator, so every run writes the
same articles."""

from __future__ import annotations

import datetime as dt
import random
import re
from functools import cache
from pathlib import Path

from tests.conftest import CORPUS


@cache
def sentences() -> tuple[str, ...]:
    """Every sentence of the bundled Wikinews articles (their text, not their title, date and address)."""
    found: list[str] = []
    for path in sorted((CORPUS / "wikinews").glob("*.txt")):
        _, _, _, _, *rest = path.read_text(encoding="utf-8").split("\n")
        text = " ".join(" ".join(rest).split())
        found += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text) if len(s.split()) >= 4]
    return tuple(found)


def article(rng: random.Random, number: int) -> str:
    """One article as a text file holds it: a title, a date, then paragraphs of drawn sentences."""
    pool = sentences()
    drawn = rng.sample(pool, rng.randint(4, 12))
    title = " ".join(rng.choice(drawn).split()[: rng.randint(4, 9)]).rstrip(",.;:") + f" ({number})"
    date = dt.date(2004, 1, 1) + dt.timedelta(days=rng.randrange(7000))
    paragraphs = [" ".join(drawn[i : i + 3]) for i in range(0, len(drawn), 3)]
    return f"{title}\n{date.isoformat()}\n\n" + "\n\n".join(paragraphs) + "\n"


def write_corpus(root: Path, count: int, *, seed: int = 18, per_folder: int = 1000, start: int = 0) -> list[Path]:
    """Writes `count` articles under `root`, `per_folder` a folder; returns their paths."""
    rng = random.Random(seed)
    paths = []
    for number in range(start, start + count):
        folder = root / f"desk-{number // per_folder:03d}"
        if number % per_folder == 0 or number == start:
            folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"story-{number:06d}.txt"
        path.write_text(article(rng, number), encoding="utf-8")
        paths.append(path)
    return paths
