"""When a misspelt word matches only by its stem: "goverment" is stemmed as "governess" is ("gover"),
so it finds the article about a governess, and "did you mean: government" comes too late. A query
whose few hits hold none of a word as it was typed (only other words of its stem), and whose
suggestion finds more, is searched as corrected instead, and the result says so (as search engines
show "results for ..."). A word in quotes is taken as typed, never corrected."""

from __future__ import annotations

import re

from whoosh.support.charset import accent_map

from newsgrep.search.results import SearchResult
from newsgrep.store.schema import StoredArticle

_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r'"[^"]*"')
_FIELD_VALUE = re.compile(r"(?<![\w.])\w+:\S*")


def typed_words(query: str) -> set[str]:
    """The plain words of a query (not quoted, not field values, not operators), folded."""
    bare = _FIELD_VALUE.sub(" ", _QUOTED.sub(" ", query))
    return {w.lower().translate(accent_map) for w in _WORD.findall(bare) if w not in ("AND", "OR", "NOT")}


def matched_by_stem_only(result: SearchResult, articles: list[StoredArticle]) -> bool:
    """Whether some word of the query, as typed, is in none of these articles (their hits came by a
    shared stem, or by other words)."""
    words = typed_words(result.query)
    if not words or not articles:
        return False
    present: set[str] = set()
    for article in articles:
        text = f"{article.title}\n{article.body}".lower().translate(accent_map)
        present.update(w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text))
    return bool(words - present)
