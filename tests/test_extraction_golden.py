"""Golden tests: the fields and body extracted from real and fixture articles."""

import datetime as dt
import importlib.util
import json

import pytest

from newsgrep import open_index
from newsgrep.indexer.build import build_index
from newsgrep.indexer.extract import extract
from newsgrep.indexer.records import SourceFile
from newsgrep.indexer.sources import raw_records, read_bytes
from tests.conftest import CORPUS, SEEDS, needs_shared, search

FIXTURES = CORPUS.parent / "tests" / "fixtures"
FURNITURE = ["housing bubble", "Print Sponsor", "Sign in", "BBC navigation", "Copyright", "best viewed", "Asia Pacific"]


def _articles(path, root=None):
    source = SourceFile(str(path), str(root or path.parent), 0, 0)
    skips = []
    found = []
    for record in raw_records(source, read_bytes(str(path)), skips):
        try:
            found.append(extract(record, root=source.root))
        except Exception as exc:  # noqa: BLE001 - collected as the record's skip reason
            skips.append(exc)
    return found, skips


def test_bbc_seed_fields_and_clean_body():
    [article], _ = _articles(SEEDS / "bbc-mexico-rejects-drug-gang-deal.txt", CORPUS)
    assert article.title == "Mexico rejects any drug gang deal"
    assert article.date == dt.datetime(2009, 7, 16)
    assert article.source == "BBC"
    for furniture in FURNITURE + ["Page last updated"]:
        assert furniture not in article.body, furniture
    assert "La Familia" in article.body
    assert article.body.rstrip().endswith("the crackdown on the cartels would continue.")


def test_voa_seed_title_is_exactly_its_headline():
    [article], _ = _articles(SEEDS / "mexico-vows-never-to-cut-deals.txt", CORPUS)
    assert article.title == "Mexico Vows Never to Cut Deals With Drug Lords"
    assert article.date is None  # the page states none: nothing is guessed
    assert article.source is None  # "corpus" is no outlet
    assert article.paragraphs[0].startswith("The Mexican government is vowing")
    assert "La Familia" in article.body


def test_html_page_fields_from_metadata_and_body_without_navigation():
    [article], _ = _articles(FIXTURES / "andes-herald-quake.html")
    assert article.title == "Quake shakes Chilean capital"
    assert (article.date, article.source, article.byline) == (
        dt.datetime(2010, 2, 27),
        "The Andes Herald",
        "Maria Lopez",
    )
    assert article.paragraphs[0].startswith("A powerful earthquake struck central Chile")
    for furniture in ["Most read", "Ten tips", "Privacy policy", "Copyright", "Home"]:
        assert furniture not in article.body


def test_jsonl_feed_records_with_common_field_names():
    articles, skips = _articles(FIXTURES / "wire-feed.jsonl")
    first, second = articles
    assert (first.title, first.date, first.source, first.byline, first.key) == (
        "Copper prices hit two-year high",
        dt.datetime(2010, 3, 2),
        "Andes Wire",
        "Pedro Ruiz",
        "w-101",
    )
    assert first.paragraphs == [
        "Copper prices rose to their highest level in two years on Tuesday as mines in Chile reported strikes.",
        "Traders said stocks in London warehouses had fallen for a sixth week.",
    ]
    assert (second.source, second.date) == ("andeswire", dt.datetime(2010, 3, 1))
    assert [(s.path.rsplit(":", 1)[1], s.reason) for s in skips] == [
        (key, "no text field (looked for text, body, content, article, story, description, summary)")
        for key in ("w-103", "w-104")
    ]


def test_bbc_corpus_article():
    bbc = needs_shared("corpora", "bbc")
    [article], _ = _articles(bbc / "business" / "001.txt", bbc)
    assert article.title == "Ad sales boost Time Warner profit"
    assert article.source == "bbc"  # the folder the user indexed
    assert article.date is None
    assert article.paragraphs[0].startswith("Quarterly profits at US media giant TimeWarner jumped 76%")


@pytest.mark.slow
def test_reuters_record_from_the_prepared_feed(tmp_path):
    tool = needs_shared("tools", "prepare_corpora.py")
    spec = importlib.util.spec_from_file_location("prepare_corpora", tool)
    prepare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(prepare)
    prepare.prepare_reuters(tmp_path / "reuters")
    feed = tmp_path / "reuters" / "reut2-000.jsonl"
    first = json.loads(feed.read_text().splitlines()[0])
    articles, _ = _articles(feed, tmp_path / "reuters")
    article = next(a for a in articles if a.key == first["id"])
    assert article.title == "BAHIA COCOA REVIEW"
    assert article.date == dt.datetime(1987, 2, 26)
    assert article.source == "reuters"
    assert article.paragraphs[0].startswith("Showers continued throughout the week in the Bahia cocoa zone")
    assert article.paragraphs[1] == "The dry period means the temporao will be late this year."  # hard wraps undone


@pytest.fixture
def seeds_index(tmp_path):
    root = tmp_path / "corpus"
    (root / "seeds").mkdir(parents=True)
    for path in SEEDS.iterdir():
        (root / "seeds" / path.name).write_bytes(path.read_bytes())
    build_index([str(root)], tmp_path / "ix")
    return tmp_path / "ix"


def test_searching_furniture_finds_nothing_in_the_seeds(seeds_index):
    assert not search("housing bubble", seeds_index).hits
    assert not search('"BBC navigation"', seeds_index).hits
    assert not search("Print Sponsor", seeds_index).hits
    assert len(search('"La Familia"', seeds_index, collapse=False).hits) == 2


def test_title_phrase_gives_the_bbc_seed_with_date_and_source(seeds_index):
    [hit] = search('title:"drug gang"', seeds_index).hits
    record = hit.to_dict()
    assert (record["title"], record["date"], record["source"]) == (
        "Mexico rejects any drug gang deal",
        "2009-07-16",
        "BBC",
    )
    assert search("source:bbc", seeds_index).hits[0].id == hit.id


def test_date_filters(seeds_index):
    assert [h.title for h in search("cartel date:2009-07", seeds_index).hits] == ["Mexico rejects any drug gang deal"]
    assert search("cartel", seeds_index, since="2009-07-16", until="2009-07-16").hits
    assert not search("cartel", seeds_index, since="2009-07-17").hits
    assert not search("cartel", seeds_index, until="2009-06").hits


def test_show_returns_what_was_indexed(seeds_index):
    hit = search('title:"drug gang"', seeds_index).hits[0]
    with open_index(seeds_index) as searcher:
        [stored] = searcher.articles(hit.id)
        in_file = searcher.articles(hit.path)
    assert (stored.title, stored.source) == ("Mexico rejects any drug gang deal", "BBC")
    assert "housing bubble" not in stored.body and stored.passages >= 3
    assert [a.id for a in in_file] == [hit.id]
