"""The text analyzer shared by indexing and searching: tokens, lower case, accents folded, stop words, stems.

It is pickled into the index's schema, so the names here are part of the index format: renaming or
moving them makes old indexes unreadable (bump `schema.SCHEMA_VERSION` when they change).
"""

from __future__ import annotations

from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.support.charset import accent_map


class SnowballStemFilter(Filter):
    """Stems tokens with PyStemmer's C Snowball stemmer (Whoosh's own stemmer is pure Python and slow)."""

    is_morph = True

    def __init__(self, language: str = "english"):
        self.language = language
        self._stem = None

    def __getstate__(self):
        return {"language": self.language}

    def __setstate__(self, state):
        self.language = state["language"]
        self._stem = None

    def __eq__(self, other):
        return type(other) is type(self) and other.language == self.language

    def __hash__(self):
        return hash((type(self), self.language))

    def __call__(self, tokens):
        stem = self._stem
        if stem is None:
            import Stemmer

            stem = self._stem = Stemmer.Stemmer(self.language).stemWord
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


def news_analyzer():
    """Words (with inner dots, as in "U.S." and "3.5"), lower-cased, accents folded, stop words out, stemmed."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(minsize=2)
        | SnowballStemFilter("english")
    )


def name_analyzer():
    """For names (sources, outlets): words lower-cased and accents folded, no stemming, no stop words."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
