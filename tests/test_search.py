import pytest

from newsgrep.errors import QueryError
from newsgrep.indexer.build import build_index
from tests.conftest import search


def _titles(result):
    return [h.title for h in result.hits]


def _marked(hit):
    return [p.text[s:e] for p in hit.passages for s, e in p.highlights]


def test_results_are_grouped_per_article_with_best_passages(built):
    result = search("drug AND cartel AND pact", built, passages=2, collapse=False)  # the two with all three
    assert {h.path.rsplit("/", 1)[1] for h in result.hits} == {
        "mexico-vows-never-to-cut-deals.txt",
        "bbc-mexico-rejects-drug-gang-deal.txt",
    }
    assert len({h.id for h in result.hits}) == len(result.hits) == result.total == 2
    for hit in result.hits:
        assert 1 <= len(hit.passages) <= 2
        assert hit.passages[0].score >= hit.passages[-1].score
        assert {"drug", "cartel"} <= {w.lower() for w in _marked(hit)}
    assert [h.rank for h in result.hits] == [1, 2] and result.hits[0].score >= result.hits[1].score


def test_highlights_are_spans_into_the_passage_text(built):
    for hit in search('negotiate "La Familia"', built, passages=3).hits:
        for passage in hit.passages:
            for start, end in passage.highlights:
                assert 0 <= start < end <= len(passage.text)
    marked = {w for hit in search("negotiate", built, passages=3).hits for w in _marked(hit)}
    assert {"negotiate", "negotiating"} & marked


def test_phrase_is_highlighted_as_a_phrase(built):
    hits = search('"La Familia" AND police', built, collapse=False).hits
    assert len(hits) == 2
    assert "La Familia" in _marked(hits[0])


def test_all_words_must_match_by_default(built):
    assert search("cartel zimbabwe", built, operator="or").hits
    result = search("cartel zimbabwe", built)
    assert result.fallback  # no article has both: OR ranking, and the result says so
    assert not search("cartel AND zimbabwe", built).hits  # explicit AND never falls back


def test_title_field_and_not(built):
    assert sorted(_titles(search("title:mexico", built, collapse=False))) == [
        "Mexico Vows Never to Cut Deals With Drug Lords",
        "Mexico rejects any drug gang deal",
    ]
    assert _titles(search("title:vows", built)) == ["Mexico Vows Never to Cut Deals With Drug Lords"]
    every = {h.id for h in search("cartel", built).hits}
    without = {h.id for h in search("cartel NOT calderon", built).hits}
    assert without < every


def test_prefix_and_fuzzy(built):
    assert search("negotiat*", built).hits
    assert search("Michoacn~", built).hits


def test_passage_evidence_ranks_close_words_higher(tmp_path):
    """Two articles with the same words: the one where they stand together in one passage ranks first."""
    filler = " ".join(f"Paragraph {i} is about the harbour weather and tides today." for i in range(8))
    spread = "Spread\n\n" + "\n\n".join(
        ["The minister spoke at length.", filler, "Later, a pact came up.", filler, "Separately, a cartel was named."]
    )
    close = "Close\n\n" + "\n\n".join(["The minister said the cartel offered a pact.", filler, filler, "Then lunch."])
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "spread.txt").write_text(spread)
    (tmp_path / "a" / "close.txt").write_text(close)
    build_index([str(tmp_path / "a")], tmp_path / "ix")
    assert _titles(search("minister cartel pact", tmp_path / "ix")) == ["Close", "Spread"]


def test_lead_passage_is_shown_when_no_passage_matches(built):
    result = search("path:seeds", built, passages=3)  # no words: no passage can match
    assert result.hits
    for hit in result.hits:
        assert [p.number for p in hit.passages] == [0]
        assert hit.passages[0].highlights == [] and hit.passages[0].text


def test_limit_and_json_shape(built):
    result = search("the government", built, limit=3, passages=1)
    assert len(result.hits) == 3 and result.total > 3
    record = result.hits[0].to_dict()
    assert list(record) == [
        "rank",
        "score",
        "id",
        "path",
        "key",
        "title",
        "title_highlights",
        "date",
        "source",
        "passages",
        "duplicates",
    ]
    assert set(record["passages"][0]) == {"text", "highlights"}


def test_malformed_query_raises_query_error(built):
    with pytest.raises(QueryError):
        search("(cartel", built)


def test_headline_words_are_found_by_plain_words_but_belong_to_no_passage(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "story.txt").write_text("Okapi census\n\nRangers counted the animals in the forest.\n")
    build_index([str(tmp_path / "a")], tmp_path / "ix")
    [hit] = search("okapi", tmp_path / "ix").hits
    assert hit.title == "Okapi census"
    assert hit.passages[0].text == "Rangers counted the animals in the forest." and not hit.passages[0].highlights
    assert search("okapi rangers", tmp_path / "ix").hits[0].passages[0].highlights == [(0, 7)]
