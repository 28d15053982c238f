import datetime as dt

from newsgrep.formats import json as json_format
from newsgrep.formats.records import RawRecord
from newsgrep.indexer.extract import extract
from newsgrep.indexer.passages import MAX_CHARS, sentence_spans, split_passages
from tests.conftest import CORPUS


def _text_record(text: str) -> RawRecord:
    return RawRecord("/x/a.txt", "", text, {}, "/x")


def test_wikinews_header_gives_title_date_and_source():
    path = CORPUS / "wikinews" / "wikinews-100018.txt"
    article = extract(_text_record(path.read_text()))
    assert article.title == "Sarkisian wins Armenian presidential elections"
    assert article.date == dt.datetime(2008, 2, 20)
    assert article.source == "wikinews"
    assert article.paragraphs[0].startswith("Armenia Prime Minister Serzh Sargsyan")


def test_json_record_fields_are_mapped():
    feed = {
        "headline": "Pact offer",
        "body": "First para.\n\nSecond para.",
        "published": "2009-07-16T10:37:00Z",
        "url": "https://www.bbc.co.uk/news/x",
        "author": "A Reporter",
    }
    [record] = json_format.records("/x/f.jsonl", [("7", feed)], [], single=False)
    article = extract(record)
    assert (article.title, article.source, article.byline) == ("Pact offer", "bbc", "A Reporter")
    assert article.key == "https://www.bbc.co.uk/news/x"  # the record's own id field (its URL) is its key
    assert article.date == dt.datetime(2009, 7, 16)  # dates are days
    assert article.paragraphs == ["First para.", "Second para."]


def test_control_characters_and_escape_sequences_are_removed():
    article = extract(_text_record("Title\x1b[31m red\n\nBody \x07with\x1b]0;pwned\x07 bells."))
    assert "\x1b" not in article.title + article.body
    assert "\x07" not in article.body


def test_sentences_do_not_break_at_abbreviations_or_decimals():
    text = 'The U.S. Embassy said growth hit 3.5% in Jan. 2009. Mr. Smith left. "Yes." He said.'
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The U.S. Embassy said growth hit 3.5% in Jan. 2009.",
        "Mr. Smith left.",
        '"Yes."',
        "He said.",
    ]


def test_passages_are_paragraph_aligned_slices_of_the_body():
    path = CORPUS / "seeds" / "mexico-vows-never-to-cut-deals.txt"
    article = extract(_text_record(path.read_text()))
    passages = split_passages(article)
    assert len(passages) > 3
    body = article.body
    paragraph_starts = {0} | {i + 2 for i in range(len(body)) if body.startswith("\n\n", i)}
    for passage in passages:
        assert passage.text == body[passage.start : passage.end]
        assert passage.start in paragraph_starts or body[passage.start - 1] == " "
        assert len(passage.text) <= MAX_CHARS or "\n\n" not in passage.text
    # every sentence of the body is in some passage, in order
    assert passages[0].start == 0
    assert passages[-1].end == len(body)
    assert all(a.end < b.start for a, b in zip(passages, passages[1:], strict=False))


def test_passage_position_ranges_agree_with_the_index(built):
    """Passages are scored from the body's postings: each word's indexed positions must fall in the
    position range of the passage whose text holds it."""
    from whoosh import index as whoosh_index

    from newsgrep.store.layout import IndexDir, whoosh_path

    ix = whoosh_index.open_dir(str(whoosh_path(IndexDir(built).current())))
    analyzer = ix.schema["body"].analyzer
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for docnum in list(reader.all_doc_ids())[:8]:
            fields = reader.stored_fields(docnum)
            body = fields["body"]
            stored = fields["passages"]
            for number, (start, end, first, length) in enumerate(stored):
                following = stored[number + 1][2] if number + 1 < len(stored) else float("inf")
                assert length == sum(1 for t in analyzer(body[start:end]) if not t.stop_word)  # no stop words
                words = {t.text for t in analyzer(body[start:end])}
                for word in list(words)[:5]:
                    matcher = reader.postings("body", word)
                    matcher.skip_to(docnum)
                    inside = [p for p in matcher.value_as("positions") if first <= p < following]
                    expected = sum(1 for t in analyzer(body[start:end]) if t.text == word)
                    assert len(inside) == expected, (word, start)
