"""Ratios of a run's figures: newsgrep's beside the baselines', and its own after many incremental runs
beside before them; kept in the figures ("ratios") and printed as a table."""

from __future__ import annotations

from harness.tables import ratio, short_ratio, table

RATIOS = (
    # key in the JSON, label, numerator path, denominator path (paths into the figures)
    ("index_rate_vs_whoosh_writer", "newsgrep articles/s ÷ with Whoosh's segment writer",
     "index.newsgrep.articles_per_s", "index.whoosh_writer.articles_per_s"),
    ("index_rate_vs_naive", "newsgrep articles/s ÷ naive Whoosh articles/s",
     "index.newsgrep.articles_per_s", "index.naive.articles_per_s"),
    ("index_rate_vs_fts5", "newsgrep articles/s ÷ FTS5 articles/s",
     "index.newsgrep.articles_per_s", "index.fts5.articles_per_s"),
    ("index_cpu_rate_vs_naive", "newsgrep articles/CPU s ÷ naive Whoosh articles/CPU s",
     "index.newsgrep.articles_per_cpu_s", "index.naive.articles_per_cpu_s"),
    ("size_vs_naive", "newsgrep index size ÷ naive Whoosh size", "index.newsgrep.size_mb", "index.naive.size_mb"),
    ("size_vs_fts5", "newsgrep index size ÷ FTS5 size", "index.newsgrep.size_mb", "index.fts5.size_mb"),
    ("rss_vs_naive", "newsgrep peak RSS ÷ naive Whoosh peak RSS",
     "index.newsgrep.peak_tree_rss_mb", "index.naive.peak_tree_rss_mb"),
    ("p50_vs_naive", "newsgrep query p50 ÷ naive Whoosh p50", "queries.newsgrep.p50_ms", "queries.naive.p50_ms"),
    ("cpu_p50_vs_naive", "newsgrep query CPU p50 ÷ naive Whoosh CPU p50",
     "queries.newsgrep.cpu_p50_ms", "queries.naive.cpu_p50_ms"),
    ("p95_vs_naive", "newsgrep query p95 ÷ naive Whoosh p95", "queries.newsgrep.p95_ms", "queries.naive.p95_ms"),
    ("p50_vs_fts5", "newsgrep query p50 ÷ FTS5 p50", "queries.newsgrep.p50_ms", "queries.fts5.p50_ms"),
    ("p95_vs_fts5", "newsgrep query p95 ÷ FTS5 p95", "queries.newsgrep.p95_ms", "queries.fts5.p95_ms"),
    ("rg_vs_process", "rg wall ÷ newsgrep search process wall (medians)",
     "process.rg_ms_median", "process.newsgrep_ms_median"),
    ("process_vs_version", "newsgrep search process ÷ `newsgrep --version`",
     "process.newsgrep_ms_median", "process.floors_ms.newsgrep --version"),
    ("add10_vs_full", "reindex after +10 files ÷ full index (wall)",
     "incremental.add 10 new files.wall_s_median", "index.newsgrep.wall_s"),
    ("nochange_vs_full", "reindex with no change ÷ full index (wall)",
     "incremental.nothing changed.wall_s_median", "index.newsgrep.wall_s"),
    ("p50_after_many", "query p50 after many incremental runs ÷ before",
     "queries_after_many.newsgrep.p50_ms", "queries.newsgrep.p50_ms"),
    ("p95_after_many", "query p95 after many incremental runs ÷ before",
     "queries_after_many.newsgrep.p95_ms", "queries.newsgrep.p95_ms"),
    ("cpu_p50_after_many", "query CPU p50 after many incremental runs ÷ before",
     "queries_after_many.newsgrep.cpu_p50_ms", "queries.newsgrep.cpu_p50_ms"),
)  # fmt: skip


def ratio_figures(results: dict) -> dict[str, float | None]:
    """Every ratio of RATIOS by its key, rounded; None where a figure is missing."""
    figures = {}
    for key, _, num, den in RATIOS:
        x = ratio(lookup(results, num), lookup(results, den))
        figures[key] = round(x, 3) if x is not None else None
    return figures


def ratio_table(results: dict) -> str | None:
    """The table of the ratios whose figures exist (a, b, a ÷ b), or None if none do."""
    rows = []
    for _, label, num, den in RATIOS:
        a, b = lookup(results, num), lookup(results, den)
        x = ratio(a, b)
        if x is not None:
            rows.append([label, a, b, short_ratio(x)])
    return table("RATIOS", ["", "a", "b", "a ÷ b"], rows) if rows else None


def lookup(results: dict, path: str):
    """The figure at a dotted path ("index.newsgrep.wall_s"), or None; keys hold spaces, never dots."""
    value = results
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value
