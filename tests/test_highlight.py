from newsgrep.search.highlight import MatchTerms, highlight_spans
from newsgrep.store.analysis import news_analyzer
from newsgrep.store.schema import build_schema

ANALYZER = news_analyzer()


def marked(text, words=(), phrases=()):
    terms = MatchTerms(frozenset(words), tuple(phrases))
    return [text[s:e] for s, e in highlight_spans(text, ANALYZER, terms)]


def test_stemmed_variants_are_marked():
    text = "Officials refused to negotiate; negotiations and negotiating continued."
    assert marked(text, {"negoti"}) == ["negotiate", "negotiations", "negotiating"]


def test_phrase_is_marked_as_one_span_stop_words_included():
    text = "A leader of La Familia, a cartel. Familia members said la."
    assert marked(text, phrases=[(("la", "familia"), 1)]) == ["La Familia"]
    # stop words are indexed: the phrase is the exact one, "of" included
    assert marked("Bank of America fell.", phrases=[(("bank", "of", "america"), 1)]) == ["Bank of America"]
    assert marked("Bank of America fell.", phrases=[(("bank", "america"), 1)]) == []


def test_phrase_words_apart_are_not_marked():
    assert marked("La gente de la Familia", phrases=[(("la", "familia"), 1)]) == ["la Familia"]
    assert marked("Familia La", phrases=[(("la", "familia"), 1)]) == []


def test_accents_fold_and_spans_index_the_original_text():
    text = "President Felipe Calderón spoke."
    spans = highlight_spans(text, ANALYZER, MatchTerms(frozenset({"calderon"}), ()))
    assert spans == [(17, 25)] and text[17:25] == "Calderón"


def test_schema_passage_field_uses_the_same_analyzer():
    assert build_schema()["body"].analyzer == ANALYZER
