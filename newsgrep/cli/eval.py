"""`newsgrep eval`: how well the index ranks a test collection (queries + TREC qrels), as nDCG@10, MAP, P@10, R@100."""

from __future__ import annotations

import click

from newsgrep.cli import cli, index_option, printer


@cli.command("eval")
@click.option("--queries", "queries_path", required=True, metavar="FILE", help="Queries, one 'qid<TAB>text' a line.")
@click.option(
    "--qrels", "qrels_path", required=True, metavar="FILE", help="TREC qrels, one 'qid 0 docid relevance' a line."
)
@index_option
@click.option("--per-query", is_flag=True, help="Also print each query's measures.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (with every query's measures).")
def eval_command(queries_path, qrels_path, index_dir, per_query, as_json):
    """Run every judged query through search (as `newsgrep search` does) and measure the ranking.

    A hit's document id is its file name without folder and extension (TIME-017.txt -> TIME-017);
    a record of a feed file adds its key (reut2-000.jsonl, key 12 -> reut2-000:12).
    Each query fetches 100 articles; a judged query that finds nothing scores 0.
    """
    from newsgrep.search.evaluate import evaluate

    printer(as_json).evaluation(evaluate(queries_path, qrels_path, index_dir), per_query=per_query)
