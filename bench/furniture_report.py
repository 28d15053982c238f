"""Which lines newsgrep drops as page furniture in a corpus, and which it keeps: counts and random examples.

    python bench/furniture_report.py CORPUS_DIR [--examples 5] [--seed 1]

Runs the indexer's own extraction (per-page rules, then the furniture learnt from this corpus's
recurring lines) without building an index. Then what learnt furniture took from the articles' own
text: the lines holding figures it removed (earnings tables are content: this must be 0) and the share
of articles that lost 10%, 20% and 30% or more of their words to it.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # the checkout beside this file is the newsgrep measured

from newsgrep.formats.records import Skip, SkipFile  # noqa: E402
from newsgrep.indexer import sources  # noqa: E402
from newsgrep.indexer.extract import Prepared, prepare  # noqa: E402
from newsgrep.indexer.learnt_furniture import Counts, furniture_keys, strip_learnt  # noqa: E402

_FIGURE = re.compile(r"\d")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"no such folder: {args.corpus}")

    prepared: list[Prepared] = []
    skips: list[Skip] = []
    for source in sources.find_files(str(args.corpus.resolve()), skips):
        try:
            records = sources.raw_records(source, sources.read_bytes(source.path), skips)
        except (OSError, SkipFile):  # unreadable, or no articles in it: newsgrep skips the file too
            continue
        prepared.extend(prepare(record, source.root) for record in records)
    stored: dict = {}
    counts = Counts(lambda site: stored.setdefault(site, {}))
    for item in prepared:
        counts.change(item.site, furniture_keys(item.lines), +1)

    by_rule: list[str] = []
    learnt: list[str] = []
    kept: list[str] = []
    losses: list[float] = []  # each article's share of words taken as learnt furniture
    for item in prepared:
        by_rule.extend(item.clues.dropped)
        lines, dropped = strip_learnt(item.lines, item.site, counts)
        learnt.extend(dropped)
        kept.extend(line.strip() for line in lines if line.strip())
        words = sum(len(line.split()) for line in item.lines)
        losses.append(sum(len(line.split()) for line in dropped) / words if words else 0.0)
    total = len(by_rule) + len(learnt) + len(kept)
    print(f"{len(prepared)} articles, {total} non-empty lines")
    print(f"dropped by per-page rules: {len(by_rule)} lines ({len(set(by_rule))} distinct)")
    print(f"dropped as learnt furniture: {len(learnt)} lines ({len(set(learnt))} distinct)")
    print(f"kept: {len(kept)} lines")
    figures = [line for line in learnt if _FIGURE.search(line)]
    print(f"learnt furniture lines holding figures: {len(figures)} ({len(set(figures))} distinct)")
    for share in (0.1, 0.2, 0.3):
        lost = sum(loss >= share for loss in losses)
        part = lost / max(len(losses), 1)
        print(f"articles losing {share:.0%} or more of their words to learnt furniture: {lost} ({part:.2%})")
    rng = random.Random(args.seed)
    for name, lines in (("rules", by_rule), ("learnt", learnt), ("kept", kept)):
        print(f"\nmost frequent, {name}:" if name != "kept" else "\nrandom kept lines:")
        if name == "kept":
            for line in rng.sample(lines, min(args.examples, len(lines))):
                print(f"  {line[:110]}")
            continue
        for line, count in Counter(lines).most_common(args.examples):
            print(f"  {count:>5}  {line[:100]}")
        print(f"random, {name}:")
        for line in rng.sample(lines, min(args.examples, len(lines))):
            print(f"  {line[:110]}")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # `... | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
