"""The bulk segment writer writes the same segment files as Whoosh's SegmentWriter, byte for byte, for the
documents the indexer makes, and an index built with it answers every kind of search the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from newsgrep.indexer import sources
from newsgrep.indexer.documents import add_articles
from newsgrep.indexer.extract import NoArticle, extract
from newsgrep.store import bulk_segment, whoosh_internals
from newsgrep.store.analysis import news_analyzer
from newsgrep.store.bulk_segment import WRITER_SETTING, BulkSegmentWriter
from newsgrep.store.schema import build_schema, document_fields
from tests.conftest import CORPUS, needs_shared, search


class _Recorder:
    """Takes the documents the indexer gives a Whoosh writer."""

    def __init__(self):
        self.documents: list[dict] = []

    def add_document(self, **fields):
        self.documents.append(fields)


def _documents(root: Path, limit: int | None = None) -> list[dict]:
    """The `add_document` arguments the indexer makes for the articles under `root`."""
    skips: list = []
    articles = []
    for source in sources.find_files(str(root), skips):
        for record in sources.raw_records(source, sources.read_bytes(source.path), skips):
            try:
                articles.append(extract(record, None, source.root))
            except NoArticle:
                continue
        if limit is not None and len(articles) >= limit:
            break
    recorder = _Recorder()
    add_articles(recorder, articles[:limit], news_analyzer())
    return recorder.documents


def _segment_files(folder: Path, segment) -> dict[str, bytes]:
    """A segment's files by what follows the segment's name (".pst", ".trm", "._stored.col", ...)."""
    prefix = segment.make_filename("")
    return {path.name[len(prefix) :]: path.read_bytes() for path in folder.iterdir() if path.name.startswith(prefix)}


def _assert_same_segments(folder: Path, documents: list[dict]) -> None:
    ix = FileStorage(str(folder)).create_index(build_schema())
    whoosh = whoosh_internals.segment_writer(ix, limitmb=64, compound=False)
    for fields in documents:
        whoosh.add_document(**fields)
    expected = whoosh_internals.finalize_segment(whoosh)
    bulk = BulkSegmentWriter(ix)
    for fields in documents:
        bulk.add_document(**fields)
    written = bulk.finish()
    assert written.doc_count_all() == expected.doc_count_all() == len(documents)
    assert written._fieldlengths == expected._fieldlengths  # the table of contents' field lengths
    want, got = _segment_files(folder, expected), _segment_files(folder, written)
    assert sorted(got) == sorted(want)
    for ending in sorted(want):
        assert got[ending] == want[ending], f"{ending}: {len(got[ending])} bytes, Whoosh's {len(want[ending])}"


@pytest.mark.parametrize("chunk", [None, pytest.param(1_000, marks=pytest.mark.slow)])
def test_bulk_segment_equals_whooshs_on_the_bundled_corpus(tmp_path, monkeypatch, chunk):
    """(and with the posting values made 1,000 postings at a time, as a big segment makes them)"""
    if chunk is not None:
        monkeypatch.setattr(bulk_segment, "_VALUE_CHUNK", chunk)
    documents = _documents(CORPUS)
    assert len(documents) > 150
    _assert_same_segments(tmp_path, documents)


def _document(number: int, words: list[str], **extra) -> dict:
    fields = document_fields(
        article_id=f"a{number}",
        file=f"/news/{number}.txt",
        path=f"/news/{number}.txt",
        key="",
        title=extra.pop("title", f"Headline {number}"),
        titled=extra.pop("titled", True),
        words=words,
        body=" ".join(words),
        passages=[],
        terms=[],
        date=extra.pop("date", None),
        source=extra.pop("source", None),
        byline=extra.pop("byline", None),
        url=extra.pop("url", None),
        crawled=extra.pop("crawled", None),
    )
    assert not extra
    return fields


def test_bulk_segment_equals_whooshs_on_awkward_documents(tmp_path):
    """Stop words only (no length), empty fields, a word repeated past pickle's batches of 1,000,
    positions past 255 and 65,535 (pickle's three integer widths), a term in more than one block of
    128, weights that differ within a block, names with accents, dates, several blocks' worth of ids."""
    documents = [
        _document(0, ["the", "of", "and"], titled=False, title=""),
        _document(1, [], title=""),
        _document(2, ["repeat"] * 1_500 + ["the"] * 3 + ["common"], source="Le Monde", byline="José Ñandú"),
        _document(3, [f"w{i % 900}" for i in range(70_000)] + ["common", "zoë", "café"], date=dt.datetime(2024, 2, 29)),
    ]
    for number in range(4, 400):
        words = ["common"] * (1 + number % 3) + ["the", f"rare{number}", "naïve", "us"] + ["common"] * (number % 2)
        documents.append(
            _document(
                number,
                words,
                date=dt.datetime(2000 + number % 20, 1 + number % 12, 1 + number % 28),
                source=["BBC", "Reuters", "Süddeutsche Zeitung"][number % 3],
                url=f"https://example.org/{number}" if number % 2 else None,
                crawled=dt.datetime(2025, 1, 1) if number % 5 == 0 else None,
            )
        )
    _assert_same_segments(tmp_path, documents)


@pytest.mark.slow
def test_bulk_segment_equals_whooshs_on_bbc_news(tmp_path):
    """2,225 BBC articles: long bodies, non-ASCII text (one file is not UTF-8)."""
    documents = _documents(needs_shared("corpora", "bbc"))
    assert len(documents) > 2_000
    _assert_same_segments(tmp_path, documents)


QUERIES = [
    "election",
    "minister",
    "police",
    "oil prices",
    "prime minister",
    '"prime minister"',
    "election OR vote",
    "war -iraq",
    "government AND NOT budget",
    "comput*",
    "elect*",
    "nasa~",
    "title:election",
    "title:president",
    "source:wikinews",
    "body:police",
    "the",
    "the who",
    '"to be"',
    "us",
    "may",
    "date:2007",
    "date:[2007 to 2008]",
    "space station",
    "football",
    "mexico",
    "drug gang",
    "court ruling",
    "earthquake",
    "climate change",
    "stock market",
    "university students",
    "health OR hospital OR doctor",
    '"united states" president',
    "protest*",
    "zimbabwe",
]


def _answers(index_dir: Path) -> list:
    answers = []
    for query in QUERIES:
        for operator in ("and", "or"):
            result = search(query, index_dir, limit=10, operator=operator)
            answers.append(
                (
                    query,
                    operator,
                    result.total,
                    [
                        (
                            hit.id,
                            round(hit.score, 9),
                            hit.title_highlights,
                            [(p.text, p.highlights, p.number, round(p.score, 9)) for p in hit.passages],
                        )
                        for hit in result.hits
                    ],
                )
            )
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2])
def test_an_index_built_in_bulk_answers_as_one_built_by_whoosh(tmp_path, monkeypatch, processes):
    """The same searches (words, phrases, wildcards, fuzzy, fields, dates, OR, NOT, stop words) give the
    same articles, scores, passages and highlights, in this process and in the worker processes."""
    from newsgrep.indexer.build import build_index

    answers = {}
    for writer in ("whoosh", "bulk"):
        monkeypatch.setenv(WRITER_SETTING, writer)
        index_dir = tmp_path / writer
        build_index([str(CORPUS)], index_dir, processes=processes)
        answers[writer] = _answers(index_dir)
    assert sum(len(hits) for *_, hits in answers["bulk"]) > 200
    assert answers["bulk"] == answers["whoosh"]


