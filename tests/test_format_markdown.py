"""Markdown with front matter (newsgrep.formats.markdown): Hugo and Jekyll posts, markup, bad front matter."""

import datetime as dt

import pytest

from newsgrep import formats
from newsgrep.formats.records import SkipFile
from tests.conftest import bounded

YAML_POST = """---
title: "Mexico rejects drug gang deal"
date: 2009-07-16T10:37:00+01:00
author:
  - Jane Smith
  - name: Joe Bloggs
source: https://www.bbc.co.uk/news/world-latin-america-8153245
tags: [mexico, cartels]
---

# Mexico rejects *any* deal

Mexico's president **Felipe Calderón** has _rejected_ a [truce offer](https://example.org/x "t") from
the La Familia drug cartel. See ![a photo](pic.jpg) and `code` here.

> A quote from the *cartel*.

- first item with [a link][ref]
- second item

| Name | Role |
|------|------|
| Calderón | President |

```
fenced code line
```

<div class="note"><p>Raw <b>HTML</b> block</p></div>

Inline <span>html</span> and a hard\\
break, ~~struck~~ text.

[ref]: https://example.org/ref
"""

TOML_POST = """+++
title = "Sarkisian wins Armenian presidential elections"
date = 2008-02-20
authors = ["Wikinews reporter"]
publisher = "Wikinews"
canonicalURL = "https://en.wikinews.org/wiki/Sarkisian_wins_Armenian_presidential_elections"
url = "/2008/02/sarkisian/"
+++

Armenia Prime Minister **Serzh Sargsyan** has won the presidential elections.
"""


def read(text, path="/site/content/posts/mexico.md"):
    skips = []
    records = formats.read_records(path, text.encode("utf-8") if isinstance(text, str) else text, skips)
    return records, skips


def test_yaml_front_matter_golden():
    (record,), skips = read(YAML_POST)
    assert not skips and record.key == "" and record.site == "/site/content/posts"
    assert record.fields == {
        "title": "Mexico rejects drug gang deal",
        "date": dt.datetime(2009, 7, 16, 10, 37),
        "byline": "Jane Smith, Joe Bloggs",
        "source": "bbc",  # "source: <URL>" is where it came from: the url, and the outlet its host names
        "url": "https://www.bbc.co.uk/news/world-latin-america-8153245",
    }
    assert record.text.split("\n\n") == [
        "Mexico rejects any deal",
        "Mexico's president Felipe Calderón has rejected a truce offer from the La Familia drug cartel."
        " See and code here.",
        "A quote from the cartel.",
        "first item with a link",
        "second item",
        "Name Role",
        "Calderón President",
        "fenced code line",
        "Raw HTML block",
        "Inline html and a hard break, struck text.",
    ]
    for markup in ("#", "*", "_", "[", "](", "`", "~~", "<", "https://example.org"):
        assert markup not in record.text


def test_toml_front_matter_golden():
    (record,), skips = read(TOML_POST)
    assert not skips
    assert record.fields == {
        "title": "Sarkisian wins Armenian presidential elections",
        "date": dt.datetime(2008, 2, 20),
        "byline": "Wikinews reporter",
        "source": "Wikinews",
        "url": "https://en.wikinews.org/wiki/Sarkisian_wins_Armenian_presidential_elections",  # not Hugo's path `url`
    }
    assert record.text == "Armenia Prime Minister Serzh Sargsyan has won the presidential elections."


def test_json_front_matter_and_jekyll_file_date():
    text = '{\n  "title": "JSON front matter",\n  "author": {"name": "Ann Lee"}\n}\nBody *text*.\n'
    (record,), _ = read(text, path="/blog/_posts/2021-05-06-json.markdown")
    assert record.fields == {"title": "JSON front matter", "byline": "Ann Lee", "date": dt.datetime(2021, 5, 6)}
    assert record.text == "Body text."


def test_no_front_matter_leading_heading_is_the_title():
    (record,), _ = read("Setext title\n============\n\nBody.\n")
    assert record.fields == {"title": "Setext title"} and record.text == "Setext title\n\nBody."
    (record,), _ = read("Intro paragraph.\n\n# Later heading\n")
    assert record.fields == {}


@pytest.mark.parametrize(
    "front,problem",
    [
        ("---\ntitle: [unclosed\n---\n", "invalid YAML"),
        ("---\n!!python/object/apply:os.system ['echo pwned']\n---\n", "invalid YAML"),
        ("---\n- a list\n- not a mapping\n---\n", "YAML front matter is not a mapping"),
        ("+++\ntitle = \n+++\n", "invalid TOML"),
    ],
)
def test_bad_front_matter_is_reported_and_the_text_kept(front, problem):
    (record,), skips = read(front + "The body survives.\n")
    assert record.text == "The body survives." and record.fields == {}
    assert len(skips) == 1 and skips[0].count == 0 and problem in skips[0].reason


def test_yaml_alias_bomb_is_bounded():
    lines = ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\ntitle: *i\nauthor: *i\n---\nBody.\n"
    with bounded(5, 100):
        (record,), _ = read(text)
    assert record.text == "Body." and "title" not in record.fields


@pytest.mark.slow  # several seconds under tracemalloc
def test_deep_nesting_is_bounded():
    with bounded(10, 200):
        (record,), _ = read("> " * 5000 + "deep\n\n" + "[" * 20000 + "x" + "]" * 20000 + "\n\n" + "*a " * 20000)
    assert record.text.startswith("[[[") and "x" in record.text  # past markdown-it's nesting limit, text may go


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty file"),
        (b" \n\n ", "empty file"),
        (b"\x00\x01\x02binary\x00" * 100, "binary file"),
        (b"---\ntitle: only front matter\n---\n", None),
    ],
)
def test_empty_and_binary(data, reason):
    if reason is None:
        (record,), _ = read(data)
        assert record.fields == {"title": "only front matter"} and record.text == ""
        return
    with pytest.raises(SkipFile, match=reason):
        read(data)


def test_cp1252_text_is_decoded():
    (record,), _ = read("---\ntitle: Caf\xe9 prices\n---\nA \xa3600 rise.\n".encode("cp1252"))
    assert record.fields["title"] == "Café prices" and record.text == "A £600 rise."
