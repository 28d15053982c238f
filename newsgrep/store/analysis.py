"""The text analyzer shared by indexing and searching: tokens, lower case, accents folded, stop words, stems.

It is pickled into the index's schema, so the names here are part of the index format: renaming or
moving them makes old indexes unreadable (bump `newsgrep.store.schema.SCHEMA_VERSION` when they change).
"""

from __future__ import annotations

from whoosh.analysis import STOP_WORDS, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map

_CACHE_LIMIT = 500_000


class NewsWordFilter(Filter):
    """Lower case, accents folded, stop words, Snowball stems: Whoosh's LowercaseFilter, CharsetFilter,
    StopFilter (positions renumbered the same way) and a stemmer in one pass, memoised per word.

    One filter instead of four generators, and PyStemmer's C Snowball instead of Whoosh's pure-Python
    stemmer: analysis is most of the indexing time.
    """

    is_morph = True

    def __init__(self, language: str = "english", stoplist=STOP_WORDS, minsize: int = 2):
        self._setup(language, stoplist, minsize)

    def _setup(self, language: str, stoplist, minsize: int) -> None:
        self.language = language
        self.stops = frozenset(stoplist)
        self.min = minsize
        self._words: dict[str, str | None] = {}

    def __getstate__(self):
        return {"language": self.language, "stops": sorted(self.stops), "min": self.min}

    def __setstate__(self, state):
        self._setup(state["language"], state["stops"], state["min"])

    def __eq__(self, other):
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def __hash__(self):
        return hash((type(self), self.language, self.min))

    def _word(self, text: str) -> str | None:
        """The indexed form of a token, or None for a stop word."""
        folded = text.lower().translate(accent_map)
        if len(folded) < self.min or folded in self.stops:
            return None
        if not hasattr(self, "_stem"):
            import Stemmer

            self._stem = Stemmer.Stemmer(self.language).stemWord
        return self._stem(folded)

    def __call__(self, tokens):
        words = self._words
        pos = None
        for t in tokens:
            text = t.text
            try:
                word = words[text]
            except KeyError:
                if len(words) > _CACHE_LIMIT:
                    words.clear()
                word = words[text] = self._word(text)
            if word is not None:
                if t.positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.text = word
                t.stopped = False
                yield t
            elif not t.removestops:
                t.text = text.lower().translate(accent_map)
                t.stopped = True
                yield t


def news_analyzer():
    """Words (with inner dots, as in "U.S." and "3.5"), lower-cased, accents folded, stop words out, stemmed."""
    return RegexTokenizer() | NewsWordFilter("english")


def name_analyzer():
    """For names (sources, outlets): words lower-cased and accents folded, no stemming, no stop words."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
