"""News-aware results: one hit per story, related articles, dates, timeline, facets, suggestions."""

import json
import re
import shutil

import pytest

from newsgrep import open_index
from newsgrep.indexer.build import build_index
from tests.conftest import CORPUS, SEEDS, json_hits, needs_shared, run_cli, search

pytestmark = pytest.mark.slow  # real corpora or real processes killed and waited for

VOA = "mexico-vows-never-to-cut-deals.txt"
BBC_SEED = "bbc-mexico-rejects-drug-gang-deal.txt"


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    """The seeds beside the 200 bundled Wikinews articles, a lightly edited copy of one of them, and (when
    ../shared is there) the 2,225 BBC articles."""
    root = tmp_path_factory.mktemp("news")
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(CORPUS / "wikinews", root / "wikinews")
    original = (CORPUS / "wikinews" / "wikinews-100018.txt").read_text()
    edited = original.replace("Sarkisian wins", "Sargsyan wins").replace("52.9 percent", "almost 53 percent")
    (root / "edited").mkdir()
    (root / "edited" / "sarkisian-copy.txt").write_text(edited + "\nThis article was updated.\n")
    roots = [str(root)]
    try:
        roots.append(str(needs_shared("corpora", "bbc")))
    except pytest.skip.Exception:
        pass
    build_index(roots, root / "ix")
    return root, root / "ix"


def _by_file(hits, name):
    return next(h for h in hits if h.path.endswith(name))


def test_the_two_seeds_are_one_hit_for_gomez_mont(news):
    root, ix = news
    [hit] = search('"Gomez Mont"', ix).hits  # quoted: never widened to any of its words
    assert len(hit.duplicates) == 1
    paths = {hit.path, hit.duplicates[0].path}
    assert {p.rsplit("/", 1)[1] for p in paths} == {VOA, BBC_SEED}
    assert len(search('"Gomez Mont"', ix, collapse=False).hits) == 2
    widened = search("Gomez Mont", ix)  # two articles have both words: too few, so any word counts too
    assert widened.fallback and widened.hits[0].id == hit.id and len(widened.hits[0].duplicates) == 1


def test_a_lightly_edited_copy_collapses_with_its_original_and_other_stories_do_not(news):
    _, ix = news
    hits = search("Armenia presidential election", ix, limit=20).hits
    lead = next(h for h in hits if "wikinews-100018" in h.path or "sarkisian-copy" in h.path)
    assert any("sarkisian-copy" in c.path or "wikinews-100018" in c.path for c in lead.duplicates)
    other_titles = [h.title for h in hits if h is not lead]
    assert all("wins Armenian presidential" not in t for t in other_titles)
    for hit in search("election", ix, limit=20).hits:  # different stories stay apart
        assert all("sarkisian" not in c.path or "100018" in hit.path or "sarkisian" in hit.path for c in hit.duplicates)


def test_json_hits_carry_duplicates(news):
    _, ix = news
    done = run_cli("search", '"Gomez Mont"', "--json", "--index", str(ix))
    [record], _ = json_hits(done.stdout)
    [copy] = record["duplicates"]
    assert set(copy) == {"id", "path", "key", "source", "date"}
    assert copy["path"].endswith((VOA, BBC_SEED)) and not record["path"].endswith(copy["path"].rsplit("/", 1)[1])


def test_similar_lists_the_other_seed_first(news):
    root, ix = news
    for mine, other in ((VOA, BBC_SEED), (BBC_SEED, VOA)):
        with open_index(ix) as searcher:
            hits = searcher.similar(str(root / "seeds" / mine), limit=5).hits
        assert hits[0].path.endswith(other)
    with open_index(ix) as searcher:
        copies = searcher.similar(str(root / "edited" / "sarkisian-copy.txt"), limit=3).hits
    assert copies[0].path.endswith("wikinews-100018.txt") and copies[0].near_duplicate is True
    done = run_cli("similar", str(root / "seeds" / VOA), "--json", "--index", str(ix), "-n", "2")
    first = json.loads(done.stdout.splitlines()[0])
    assert first["path"].endswith(BBC_SEED) and first["near_duplicate"] is False and "passages" in first


def test_sort_by_date_and_relative_dates(news):
    _, ix = news
    hits = search("election", ix, limit=15, sort="date").hits
    dates = [h.date for h in hits if h.date]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 10
    assert search("election", ix, since="2008-01-01", until="2008-12").hits
    assert all(h.date.year == 2008 for h in search("election", ix, since="2008", until="2008", limit=30).hits)
    assert not search("election", ix, since="last week").hits  # nothing in the corpus is that recent


def test_timeline_counts_per_month(news):
    _, ix = news
    with open_index(ix) as searcher:
        chart = searcher.timeline("election")
    labels = [label for label, _ in chart.counts]
    assert labels == sorted(labels) and all(re.fullmatch(r"\d{4}-\d{2}", label) for label in labels)
    assert sum(count for _, count in chart.counts) + chart.undated == chart.total > 10
    assert any(count == 0 for _, count in chart.counts)  # gaps are drawn
    done = run_cli("timeline", "election", "--index", str(ix), "--by", "year")
    assert done.returncode == 0 and "█" in done.stdout and re.search(r"^2008 +█+ \d+$", done.stdout, re.M)


def test_counts_per_source(news):
    _, ix = news
    result = search("election", ix, facets=("source",))
    counts = result.facets["source"]
    assert counts["wikinews"] > 5 and sum(counts.values()) == result.total
    done = run_cli("search", "election", "--by", "source", "--index", str(ix), "-n", "1")
    assert done.stdout.startswith("by source: wikinews") or "wikinews" in done.stdout.splitlines()[0]


@pytest.mark.parametrize(
    "typed, meant", [("Michocan", "Michoacan"), ("Calderom", "Calderon"), ("Gomex Mont", "Gomez Mont")]
)
def test_misspelt_queries_get_a_suggestion_that_finds_hits(news, typed, meant):
    _, ix = news
    result = search(typed, ix)
    assert result.suggestion == meant
    assert search(result.suggestion, ix).hits
    done = run_cli("search", typed, "--index", str(ix))
    assert f"did you mean: {meant}" in done.stderr


def test_no_suggestion_when_the_query_is_fine(news):
    _, ix = news
    assert search("Calderon", ix).suggestion is None


def test_timeline_reads_dates_past_a_segment_of_undated_articles(tmp_path):
    """A first segment with no dated article has no date column; the articles after it keep their dates."""
    undated, dated = tmp_path / "undated", tmp_path / "dated"
    undated.mkdir(), dated.mkdir()
    for i in range(3):
        (undated / f"u{i}.txt").write_text(f"Harbour news {i}\n\nThe harbour election was held today.\n")
        (dated / f"d{i}.txt").write_text(f"Harbour vote {i}\n\n2009-0{i + 1}-15\n\nThe harbour election results.\n")
    build_index([undated], tmp_path / "ix")
    build_index([undated, dated], tmp_path / "ix")
    from newsgrep.store.stats import index_stats

    assert index_stats(tmp_path / "ix").segments >= 2  # the case being tested: dated articles in a later segment
    with open_index(tmp_path / "ix") as searcher:
        chart = searcher.timeline("harbour election")
    assert chart.undated == 3 and chart.total == 6
    assert chart.counts == [("2009-01", 1), ("2009-02", 1), ("2009-03", 1)]
