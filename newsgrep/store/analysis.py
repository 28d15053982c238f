"""The text analyzer shared by indexing and searching: tokens, lower case, accents folded, stems.

Every word is indexed, stop words included (with their positions), so that phrases such as "The Who"
or "to be or not to be" match exactly and a lone "US" or "May" finds articles. Stop-word tokens carry
`stop_word = True` (not Whoosh's `stopped`, which would keep them out of the index) so that what only
content words should feed (key terms, near-duplicate signatures, lengths) can leave them out. Whether
a plain query ignores them is the query parser's business (newsgrep.search.query_syntax).

It is pickled into the index's schema, so the names here are part of the index format: renaming or
moving them makes old indexes unreadable (bump `newsgrep.store.schema.SCHEMA_VERSION` when they change).
"""

from __future__ import annotations

from whoosh.analysis import STOP_WORDS, CharsetFilter, Filter, LowercaseFilter, RegexTokenizer
from whoosh.formats import Positions
from whoosh.support.charset import accent_map

_CACHE_LIMIT = 500_000


class NewsWordFilter(Filter):
    """Lower case, accents folded, Snowball stems: Whoosh's LowercaseFilter, CharsetFilter and a stemmer
    in one pass, memoised per word. Stop words are kept (marked `stop_word`) unless `index_stops` is
    False, when they are dropped and the positions renumbered as Whoosh's StopFilter does. Other words
    shorter than `minsize` are dropped the same way: the "s" of "Nam's" and the "t" of "don't" (indexed,
    they cost 0.003 nDCG@10 on TIME, where possessives are common in queries), and single letters.

    One filter instead of four generators, and PyStemmer's C Snowball instead of Whoosh's pure-Python
    stemmer: analysis is most of the indexing time.
    """

    is_morph = True

    def __init__(self, language: str = "english", stoplist=STOP_WORDS, minsize: int = 2, index_stops: bool = True):
        self._setup(language, stoplist, minsize, index_stops)

    def _setup(self, language: str, stoplist, minsize: int, index_stops: bool) -> None:
        self.language = language
        self.stops = frozenset(stoplist)
        self.min = minsize
        self.index_stops = index_stops
        self._words: dict[str, tuple[str, bool] | None] = {}

    def __getstate__(self):
        return {
            "language": self.language,
            "stops": sorted(self.stops),
            "min": self.min,
            "index_stops": self.index_stops,
        }

    def __setstate__(self, state):
        self._setup(state["language"], state["stops"], state["min"], state.get("index_stops", False))

    def __eq__(self, other):
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def __hash__(self):
        return hash((type(self), self.language, self.min))

    def is_stop(self, word: str) -> bool:
        """Whether a word (as typed or as indexed) is a stop word."""
        return word.lower().translate(accent_map) in self.stops

    def _word(self, text: str) -> tuple[str, bool] | None:
        """The indexed form of a token and whether it is a stop word, or None when it is not indexed."""
        folded = text.lower().translate(accent_map)
        stop = folded in self.stops
        if (stop and not self.index_stops) or (len(folded) < self.min and not stop):
            return None
        if stop:
            return folded, True  # as written: a stop word is its own term
        if not hasattr(self, "_stem"):
            import Stemmer

            self._stem = Stemmer.Stemmer(self.language).stemWord
        stem = self._stem(folded)
        # "being" stems to "be", a stop word: it keeps its own form, or it would share the stop word's
        # term (its idf, and lengths that leave stop words out).
        return (folded if stem in self.stops else stem), False

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
                t.text, t.stop_word = word
                t.stopped = False
                yield t
            elif not t.removestops:
                t.text = text.lower().translate(accent_map)
                t.stopped = True
                yield t


def analysed_words(analyzer, text: str) -> list[tuple[str, int, bool]]:
    """(word, start character, stop word) of each token `analyzer(text, chars=True)` yields: for
    news_analyzer, its tokenizer's pattern run by `finditer` and each distinct token through
    NewsWordFilter's memo, without Whoosh's Token object and generators for every word."""
    items: list = list(getattr(analyzer, "items", []))
    if len(items) != 2 or type(items[0]) is not RegexTokenizer or items[0].gaps or type(items[1]) is not NewsWordFilter:
        return [(t.text, t.startchar, getattr(t, "stop_word", False)) for t in analyzer(text, chars=True)]
    words_filter = items[1]
    memo, word = words_filter._words, words_filter._word
    found = []
    for match in items[0].expression.finditer(text):
        token = match.group()
        try:
            indexed = memo[token]
        except KeyError:
            if len(memo) > _CACHE_LIMIT:
                memo.clear()
            indexed = memo[token] = word(token)
        if indexed is not None:
            found.append((indexed[0], match.start(), indexed[1]))
    return found


def news_analyzer():
    """Every word (with inner dots, as in "U.S." and "3.5"), lower-cased, accents folded, stemmed; stop words
    kept and marked `stop_word`."""
    return RegexTokenizer() | NewsWordFilter("english")


def name_analyzer():
    """For names (sources, outlets): words lower-cased and accents folded, no stemming, no stop words."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


class ContentLengthPositions(Positions):
    """Whoosh's Positions format (each word's positions in a field, for phrases), except that a field's
    length, which BM25 normalises by, counts the words that are not stop words: indexing stop words
    must not make every article longer in the ranking's eyes. Whoosh adds up the frequencies
    `word_values` reports into the length and uses the weights to score, so a stop word (whose term is
    the word itself, see NewsWordFilter) reports frequency 0 and its weight."""

    def __init__(self, field_boost: float = 1.0, stoplist=STOP_WORDS, **options):
        super().__init__(field_boost=field_boost, **options)
        self.stop_stems = frozenset(stoplist)

    def word_values(self, value, analyzer, **kwargs):
        stops = self.stop_stems
        for word, frequency, weight, encoded in super().word_values(value, analyzer, **kwargs):
            yield word, 0 if word in stops else frequency, weight, encoded
