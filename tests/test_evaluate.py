"""`newsgrep eval` and `search.evaluate` on a hand-made collection whose measures are known exactly.

Six articles, three judged queries:
  1 "volcano ash"       only volcano.txt has both words; it is the one relevant article, found first:
                        nDCG@10 1, AP 1, P@10 0.1, R@100 1.
  2 "wheat harvest"     only harvest.txt has both words; relevant are harvest (found first) and flood (not
                        found): nDCG@10 1 / (1 + 1/log2(3)), AP 0.5, P@10 0.1, R@100 0.5.
  3 'volcano "budget'   malformed (an unclosed quote): searched as "volcano budget", which no article has
                        in full, so the OR fallback finds volcano and budget, both relevant:
                        nDCG@10 1, AP 1, P@10 0.2, R@100 1.
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from newsgrep.cli import cli
from newsgrep.cli import eval as eval_command  # noqa: F401  (registers the command)
from newsgrep.errors import PathMissing
from newsgrep.indexer.build import build_index
from newsgrep.search.evaluate import BadTestCollection, QueryRun, evaluate, measure, read_qrels, read_queries
from newsgrep.search.settings import Ranking
from tests.conftest import run_cli

ARTICLES = {
    "volcano": "Volcano erupts in Iceland\n\nA volcano under the glacier erupted on Sunday.\n\n"
    "Clouds of ash closed airports across northern Europe for three days.\n",
    "election": "Parliament election results\n\nThe governing party lost its majority in the election.\n\n"
    "Voters turned out in record numbers in the capital.\n",
    "harvest": "Record wheat harvest\n\nFarmers brought in the largest wheat harvest in a decade.\n\n"
    "Grain prices fell as silos filled across the plains.\n",
    "football": "Cup final goes to extra time\n\nThe cup final was decided by a late goal in extra time.\n",
    "flood": "River bursts its banks\n\nThe river flooded fields and villages after a week of rain.\n\n"
    "Crops were lost on thousands of acres.\n",
    "budget": "Government unveils budget\n\nThe finance minister cut taxes in the new budget.\n\n"
    "Spending on schools rises by four percent.\n",
}
QUERIES = '1\tvolcano ash\n2\twheat harvest\n3\tvolcano "budget\n'
QRELS = "1 0 volcano 1\n2 0 harvest 1\n2 0 flood 1\n3 0 volcano 1\n3 0 budget 1\n2 0 football 0\n"

NDCG_ONE_OF_TWO = 1 / (1 + 1 / math.log2(3))  # relevant at rank 1, the second relevant never found
EXPECTED = {
    "1": {"ndcg10": 1.0, "ap": 1.0, "p10": 0.1, "r100": 1.0},
    "2": {"ndcg10": NDCG_ONE_OF_TWO, "ap": 0.5, "p10": 0.1, "r100": 0.5},
    "3": {"ndcg10": 1.0, "ap": 1.0, "p10": 0.2, "r100": 1.0},
}
MEAN = {name: sum(q[name] for q in EXPECTED.values()) / 3 for name in ("ndcg10", "ap", "p10", "r100")}


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    root = tmp_path_factory.mktemp("collection")
    articles = root / "articles"
    articles.mkdir()
    for name, text in ARTICLES.items():
        (articles / f"{name}.txt").write_text(text)
    (root / "queries.tsv").write_text(QUERIES)
    (root / "qrels.txt").write_text(QRELS)
    build_index([str(articles)], root / "index")
    return root


def _run_eval(collection, *extra: str):
    args = ["eval", "--queries", str(collection / "queries.tsv"), "--qrels", str(collection / "qrels.txt")]
    return CliRunner().invoke(cli, [*args, "--index", str(collection / "index"), *extra])


def test_python_api_gives_the_known_measures(collection):
    evaluation = evaluate(collection / "queries.tsv", collection / "qrels.txt", collection / "index")

    assert (evaluation.queries, evaluation.judgements, evaluation.unjudged) == (3, 6, 0)
    assert evaluation.ndcg10 == pytest.approx(MEAN["ndcg10"])
    assert evaluation.map == pytest.approx(MEAN["ap"])
    assert evaluation.p10 == pytest.approx(MEAN["p10"])
    assert evaluation.r100 == pytest.approx(MEAN["r100"])
    for row in evaluation.per_query:
        for name, value in EXPECTED[row.qid].items():
            assert getattr(row, name) == pytest.approx(value), (row.qid, name)


def test_per_query_rows_say_how_each_query_ran(collection):
    rows = {
        row.qid: row
        for row in evaluate(collection / "queries.tsv", collection / "qrels.txt", collection / "index").per_query
    }

    assert (rows["1"].hits, rows["1"].relevant, rows["1"].fallback, rows["1"].depunctuated) == (1, 1, False, False)
    assert rows["2"].relevant == 2  # football is judged, but not relevant
    assert rows["3"].depunctuated and rows["3"].fallback
    assert rows["3"].searched == "volcano budget"
    assert rows["3"].hits == 2 and rows["3"].error is None


def test_eval_command_prints_the_measures_table(collection):
    result = _run_eval(collection)

    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert float(lines["nDCG@10"]) == pytest.approx(MEAN["ndcg10"], abs=5e-5)
    assert float(lines["MAP"]) == pytest.approx(MEAN["ap"], abs=5e-5)
    assert float(lines["P@10"]) == pytest.approx(MEAN["p10"], abs=5e-5)
    assert float(lines["R@100"]) == pytest.approx(MEAN["r100"], abs=5e-5)
    assert lines["queries"] == "3" and lines["judgements"] == "6"
    assert "qid" not in result.stdout  # no per-query table unless asked


def test_eval_command_per_query_table_notes_the_fallbacks(collection):
    result = _run_eval(collection, "--per-query")

    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line[:1].isdigit()}
    assert set(rows) == {"1", "2", "3"}
    assert rows["1"].split()[3:7] == ["1.0000", "1.0000", "0.1000", "1.0000"]
    assert rows["2"].split()[3:7] == [f"{NDCG_ONE_OF_TWO:.4f}", "0.5000", "0.1000", "0.5000"]
    assert "malformed" in rows["3"] and "OR fallback" in rows["3"]
    assert "fallback" not in rows["1"]


def test_eval_command_json_is_one_object(collection):
    result = _run_eval(collection, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ndcg10"] == pytest.approx(MEAN["ndcg10"])
    assert report["map"] == pytest.approx(MEAN["ap"])
    per_query = {row["qid"]: row for row in report["per_query"]}
    assert per_query["2"]["r100"] == pytest.approx(0.5)
    assert per_query["3"]["depunctuated"] is True


def test_eval_is_a_command_of_the_real_command_line(collection):
    args = ["--queries", str(collection / "queries.tsv"), "--qrels", str(collection / "qrels.txt")]
    done = run_cli("eval", *args, "--index", str(collection / "index"), "--json")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["queries"] == 3


@pytest.mark.parametrize("missing", ["--queries", "--qrels"])
def test_missing_file_is_one_line_error_and_exit_2(collection, missing):
    args = {"--queries": str(collection / "queries.tsv"), "--qrels": str(collection / "qrels.txt")}
    args[missing] = str(collection / "nowhere.txt")
    flat = [part for pair in args.items() for part in pair]
    result = CliRunner().invoke(cli, ["eval", *flat, "--index", str(collection / "index")])

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"newsgrep: error: no such file: {collection / 'nowhere.txt'}"]


def test_missing_index_is_exit_2(collection, tmp_path):
    args = ["eval", "--queries", str(collection / "queries.tsv"), "--qrels", str(collection / "qrels.txt")]
    result = CliRunner().invoke(cli, [*args, "--index", str(tmp_path / "no-index")])

    assert result.exit_code == 2
    assert "no index at" in result.stderr


def test_query_that_cannot_run_even_without_punctuation_scores_zero(collection, tmp_path):
    (tmp_path / "q.tsv").write_text("1\tvolcano ash\n2\twheat AND\n")
    evaluation = evaluate(tmp_path / "q.tsv", collection / "qrels.txt", collection / "index")

    rows = {row.qid: row for row in evaluation.per_query}
    assert rows["2"].depunctuated and "AND needs a word" in rows["2"].error
    assert (rows["2"].hits, rows["2"].ndcg10, rows["2"].ap) == (0, 0.0, 0.0)


def test_judged_queries_missing_from_the_queries_file_count_as_zero(tmp_path):
    (tmp_path / "q.tsv").write_text("1\tvolcano ash\n9\tunjudged query\n")
    qrels = read_qrels_text(tmp_path, "1 0 volcano 1\n2 0 harvest 1\n")
    runs = [QueryRun("1", "volcano ash", ["volcano", "budget"])]

    evaluation = measure(runs, qrels, unjudged=1)

    assert evaluation.queries == 2
    assert evaluation.ndcg10 == pytest.approx(0.5) and evaluation.p10 == pytest.approx(0.05)
    assert [row.error for row in evaluation.per_query] == [None, "not in the queries file"]
    assert list(read_queries(tmp_path / "q.tsv")) == ["1", "9"]


def test_ranking_follows_rank_order_not_ties(tmp_path):
    qrels = read_qrels_text(tmp_path, "1 0 b 1\n")
    assert measure([QueryRun("1", "q", ["a", "b"])], qrels).map == pytest.approx(0.5)
    assert measure([QueryRun("1", "q", ["b", "a"])], qrels).map == pytest.approx(1.0)


def test_ranking_values_reach_the_searcher(collection):
    # article_weight 1.0 ranks by article score alone; the measures of this collection do not depend on it,
    # but a Ranking the searcher cannot take would fail here.
    evaluation = evaluate(
        collection / "queries.tsv", collection / "qrels.txt", collection / "index", ranking=Ranking(article_weight=1.0)
    )
    assert evaluation.map == pytest.approx(MEAN["ap"])


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        (read_qrels, "1 0 volcano\n", "expected 'qid 0 docid relevance'"),
        (read_qrels, "1 0 volcano yes\n", "expected 'qid 0 docid relevance'"),
        (read_queries, "1 volcano ash\n", "expected 'qid<TAB>query text'"),
        (read_queries, "1\tone\n1\ttwo\n", "appears twice"),
        (read_queries, "\n\n", "no queries"),
    ],
)
def test_malformed_collection_files_name_the_line(tmp_path, reader, text, message):
    path = tmp_path / "file.txt"
    path.write_text(text)
    with pytest.raises(BadTestCollection, match=message):
        reader(path)


def test_missing_collection_file_is_path_missing(tmp_path):
    with pytest.raises(PathMissing):
        read_qrels(tmp_path / "nowhere.txt")


def read_qrels_text(folder, text: str):
    (folder / "qrels.txt").write_text(text)
    return read_qrels(folder / "qrels.txt")
