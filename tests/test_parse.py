import datetime as dt

import pytest
from whoosh import query as wq
from whoosh.util.times import long_to_datetime

from newsgrep.errors import QueryError
from newsgrep.search.parse import parse_query
from newsgrep.store.schema import build_schema

SCHEMA = build_schema()


@pytest.mark.parametrize(
    "text, message",
    [
        ('"La Familia', "unbalanced quotes"),
        ("(cartel OR gang", "not closed"),
        ("cartel)", r"has no \("),
        ("cartel AND", "AND needs"),
        ("OR police", "OR needs"),
        ("NOT", "NOT needs"),
        ("author:smith", "unknown field 'author'"),
        ("kind:p", "unknown field 'kind'"),
        ("date:notadate", "cannot read a date"),
        ("date:2009-13-45", "cannot read a date"),
        ("   ", "empty query"),
        ("title:", "title: needs a word"),
        ("cartel title: ", "title: needs a word"),
        ("path:", "path: needs a folder"),
        ("x" * 3000, "too long"),
    ],
)
def test_malformed_queries_are_errors_with_a_reason(text, message):
    with pytest.raises(QueryError, match=message):
        parse_query(text, SCHEMA)


def test_words_are_and_by_default_over_the_body_which_holds_the_headline():
    parsed = parse_query("drug cartel", SCHEMA)
    assert isinstance(parsed.article, wq.And)
    assert {leaf.fieldname for leaf in parsed.article.leaves()} == {"body"}
    assert isinstance(parse_query("drug cartel", SCHEMA, "or").article, wq.Or)
    assert not parsed.has_operators and parse_query("drug OR cartel", SCHEMA).has_operators


def test_passage_query_keeps_positive_words_and_phrases_only():
    parsed = parse_query('"La Familia" AND police NOT army title:mexico', SCHEMA)
    shown = {repr(q) for q in parsed.passage.children()}
    assert any("Phrase" in r and "familia" in r for r in shown)
    assert any("'polic'" in r for r in shown)
    assert any("'mexico'" in r for r in shown)
    assert not any("armi" in r or "army" in r for r in shown)
    assert all(leaf.fieldname == "body" for leaf in parsed.passage.children())


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("date:2009-07-16", dt.datetime(2009, 7, 16), dt.datetime(2009, 7, 16, 23, 59, 59, 999999)),
        ("date:2009-07", dt.datetime(2009, 7, 1), dt.datetime(2009, 7, 31, 23, 59, 59, 999999)),
        ("date:[2009-07-01 TO 2009-07-31]", dt.datetime(2009, 7, 1), dt.datetime(2009, 7, 31, 23, 59, 59, 999999)),
        ("date:[2004 TO 2005]", dt.datetime(2004, 1, 1), dt.datetime(2005, 12, 31, 23, 59, 59, 999999)),
    ],
)
def test_iso_dates_and_ranges_cover_the_whole_period(text, start, end):
    q = parse_query(text, SCHEMA).article
    assert (long_to_datetime(q.start), long_to_datetime(q.end)) == (start, end)
