"""Step: incremental reindexing (`newsgrep index --index DIR`, no paths: a re-scan of the roots) after
adding 10 new articles (copies of corpus articles with changed text), after touching 10 files without
changing them, and with nothing changed; and many runs adding one file each."""

from __future__ import annotations

import os
import random
import re
import statistics
import time
from pathlib import Path

from harness import MB
from harness.console import progress
from harness.corpus import Doc
from harness.engine import index_command, stats
from harness.latency import median_or_none
from harness.measure import run_measured
from harness.workspace import Workspace
from newsgrep.formats import text as text_format

CASES = ("add 10 new files", "touch 10 files (same content)", "nothing changed")


class Updates:
    """Writes new articles into the workspace's extra folder and reindexes, measuring each run."""

    def __init__(self, ws: Workspace, docs: list[Doc]):
        self.ws, self.docs = ws, docs
        self.new_files = 0

    def cases(self, repeats: int) -> dict:
        """Each of CASES `repeats` times: median wall and in-run seconds, articles added, peak RSS."""
        progress("incremental reindexing")
        runs: dict[str, list[dict]] = {name: [] for name in CASES}
        added: list[Path] = []
        for r in range(repeats):
            added += self.write_new(10, f"inc{r}")
            runs["add 10 new files"].append(self.reindex("10 new files"))
        for r in range(repeats):
            for path in added[-10:]:
                when = time.time() + 10 + r
                os.utime(path, (when, when))
            runs["touch 10 files (same content)"].append(self.reindex("touched files"))
        for _ in range(repeats):
            runs["nothing changed"].append(self.reindex("no change"))
        figures: dict = {}
        for name, done in runs.items():
            figures[name] = {
                "runs": len(done),
                "wall_s_median": round(statistics.median(r["wall_s"] for r in done), 3),
                "inner_s_median": median_or_none([r["inner_s"] for r in done]),
                "added": [r["added"] for r in done],
                "unchanged": [r["unchanged"] for r in done],
                "peak_tree_rss_mb": round(max(r["peak_tree_rss_mb"] for r in done), 1),
            }
        if any(a != 10 for a in figures["add 10 new files"]["added"]):
            figures["warning"] = "an incremental run did not report 10 added files"
        return figures

    def many(self, count: int) -> dict:
        """`count` runs adding one file each: their wall times, and the segments and articles after them."""
        before = stats(self.ws.newsgrep, self.ws.index, self.ws.env).get("segments")
        walls, inners = [], []
        for i in range(count):
            if i % 10 == 0:
                progress(f"many incremental: run {i + 1}/{count}")
            self.write_new(1, f"many{i:03d}")
            run = self.reindex("1 new file")
            walls.append(run["wall_s"])
            inners.append(run["inner_s"])
        after = stats(self.ws.newsgrep, self.ws.index, self.ws.env)
        return {
            "runs": count,
            "wall_s_median": round(statistics.median(walls), 3),
            "wall_s_max": round(max(walls), 3),
            "wall_s_first": round(walls[0], 3),
            "wall_s_last": round(walls[-1], 3),
            "inner_s_median": median_or_none(inners),
            "segments_before": before,
            "segments_after": after.get("segments"),
            "articles_after": after.get("articles"),
        }

    def write_new(self, count: int, tag: str) -> list[Path]:
        """`count` new article files: corpus articles with their sentences shuffled and a marker added."""
        rng = random.Random(f"{self.ws.args.seed}-{tag}")
        written = []
        for i in range(count):
            doc = rng.choice(self.docs)
            self.new_files += 1
            marker = f"zqbench{self.new_files:05d}"
            sentences = re.split(r"(?<=[.!?])\s+", doc.body.strip())
            rng.shuffle(sentences)
            body = " ".join(sentences) + f"\n\nBenchmark update {marker}: this copy was changed by bench.py."
            path = self.ws.extra / f"{tag}-{i:03d}{text_format.EXTENSIONS[0]}"
            path.write_text(f"Update {marker}: {doc.title}\n\n{body}\n", encoding="utf-8")
            written.append(path)
        return written

    def reindex(self, what: str) -> dict:
        """One `newsgrep index` run with no paths: wall and in-run seconds, what it did, peak RSS in MB."""
        run = run_measured(index_command(self.ws.newsgrep, self.ws.index), self.ws.env, self.ws.args.timeout)
        report = run.check(f"newsgrep index ({what})").json_line()
        return {
            "wall_s": run.wall,
            "inner_s": report.get("seconds"),
            "added": report.get("added"),
            "updated": report.get("updated"),
            "unchanged": report.get("unchanged"),
            "peak_tree_rss_mb": run.peak_rss / MB,
        }
