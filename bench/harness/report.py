"""The printed report of a run's figures, a section each: full index, in-process queries (and again after
many incremental runs), processes, incremental reindexing, many incremental runs, ratios, load."""

from __future__ import annotations

from collections.abc import Callable

from harness import engine
from harness.baselines import NAMES as BASELINE_NAMES
from harness.latency import WARMUP
from harness.queries import KINDS
from harness.ratios import ratio_table
from harness.tables import fmt, ratio, short_ratio, table

NAMES = {"newsgrep": "newsgrep", "whoosh_writer": "newsgrep, Whoosh's writer", **BASELINE_NAMES}
Emit = Callable[[str], None]


def print_report(results: dict, emit: Emit) -> None:
    """Every section whose figures are in `results`, each after a blank line."""
    sections: list[str] = []
    if "index" in results:
        sections.append(index_section(results["index"]))
    for label, title in (
        ("queries", "QUERIES in-process"),
        ("queries_after_many", "QUERIES after many incremental runs"),
    ):
        if results.get(label):
            sections.append(queries_section(results[label], title, notes=label == "queries"))
    if "process" in results:
        sections.append(process_section(results["process"], rg_found=bool(results["meta"].get("rg"))))
    if "incremental" in results:
        sections.append(incremental_section(results["incremental"]))
    if "many_incremental" in results:
        sections.append(many_section(results["many_incremental"]))
    ratios = ratio_table(results)
    if ratios:
        sections.append(ratios)
    sections.append(load_line(results["meta"]))
    for section in sections:
        emit("")
        emit(section)


def index_section(index: dict) -> str:
    keys = (
        ("articles", "articles"),
        ("wall_s", "wall s"),
        ("inner_s", "in-run s"),
        ("articles_per_s", "articles/s"),
        ("cpu_s", "CPU s"),
        ("articles_per_cpu_s", "art/CPU s"),
        ("peak_tree_rss_mb", "RSS MB"),
        ("peak_tree_pss_mb", "PSS MB"),
        ("max_process_rss_mb", "max 1-proc MB"),
        ("max_processes", "procs"),
        ("size_mb", "size MB"),
    )
    rows = [[NAMES[engine_key], *(v[key] for key, _ in keys)] for engine_key, v in index.items()]
    lines = [
        table(
            "FULL INDEX (one process each; RSS/PSS: peak sum over the process tree, sampled every 0.1 s)",
            ["", *(head for _, head in keys)],
            rows,
        )
    ]
    ng = index.get("newsgrep", {})
    if ng.get("segments") is not None:
        lines.append(
            f"  newsgrep: {ng.get('passages') or 0:,} passages beside the articles, "
            f"{ng['segments']} segment(s), {ng.get('skipped') or 0} file(s) skipped"
        )
    if len({v["articles"] for v in index.values()}) > 1:
        lines.append("  note: the engines counted different numbers of articles (readers differ)")
    return "\n".join(lines)


def queries_section(figures: dict, title: str, notes: bool) -> str:
    keys = ("n", "p50_ms", "p95_ms", "mean_ms", "max_ms", "cpu_p50_ms", "cpu_p95_ms", "zero_hits", "errors")
    rows = [[NAMES[key], *(v.get(k) for k in keys)] for key, v in figures.items()]
    lines = [
        table(
            f"{title}, ms (after {WARMUP} warm-up queries)",
            ["", "n", "p50", "p95", "mean", "max", "CPU p50", "CPU p95", "0 hits", "errors"],
            rows,
        )
    ]
    if notes:
        lines.append(
            f"  newsgrep: open_index() once, then searcher.search(limit={engine.LIMIT}, passages={engine.PASSAGES}),"
            " highlights included;\n"
            "  naive: parse + search(limit=10) + hit.highlights('body') for each hit, one searcher;\n"
            "  FTS5: MATCH (quoted tokens, title: column filter, dates as WHERE) + snippet(), LIMIT 10"
        )
    for key, v in figures.items():
        if v.get("first_error"):
            lines.append(f"  {key} first error: {v['first_error'][:200]}")
    if "open_index_ms" in figures.get("newsgrep", {}):
        lines.append(f"  newsgrep open_index() + close, median: {fmt(figures['newsgrep']['open_index_ms'], 2)} ms")
    kinds = [k for k in KINDS if any(k in v["by_kind"] for v in figures.values())]
    header = ["kind"] + [f"{key} {p}" for key in figures for p in ("p50", "p95")]
    rows = []
    for k in kinds:
        row: list = [f"{k} (n={max(v['by_kind'].get(k, {}).get('n', 0) for v in figures.values())})"]
        for v in figures.values():
            bk = v["by_kind"].get(k)
            row += [bk["p50_ms"], bk["p95_ms"]] if bk else [None, None]
        rows.append(row)
    lines.append(table("  by kind (ms):", header, rows))
    return "\n".join(lines)


def process_section(p: dict, rg_found: bool) -> str:
    rows = [[name, ms, p["floors_cpu_ms"][name], None, None, None] for name, ms in p["floors_ms"].items()]
    median = {"kind": "median", "query": "", **{k[: -len("_median")]: v for k, v in p.items() if k.endswith("_median")}}
    for q in [*p["queries"], median]:
        rows.append(
            [
                f"{q['kind']}: {q['query']}"[:60] if q["query"] else q["kind"],
                q["newsgrep_ms"],
                q["newsgrep_cpu_ms"],
                q["rg_ms"],
                q["rg_cpu_ms"],
                short_ratio(ratio(q["rg_ms"], q["newsgrep_ms"])),
            ]
        )
    rg_note = "" if rg_found else " (rg not found: install ripgrep for that column)"
    return table(
        f"PROCESSES, ms (median of {p['runs_each']} runs, warm cache, output to a pipe){rg_note}",
        ["", "newsgrep search", "CPU", "rg -i -l", "CPU", "rg/newsgrep wall"],
        rows,
    )


def incremental_section(figures: dict) -> str:
    rows = [
        [
            name,
            v["runs"],
            v["wall_s_median"],
            v["inner_s_median"],
            v["peak_tree_rss_mb"],
            ",".join(str(a) for a in v["added"]),
        ]
        for name, v in figures.items()
        if isinstance(v, dict)
    ]
    text = table(
        "INCREMENTAL `newsgrep index` (no paths: re-scan the roots), one process each",
        ["", "runs", "wall s (median)", "in-run s", "RSS MB", "added"],
        rows,
    )
    if figures.get("warning"):
        text += f"\n  WARNING: {figures['warning']}"
    return text


def many_section(m: dict) -> str:
    return (
        f"MANY INCREMENTAL: {m['runs']} runs × 1 new file: wall median {m['wall_s_median']:.2f} s "
        f"(first {m['wall_s_first']:.2f}, last {m['wall_s_last']:.2f}, max {m['wall_s_max']:.2f}); "
        f"segments {m['segments_before']} -> {m['segments_after']}; {fmt(m['articles_after'])} articles"
    )


def load_line(meta: dict) -> str:
    return (
        f"load average at start {meta['load_start'][0]}, at end {meta['load_end'][0]} "
        f"({meta['cpus']} CPUs): a one-process run whose wall time is well above its CPU time was waiting "
        "(for I/O, or for other work on the machine)"
    )