@pytest.mark.slow
def test_bulk_segments_start_a_new_segment_past_their_words_and_answer_the_same(tmp_path):
    """Memory stays bounded: past `max_words` words the segment is written and a new one begun; the
    index of those segments scores every word as one segment written by Whoosh."""
    from whoosh import query as wq

    from newsgrep.store.bulk_segment import BulkSegments
    from newsgrep.store.schema import F

    documents = _documents(CORPUS)
    answers = []
    for writer in ("whoosh", "bulk"):
        folder = tmp_path / writer
        folder.mkdir()
        ix = FileStorage(str(folder)).create_index(build_schema())
        if writer == "bulk":
            segments = BulkSegments(ix, max_words=20_000)
            for fields in documents:
                segments.add_document(**fields)
            written = segments.finish()
            assert len(written) > 3 and sum(s.doc_count_all() for s in written) == len(documents)
        else:
            whoosh = whoosh_internals.segment_writer(ix, compound=False)
            for fields in documents:
                whoosh.add_document(**fields)
            written = [whoosh_internals.finalize_segment(whoosh)]
        whoosh_internals.commit_with(ix.writer(), written)
        with ix.searcher() as searcher:
            words = sorted(searcher.lexicon(F.BODY))[::50]
            answers.append([[(h.docnum, h.score) for h in searcher.search(wq.Term(F.BODY, w))] for w in words])
    assert len(answers[0]) > 50
    assert [[d for d, _ in hits] for hits in answers[1]] == [[d for d, _ in hits] for hits in answers[0]]
    for mine, theirs in zip(answers[1], answers[0], strict=True):
        assert [s for _, s in mine] == pytest.approx([s for _, s in theirs], rel=1e-12)
