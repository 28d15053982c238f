"""User query text -> Whoosh queries: one over whole articles, one over passages.

The syntax is Whoosh's: words, "phrases", AND/OR/NOT, parentheses, field:value (title:, body:,
source:, date: with ranges and relative dates), prefix*, fuzzy~; with newsgrep's own as parser plugins
(newsgrep.search.query_syntax: +word, -word, a | b, stop words in plain queries) and `path:`
(newsgrep.search.scope). Words are joined by AND unless the caller asks for OR. What Whoosh would
silently guess at (unbalanced quotes, a dangling operator, an unknown field, a date it cannot read) is
a QueryError with a one-line message instead.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.qparser import AndGroup, FuzzyTermPlugin, GtLtPlugin, OrGroup, QueryParser

from newsgrep.errors import QueryError
from newsgrep.search.dates import date_plugin
from newsgrep.search.query_syntax import add_news_syntax, word_filter
from newsgrep.search.scope import path_field_query, split_path_fields
from newsgrep.store.analysis import name_analyzer
from newsgrep.store.schema import ARTICLE_FIELDS, DEFAULT_FIELD, PASSAGE_FIELD, USER_FIELDS
from newsgrep.store.whoosh_internals import build_binary_groups_once, is_null_query

MAX_QUERY_CHARS = 2000
MAX_NESTING = 20  # parentheses within parentheses (as Elasticsearch's max_nested_depth for bool queries)
build_binary_groups_once()  # a chain of ANDMAYBE/ANDNOT parsed in linear time, not 2^n
SHOUTED_WORDS = 6
_ENDINGS = ("", "e", "s", "ed", "ing", "ion", "y")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_QUOTED = re.compile(r'"[^"]*"')
_FIELD = re.compile(r"(?<![\w.])([A-Za-z_][\w]*):")
_OPERATOR = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_SIGN_OR_BAR = re.compile(r"(?:^|(?<=[\s(]))[+-](?=[\w\"(])|(?<=\s)\|(?=\s)")  # as query_syntax reads them


@dataclass
class ParsedQuery:
    text: str
    article: wq.Query  # what an article must match, scored over title and body
    passage: wq.Query | None  # the query's positive words and phrases over passage text (None: none)
    has_operators: bool  # the user wrote AND/OR/NOT themselves
    operator: str = "and"  # how plain words were joined
    explicit: bool = False  # the user said how words combine: AND/OR/NOT, +word, -word, a | b or "quotes"


def parse_query(
    text: str,
    schema,
    operator: str = "and",
    period: wq.Query | None = None,
    or_bonus: float = 0.0,
    repeats: bool = False,
    passage_repeats: bool = False,
) -> ParsedQuery:
    """Parses `text`; `period` (a date range) is a filter every matching article must pass. With
    `repeats`, a word typed n times weighs n times in the article score (`passage_repeats`: in the
    passage score too)."""
    text = _natural_case(_CONTROL.sub(" ", text).strip())
    text, paths = split_path_fields(text)
    if paths and not text.strip():  # only path: values: every article there
        every = wq.And([wq.Every(), *(q for q in (path_field_query(paths), period) if q is not None)])
        return ParsedQuery(text, every, None, False, operator)
    _check(text)
    errors: list[str] = []
    group = AndGroup if operator == "and" else (OrGroup.factory(or_bonus) if or_bonus else OrGroup)
    parser = QueryParser(DEFAULT_FIELD, schema, group=group)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(date_plugin(errors))
    add_news_syntax(parser, word_filter(schema, DEFAULT_FIELD))
    try:
        article = parser.parse(text)
    except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
        raise QueryError(f"cannot parse query {text!r}: {exc}") from None
    if errors:
        raise QueryError(f"cannot read a date in the query: {errors[0]}")
    _check_parsed(article, text)
    _stem_prefixes(article, schema)
    if repeats:
        _weigh_repeats(article, text, schema)
    passage = _passage_query(article, keep_weights=passage_repeats)
    for restriction in (path_field_query(paths), period):
        if restriction is not None:
            article = wq.And([article, restriction])
    operators = bool(_OPERATOR.search(_QUOTED.sub(" ", text)))
    explicit = operators or '"' in text or bool(_SIGN_OR_BAR.search(_QUOTED.sub(" ", text)))
    return ParsedQuery(text, article, passage, operators, operator, explicit)


def _natural_case(text: str) -> str:
    """A long query in capitals is a sentence shouted, not operators: "NUMBER OF TROOPS THE UNITED STATES
    HAS STATIONED IN SOUTH VIET NAM AND ..." is read in lower case (short ones, "NATO OR RUSSIA", keep
    their operators)."""
    if len(text.split()) >= SHOUTED_WORDS and not any(c.islower() for c in text):
        return text.lower()
    return text


def _check(text: str) -> None:
    if not text:
        raise QueryError("empty query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters, at most {MAX_QUERY_CHARS})")
    if text.count('"') % 2:
        raise QueryError('unbalanced quotes in query: close the phrase with "')
    bare = _QUOTED.sub(" _phrase_ ", text)
    depth = 0
    for char in bare:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("unbalanced parentheses in query: a ) has no (")
        if depth > MAX_NESTING:
            # Whoosh parses, normalises and builds matchers for a nested query in time that grows with the
            # square of its depth: 110 levels took seconds before the first match.
            raise QueryError(f"parentheses nested too deep in query (at most {MAX_NESTING} levels)")
    if depth:
        raise QueryError("unbalanced parentheses in query: a ( is not closed")
    for name in _FIELD.findall(bare):
        if re.search(rf"(?<![\w.]){name}:(?=$|[\s)])", text):
            raise QueryError(f"{name}: needs a word after it (as in {name}:mexico)")
        if name not in USER_FIELDS:
            raise QueryError(
                f"unknown field {name!r} in query (fields: {', '.join(f + ':' for f in (*USER_FIELDS, 'path'))})"
            )
    words = bare.replace("(", " ( ").replace(")", " ) ").split()
    for i, word in enumerate(words):
        if word in ("AND", "OR", "ANDNOT", "ANDMAYBE"):
            before = words[i - 1] if i else None
            after = words[i + 1] if i + 1 < len(words) else None
            if before in (None, "(", "AND", "OR", "NOT") or after in (None, ")", "AND", "OR"):
                raise QueryError(f"{word} needs a word or group on each side")
        elif word == "NOT" and (i + 1 == len(words) or words[i + 1] in (")", "AND", "OR")):
            raise QueryError("NOT needs a word or group after it")


def _check_parsed(q: wq.Query, text: str) -> None:
    if is_null_query(q):
        raise QueryError(f"the query {text!r} has no words to search for")
    for node in _walk(q):
        if getattr(node, "error", None):
            raise QueryError(f"cannot parse query {text!r}: {node.error}")


def _stem_prefixes(q: wq.Query, schema) -> None:
    """`negotiat*` must find "negotiating", indexed as the stem "negoti": a prefix is cut back to what
    it shares with the stems of the words it begins ("negotiate", "negotiating", ...)."""
    fold = name_analyzer()
    for node in _walk(q):
        if isinstance(node, wq.Prefix) and node.fieldname in ARTICLE_FIELDS:
            folded = [t.text for t in fold(node.text)]
            if len(folded) != 1:
                continue
            prefix = folded[0]
            analyzer = schema[node.fieldname].analyzer
            stems = [t.text for ending in _ENDINGS for t in analyzer(prefix + ending, mode="query")]
            node.text = os.path.commonprefix([prefix, *stems])[: len(prefix)] or prefix
            if len(node.text) < min(3, len(prefix)):
                node.text = prefix[:3]


def _weigh_repeats(q: wq.Query, text: str, schema) -> None:
    """Whoosh's parser merges a repeated word into one term ("information about information systems"
    searches `inform`, `system` once each), losing BM25's query-term frequency. Each word gets a boost
    equal to the times it was typed (outside phrases), which multiplies its score as BM25's qf does."""
    analyzer = schema[DEFAULT_FIELD].analyzer
    typed = Counter(token.text for token in analyzer(_QUOTED.sub(" ", text), mode="query"))
    for leaf in positive_leaves(q):
        if isinstance(leaf, wq.Term) and leaf.fieldname in ARTICLE_FIELDS and typed[leaf.text] > 1:
            leaf.boost *= typed[leaf.text]


def _walk(q: wq.Query):
    yield q
    for child in q.children():
        yield from _walk(child)


def positive_leaves(q: wq.Query) -> list[wq.Query]:
    """The words, phrases and patterns a matching article has (not those under NOT)."""
    if isinstance(q, wq.Not):
        return []
    if isinstance(q, wq.AndNot):
        return positive_leaves(q.a)
    if q.is_leaf():
        return [q]
    return [leaf for child in q.children() for leaf in positive_leaves(child)]


def _passage_query(article: wq.Query, keep_weights: bool = False) -> wq.Query | None:
    leaves, seen = [], set()
    for leaf in positive_leaves(article):
        if getattr(leaf, "fieldname", None) not in ARTICLE_FIELDS or is_null_query(leaf):
            continue
        moved = leaf.copy()
        moved.fieldname = PASSAGE_FIELD
        if not keep_weights:
            moved.boost = 1.0
        if repr(moved) not in seen:
            seen.add(repr(moved))
            leaves.append(moved)
    if not leaves:
        return None
    return leaves[0] if len(leaves) == 1 else wq.Or(leaves)
