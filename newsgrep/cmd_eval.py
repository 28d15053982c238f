"""`newsgrep eval`: how well the index ranks a test collection (queries + TREC qrels), as nDCG@10, MAP, P@10, R@100."""

from __future__ import annotations

import json

import click

from newsgrep.cli import cli, index_option

_MEASURES = (("nDCG@10", "ndcg10"), ("MAP", "map"), ("P@10", "p10"), ("R@100", "r100"))
_QUERY_MEASURES = (("nDCG@10", "ndcg10"), ("AP", "ap"), ("P@10", "p10"), ("R@100", "r100"))


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

    A hit's document id is its file name without folder and extension (TIME-017.txt -> TIME-017).
    Each query fetches 100 articles; a judged query that finds nothing scores 0.
    """
    from search.evaluate import evaluate

    evaluation = evaluate(queries_path, qrels_path, index_dir)
    if as_json:
        click.echo(json.dumps(evaluation.to_dict(), ensure_ascii=False))
        return
    _print_summary(evaluation)
    if per_query:
        click.echo("")
        _print_per_query(evaluation)


def _print_summary(evaluation) -> None:
    rows = [(label, f"{getattr(evaluation, name):.4f}") for label, name in _MEASURES]
    rows += [("queries", str(evaluation.queries)), ("judgements", str(evaluation.judgements))]
    if evaluation.unjudged:
        rows.append(("unjudged", f"{evaluation.unjudged} (not run)"))
    for label, value in rows:
        click.echo(f"{label:<11} {value}")


def _print_per_query(evaluation) -> None:
    click.echo(
        f"{'qid':<8} {'hits':>4} {'rel':>4} " + " ".join(f"{label:>7}" for label, _ in _QUERY_MEASURES) + "  notes"
    )
    for row in evaluation.per_query:
        values = " ".join(f"{getattr(row, name):>7.4f}" for _, name in _QUERY_MEASURES)
        click.echo(f"{row.qid:<8} {row.hits:>4} {row.relevant:>4} {values}  {_notes(row)}".rstrip())


def _notes(row) -> str:
    notes = []
    if row.depunctuated:
        notes.append("malformed: searched without punctuation")
    if row.fallback:
        notes.append("OR fallback")
    if row.error:
        notes.append(f"error: {row.error}")
    return "; ".join(notes)
