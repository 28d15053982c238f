""" "Did you mean": for a query that finds nothing or little, a corrected query from the index's own
vocabulary (Whoosh's spelling corrector over the body's terms), checked to find more before it is
offered."""

from __future__ import annotations

import itertools
import re

from whoosh import query as wq

from newsgrep.errors import QueryError
from newsgrep.search.backend import Backend
from newsgrep.search.limits import LONGEST_WORD, Deadline, bound_query
from newsgrep.search.parse import parse_query
from newsgrep.search.settings import Ranking
from newsgrep.store.schema import ARTICLE_FIELDS, PASSAGE_FIELD

_WORD = re.compile(r"(?<![\w])(?P<word>[^\W\d_][\w'’.-]*)(?![\w:])")
_FIELD_BEFORE = re.compile(r"(?<![\w.])(\w+):$")
CORRECTED_FIELDS = ("title", "body")  # words after these (title:goverment) are corrected too
_OPERATORS = {"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"}


def suggestion(
    query: str, backend: Backend, found: int, ranking: Ranking, deadline: Deadline | None = None
) -> str | None:
    """A corrected query that finds more than `found` articles, or None. Each word the index hardly
    knows gets its nearest index terms as candidates; the combination that finds most wins (of those
    tried before `deadline`)."""
    analyzer = backend.schema[PASSAGE_FIELD].analyzer
    pieces: list[list[str]] = []  # the query cut into words and what lies between, each with its options
    at = 0
    known: dict[str, list[str]] = {}  # a word's candidates, looked for once however often it recurs
    for match in _WORD.finditer(query):
        word = match.group("word")
        pieces.append([query[at : match.start()]])
        at = match.end()
        options = [word]
        field = _FIELD_BEFORE.search(query[: match.start()])
        correctable = word not in _OPERATORS and len(word) <= LONGEST_WORD
        if correctable and (field is None or field.group(1) in CORRECTED_FIELDS):  # phrases too
            if word not in known and not (deadline is not None and deadline.passed()):  # each walks the terms
                stems = [t.text for t in analyzer(word)]
                rare = len(stems) == 1 and _rare(backend, stems[0])
                known[word] = (_candidates(word, stems[0], backend) if rare else []) or [word]
            options = known.get(word, [word])
        pieces.append(options)
    pieces.append([query[at:]])
    if all(len(options) == 1 and options[0] in query for options in pieces):
        return None
    cap = ranking.suggest_below * 10
    best, best_count = None, found
    for combination in itertools.islice(itertools.product(*pieces), ranking.suggest_tries):
        if deadline is not None and deadline.passed():
            break
        text = "".join(combination)
        count = _count(backend, text, cap, deadline)
        if count > best_count and text != query:
            best, best_count = text, count
    return best


def _rare(backend: Backend, stem: str) -> bool:
    return sum(backend.doc_frequencies(field, [stem])[stem] for field in ARTICLE_FIELDS) <= 1


def _candidates(word: str, stem: str, backend: Backend) -> list[str]:
    """Up to three index terms at the fewest edits from the word (as typed, or its stem), written as
    articles write them. Whoosh's ReaderCorrector ranks by frequency alone, so each edit distance is
    asked for in turn."""
    for distance in (1, 2):
        found: list[str] = []
        for text in dict.fromkeys((word.lower(), stem)):
            found += [
                c for c in backend.corrections(PASSAGE_FIELD, text, limit=3, maxdist=distance, prefix=1) if c != stem
            ]
        if found:
            written = [_surface(term, backend) or term for term in list(dict.fromkeys(found))[:3]]
            return [w.lower() for w in written] if word.islower() else written
    return []


def _surface(stem: str, backend: Backend) -> str | None:
    """How the indexed term `stem` is written in the first article that holds it ("calderon" ->
    "Calderón")."""
    article = backend.first_match(wq.Term(PASSAGE_FIELD, stem))
    if article is None:
        return None
    analyzer = backend.schema[PASSAGE_FIELD].analyzer
    for token in analyzer(article.body, chars=True):
        if token.text == stem:
            return article.body[token.startchar : token.endchar]
    return None


def _count(backend: Backend, text: str, cap: int, deadline: Deadline | None) -> int:
    try:
        parsed = parse_query(text, backend.schema)
    except QueryError:
        return 0
    seconds = None if deadline is None else deadline.left()
    return backend.count(bound_query(parsed.article, backend, deadline=deadline), cap, seconds)
