"""A run's figures as a JSON file (--json), and its figures beside an earlier run's file (--compare)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from harness.tables import ratio, short_ratio, table

COMPARED = re.compile(
    r"^(index\.\w+\.(wall_s|cpu_s|articles_per_s|articles_per_cpu_s|peak_tree_rss_mb|size_mb)|"
    r"queries\w*\.\w+\.(cpu_)?(p50_ms|p95_ms)|"
    r"process\.\w+_median|incremental\.[^.]+\.wall_s_median|many_incremental\.(wall_s_median|segments_after)|"
    r"ratios\..*)$"
)


def default_path(out: Path, corpus: Path, subset: int | None) -> Path:
    """OUT/bench-<corpus>[-<subset>]-<local time>.json."""
    when = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return out / f"bench-{corpus.name}{'-' + str(subset) if subset else ''}-{when}.json"


def write(results: dict, printed: list[str], path: Path) -> None:
    """The figures, and the lines printed, as indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**results, "printed": printed}, indent=2, ensure_ascii=False) + "\n")


def compare(old_path: Path, new: dict) -> str:
    """A table of the figures in COMPARED that both runs have: before, now, now ÷ before."""
    try:
        old = json.loads(old_path.read_text())
    except (OSError, ValueError) as exc:
        return f"cannot compare with {old_path}: {exc}"
    a, b = _flatten(old), _flatten(new)
    rows = [[k, a[k], b[k], short_ratio(ratio(b[k], a[k]))] for k in b if k in a and COMPARED.match(k)]
    meta = old.get("meta", {})
    when, git, where = (meta.get(k, "?") for k in ("when", "git", "measured_corpus"))
    head = f"COMPARED with {old_path} ({when}, {git}, {where})"
    return table(head, ["", "before", "now", "now ÷ before"], rows) if rows else head + ": nothing in common"


def _flatten(d: object, prefix: str = "") -> dict[str, float]:
    """The numbers in nested dicts by dotted path ("index.newsgrep.wall_s")."""
    flat = {}
    if isinstance(d, dict):
        for k, v in d.items():
            flat.update(_flatten(v, f"{prefix}{k}."))
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        flat[prefix.rstrip(".")] = d
    return flat
