""" "Did you mean": for a query that finds nothing or little, a corrected query from the index's own
vocabulary (Whoosh's spelling corrector over the body's terms), checked to find more before it is
offered."""

from __future__ import annotations

import itertools
import re

from whoosh import query as wq

from search.parse import ARTICLE_FIELDS

_WORD = re.compile(r"(?<![\w:])(?P<word>[^\W\d_][\w'’.-]*)(?![\w:])")
_OPERATORS = {"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"}
FEW = 3  # a query with fewer hits than this gets a suggestion if one finds more
MAX_TRIES = 12  # combinations of candidate corrections tried


def suggestion(query: str, searcher, found: int) -> str | None:
    """A corrected query that finds more than `found` articles, or None. Each word the index hardly
    knows gets its nearest index terms as candidates; the combination that finds most wins."""
    analyzer = searcher.schema["body"].analyzer
    reader = searcher.reader()
    corrector = searcher.corrector("body")
    pieces: list[list[str]] = []  # the query cut into words and what lies between, each with its options
    at = 0
    for match in _WORD.finditer(query):
        word = match.group("word")
        pieces.append([query[at : match.start()]])
        at = match.end()
        options = [word]
        if word not in _OPERATORS and not _quoted(query, match.start()):
            stems = [t.text for t in analyzer(word)]
            if len(stems) == 1 and _rare(reader, stems[0]):
                options = _candidates(word, stems[0], corrector, searcher) or [word]
        pieces.append(options)
    pieces.append([query[at:]])
    if all(len(options) == 1 and options[0] in query for options in pieces):
        return None
    best, best_count = None, found
    for combination in itertools.islice(itertools.product(*pieces), MAX_TRIES):
        text = "".join(combination)
        count = _count(searcher, text)
        if count > best_count and text != query:
            best, best_count = text, count
    return best


def _quoted(query: str, position: int) -> bool:
    return query[:position].count('"') % 2 == 1


def _rare(reader, stem: str) -> bool:
    return sum(reader.doc_frequency(field, stem) for field in ARTICLE_FIELDS) <= 1


def _candidates(word: str, stem: str, corrector, searcher) -> list[str]:
    """Up to three index terms at the fewest edits from the word (as typed, or its stem), written as
    articles write them. Whoosh's ReaderCorrector ranks by frequency alone, so each edit distance is
    asked for in turn."""
    for distance in (1, 2):
        found: list[str] = []
        for text in dict.fromkeys((word.lower(), stem)):
            found += [c for c in corrector.suggest(text, limit=3, maxdist=distance, prefix=1) if c != stem]
        if found:
            written = [_surface(term, searcher) or term for term in list(dict.fromkeys(found))[:3]]
            return [w.lower() for w in written] if word.islower() else written
    return []


def _surface(stem: str, searcher) -> str | None:
    """How the indexed term `stem` is written in the first article that holds it ("calderon" ->
    "Calderón")."""
    analyzer = searcher.schema["body"].analyzer
    for docnum in searcher.docs_for_query(wq.Term("body", stem)):
        body = searcher.stored_fields(docnum).get("body", "")
        for token in analyzer(body, chars=True):
            if token.text == stem:
                return body[token.startchar : token.endchar]
        break
    return None


def _count(searcher, text: str) -> int:
    from indexer.errors import QueryError
    from search.parse import parse_query

    try:
        parsed = parse_query(text, searcher.schema)
    except QueryError:
        return 0
    return searcher.search(parsed.article, limit=FEW * 10).scored_length()
