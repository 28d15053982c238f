"""The indexer's lean way through the analyzer gives exactly the analyzer's tokens."""

from __future__ import annotations

import pytest

from newsgrep.store.analysis import analysed_words, name_analyzer, news_analyzer
from tests.conftest import CORPUS, needs_shared

AWKWARD = [
    "",
    "U.S. growth of 3.5% in Q3... Nam's don't I'm a",
    "Café naïve ZOË Ärger straße İstanbul ﬁne",
    "The being of the Who; to be or not to be, TBD * star*dust 2*3",
    "x" * 50 + " a.b.c. ..dots.. __under_score__ 123,456.78",
]


def _slow(analyzer, text):
    return [(t.text, t.startchar, t.stop_word) for t in analyzer(text, chars=True)]


def test_analysed_words_are_the_analyzers_tokens():
    analyzer = news_analyzer()
    texts = AWKWARD + [path.read_text(encoding="utf-8") for path in sorted(CORPUS.rglob("*.txt"))]
    assert len(texts) > 150
    for text in texts:
        assert analysed_words(news_analyzer(), text) == _slow(analyzer, text)


def test_other_analyzers_go_through_whoosh():
    analyzer = name_analyzer()
    text = "Le Monde, Süddeutsche Zeitung"
    assert analysed_words(analyzer, text) == [(t.text, t.startchar, False) for t in analyzer(text, chars=True)]


@pytest.mark.slow
def test_analysed_words_are_the_analyzers_tokens_on_bbc_news():
    analyzer = news_analyzer()
    paths = sorted(needs_shared("corpora", "bbc").rglob("*.txt"))
    assert len(paths) > 2_000
    for path in paths:
        text = path.read_bytes().decode("utf-8", "replace")
        assert analysed_words(news_analyzer(), text) == _slow(analyzer, text), path
