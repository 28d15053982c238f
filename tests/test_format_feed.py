"""RSS and Atom feeds (newsgrep.formats.feed): golden feeds, sniffing .xml files, broken and hostile feeds."""

import datetime as dt

import pytest

from newsgrep import formats
from newsgrep.formats import feed
from newsgrep.formats.records import SkipFile
from tests import format_builders as b
from tests.conftest import bounded


def read(data, path="/feeds/wikinews.rss"):
    skips = []
    return formats.read_records(path, data, skips), skips


def test_rss_golden(arts):
    records, skips = read(b.rss(arts))
    assert not skips
    assert [r.key for r in records] == [a.url for a in arts]
    first = records[0]
    assert first.fields == {
        "title": arts[0].title,
        "date": dt.datetime(2008, 2, 20, 10, 37),  # pubDate as written (+0100), offset dropped
        "byline": "Reporter 0",
        "url": arts[0].url,
        "source": "wikinews",
    }
    assert first.site == "/feeds/wikinews.rss#wikinews"
    # the fullest text: content:encoded (not the truncated description), one paragraph a line, no script
    assert [r.text.split("\n") for r in records] == [a.paragraphs for a in arts]
    assert "alert" not in records[0].text
    assert "Chi\u015fin\u0103u" in records[2].text


def test_atom_golden(arts):
    records, skips = read(b.atom(arts), path="/feeds/wikinews.atom")
    assert not skips
    assert [r.key for r in records] == [a.url for a in arts]
    assert records[1].fields == {
        "title": arts[1].title,  # a type="html" title: its markup reduced, entities decoded
        "date": dt.datetime(2006, 9, 27, 23, 30),  # published (not updated), the day the feed wrote
        "byline": "Author A1, Author B1",
        "url": arts[1].url,
        "source": "wikinews",
    }
    assert [r.text.split("\n") for r in records] == [a.paragraphs for a in arts]


def test_item_source_element_and_key_fallbacks():
    data = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Aggregator</title>
    <item><title>One</title><link>https://news.google.com/articles/1</link>
      <source url="https://www.reuters.com">Reuters</source>
      <description>Text one.</description></item>
    <item><title>Two</title><guid isPermaLink="false">id-2</guid>
      <description>Text &lt;b&gt;two&lt;/b&gt;.</description></item>
    <item><title>Three</title><description>No link, no guid.</description><author>desk@example.org</author></item>
    <item><title>Four</title><link>https://news.google.com/articles/1</link>
      <description>Same link again.</description></item>
    <item><description></description></item>
    </channel></rss>"""
    records, skips = read(data, path="/f/agg.xml")
    assert [r.key for r in records] == [
        "https://news.google.com/articles/1",
        "id-2",
        "item 3",
        "https://news.google.com/articles/1 (4)",
    ]
    assert records[0].fields["source"] == "Reuters"
    assert records[1].fields["source"] == "Aggregator" and records[1].text == "Text two."
    assert "byline" not in records[2].fields  # an address alone is not a byline
    assert [(s.path, s.reason) for s in skips] == [("/f/agg.xml:item 5", "feed item with neither title nor text")]


def test_rss_1_0_and_summary_only():
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://x.org/"><title>X</title><link>https://x.org/</link><description>d</description></channel>
<item rdf:about="https://www.x.org/a"><title>A title</title><link>https://www.x.org/a</link>
<description>Only a summary here.</description><dc:date>2009-07-16T10:37:00+01:00</dc:date>
<dc:creator>Ann</dc:creator></item>
</rdf:RDF>"""
    assert feed.sniff(data)
    (record,), _ = read(data, path="/f/x.rdf")
    assert record.text == "Only a summary here."
    assert record.fields == {
        "title": "A title",
        "date": dt.datetime(2009, 7, 16, 10, 37),
        "byline": "Ann",
        "url": "https://www.x.org/a",
        "source": "x",
    }


@pytest.mark.parametrize(
    "head,is_feed",
    [
        (b'<?xml version="1.0"?><rss version="2.0">', True),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- generator -->\n<feed xmlns="http://www.w3.org/2005/Atom">', True),
        (b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x "y">]>\n<rss version="0.91">', True),
        ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0">'.encode("utf-16"), True),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">', True),
        (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', False),
        (b'<?xml version="1.0"?><feed>', False),  # a <feed> of some other vocabulary
        (b"<!DOCTYPE html><html><body><rss>", False),
        (b'<?xml version="1.0"?><project><rss/></project>', False),
        (b"", False),
        (bytes(range(256)), False),
    ],
)
def test_sniff(head, is_feed):
    assert feed.sniff(head) is is_feed


def test_malformed_feed_keeps_what_it_can(arts):
    data = b.rss(arts[:2]).replace(
        b"</channel></rss>", b"<item><title>Broken &nbsp; entity</title><link>https://x.org/b</link>"
    )
    records, _ = read(data)
    assert [r.key for r in records][:2] == [a.url for a in arts[:2]]
    records, _ = read(b"<?xml version='1.0'?><rss><channel><item><title>Cut short</title><description>Some te")
    assert [r.fields["title"] for r in records] == ["Cut short"]  # the cut description is lost


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b"   \n", "empty file"),
        (b"<rss><channel><title>No items</title></channel></rss>", "feed has no items"),
        (b"<html><body><p>A web page</p></body></html>", "feed has no items"),
        (bytes(range(256)) * 20, "not a feed, or a malformed one"),
    ],
)
def test_unusable_feeds(data, reason):
    with bounded(5, 50), pytest.raises(SkipFile) as error:
        read(data)
    assert str(error.value).startswith(reason)


@pytest.mark.slow  # several seconds under tracemalloc
def test_billion_laughs_is_bounded():
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    data = f"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>
<rss version="2.0"><channel><title>t</title><item><title>&l9;</title><description>d</description></item>
</channel></rss>""".encode()
    with bounded(15, 200):
        try:
            records, _ = read(data)
        except SkipFile:
            return
    assert all(len(r.fields.get("title", "")) <= 1000 for r in records)
