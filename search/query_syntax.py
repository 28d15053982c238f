"""The query syntax newsgrep adds to Whoosh's parser, as parser plugins (Whoosh's extension point):

- `+word` / `-word`, as Elasticsearch's simple_query_string: a word (or "phrase", or group) that must,
  or must not, be in an article. With the default AND every word is required anyway; with --or (and
  the any-word fallback) `+` keeps a word required while the others become optional.
- `a | b`: OR, as simple_query_string writes it.
- plain queries leave out stop words typed in lower case ("the", "of"): they are indexed (so phrases
  and a lone "us" work) but add nothing to a search for other words. A stop word typed with a capital
  ("US", "May", "Who"), in a phrase, after a field name or after `+`/`-` is kept, and so are the
  words of a query made of nothing else.
"""

from __future__ import annotations

from whoosh.qparser import OperatorsPlugin, PlusMinusPlugin, syntax
from whoosh.qparser.plugins import Plugin

from newsgrep.store.analysis import NewsWordFilter


class RequiredExcluded(PlusMinusPlugin):
    """Whoosh's PlusMinusPlugin, which is meant for OR queries: in an AND query it made the words without
    a sign optional (`+a b` matched articles without b). Here they stay required."""

    def __init__(self):
        # a sign only at the start of a word: "anti-war", "1-0" and "C++" keep theirs
        super().__init__(plusexpr=r"(?:(?<=^)|(?<=[\s(]))\+(?=[\w\"(])", minusexpr=r"(?:(?<=^)|(?<=[\s(]))-(?=[\w\"(])")

    def do_plusminus(self, parser, group):
        if not isinstance(group, syntax.AndGroup):
            return super().do_plusminus(parser, group)
        kept, banned = syntax.AndGroup(), syntax.OrGroup()
        sign = None
        for node in group:
            if isinstance(node, (self.Plus, self.Minus)):
                sign = node
                continue
            (banned if isinstance(sign, self.Minus) else kept).append(node)
            sign = None
        if not banned:
            return kept
        return syntax.AndNotGroup([kept, banned])


def or_bar() -> OperatorsPlugin:
    """Whoosh's operators with `|` as a second way to write OR."""
    from whoosh.qparser.plugins import OperatorsPlugin as Ops

    return Ops(Or=r"(?<=\s)(?:OR|\|)(?=\s)")


class PlainStopWords(Plugin):
    """Leaves the lower-case stop words out of a plain query that has other words to search for."""

    def __init__(self, words: NewsWordFilter):
        self.words = words

    def filters(self, parser):
        return [(self.drop_stop_words, 505)]  # after fields (100) and whitespace (500), before +/- (510)

    def drop_stop_words(self, parser, group):
        if any(isinstance(node, syntax.Operator) for node in group):
            return group  # a query with AND/OR/NOT is taken as written
        droppable = set()
        previous = None
        for number, node in enumerate(group):
            if (
                type(node) is syntax.WordNode
                and node.fieldname is None
                and node.text == node.text.lower()
                and self.words.is_stop(node.text)
                and not isinstance(previous, (RequiredExcluded.Plus, RequiredExcluded.Minus))
            ):
                droppable.add(number)
            previous = node
        content = [
            n for number, n in enumerate(group) if number not in droppable and not isinstance(n, syntax.MarkerNode)
        ]
        if not droppable or not content:
            return group
        return group.__class__([node for number, node in enumerate(group) if number not in droppable])


def add_news_syntax(parser, words: NewsWordFilter | None) -> None:
    """Adds newsgrep's syntax to a Whoosh QueryParser (`words`: the field's word filter, for stop words)."""
    parser.replace_plugin(or_bar())
    parser.add_plugin(RequiredExcluded())
    if words is not None:
        parser.add_plugin(PlainStopWords(words))


def word_filter(schema, fieldname: str) -> NewsWordFilter | None:
    """The NewsWordFilter of a field's analyzer (None if it has none)."""
    analyzer = schema[fieldname].analyzer
    for item in getattr(analyzer, "items", [analyzer]):
        if isinstance(item, NewsWordFilter):
            return item
    return None
