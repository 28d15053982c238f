"""The Whoosh schema: one document per article, its field names, and the records stored in it.

The body is indexed with positions (for phrases), and the article's passages are stored as
character spans and token-position ranges into it: search scores passages from the body's own
postings, so they cost nothing extra to index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from typing import NamedTuple

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from newsgrep.store.analysis import ContentLengthPositions, name_analyzer, news_analyzer

# Bump when the schema, the analyzer or the meaning of a stored field changes: older indexes are then
# refused with a hint to rebuild instead of giving wrong answers.
# 8: an article's URL stored; 9: stop words indexed (with positions), lengths without them, file column,
# folders; 10: `crawled`; 11: learnt furniture keeps lines with figures, table rows, most of every article
SCHEMA_VERSION = 11

STORED_KEY_TERMS = 40  # an article's most frequent stems stored with it (story likeness at search time)


class F:
    """Field names."""

    ID = "id"
    FILE = "file"  # the file's absolute path, indexed (a file's articles are deleted together) and a column
    FOLDERS = "folders"  # the folders the file lies in, each a term ("/home/me/news", "/home/me", ...)
    TITLE = "title"
    BODY = "body"  # indexed from its words (the headline's first); stored as the body's text
    PASSAGES = "passages"  # StoredPassage tuples
    TERMS = "terms"  # [(stem, count)]: the article's STORED_KEY_TERMS most frequent stems
    DATE = "date"
    SOURCE = "source"
    OUTLET = "outlet"  # the source, lower-cased, whole: for counts per source
    BYLINE = "byline"
    PATH = "path"  # stored: the path shown
    KEY = "key"  # the record's key inside a feed file ("" for one-article files)
    URL = "url"  # stored: where the article was published, as its file states it
    CRAWLED = "crawled"  # when a web archive captured the page: never the article's date


# Fields a user may name in a query (`title:`, `source:`, `date:`, `body:`, `byline:`).
USER_FIELDS = (F.TITLE, F.BODY, F.SOURCE, F.DATE, F.BYLINE)
# Fields whose words a passage can hold; plain words search the body, which holds the headline's words too.
ARTICLE_FIELDS = (F.TITLE, F.BODY)
DEFAULT_FIELD = F.BODY
PASSAGE_FIELD = F.BODY  # passages are scored from the body's positions


def build_schema() -> Schema:
    analyzer = news_analyzer()
    schema = Schema(
        **{
            F.ID: ID(stored=True, unique=True),
            F.FILE: ID(stored=True, sortable=True),  # a column too: globs filter by reading it
            F.FOLDERS: ID,  # every folder the file lies in: `search QUERY FOLDER` is one posting list
            F.TITLE: TEXT(analyzer=analyzer, stored=True, phrase=True),
            F.BODY: TEXT(analyzer=analyzer, stored=True, phrase=True),
            F.PASSAGES: STORED,
            F.TERMS: STORED,
            F.DATE: DATETIME(stored=True, sortable=True),
            F.SOURCE: TEXT(analyzer=name_analyzer(), stored=True, phrase=True),
            F.OUTLET: ID(sortable=True),
            F.BYLINE: TEXT(analyzer=name_analyzer(), stored=True),
            F.PATH: STORED,
            F.KEY: STORED,
            F.URL: STORED,
            F.CRAWLED: DATETIME(stored=True),
        }
    )
    for name in ARTICLE_FIELDS:  # lengths without stop words (see ContentLengthPositions)
        schema[name].format = ContentLengthPositions(field_boost=schema[name].format.field_boost)
    return schema


def article_id(path: str, key: str = "") -> str:
    """A short stable id for the article at `path` (and `key` inside it, for feeds)."""
    return hashlib.blake2b(f"{path}#{key}".encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()


class StoredPassage(NamedTuple):
    """A passage as stored with its article (a plain tuple on disk): a character span of the stored body,
    the token position of its first word in the body's index (its words run to the next passage's
    first), and its length in words that are not stop words (what BM25 normalises by)."""

    start: int
    end: int
    first_pos: int
    length: int


@dataclass
class StoredArticle:
    """An article as the index stores it."""

    id: str
    path: str
    key: str
    title: str
    date: dt.datetime | None
    source: str | None
    byline: str | None
    body: str
    passages: list[StoredPassage]
    terms: list[tuple[str, int]]
    file: str = ""
    url: str | None = None
    crawled: dt.datetime | None = None

    @classmethod
    def from_fields(cls, fields: dict) -> StoredArticle:
        return cls(
            id=fields[F.ID],
            path=fields.get(F.PATH, ""),
            key=fields.get(F.KEY, ""),
            title=fields.get(F.TITLE, ""),
            date=fields.get(F.DATE),
            source=fields.get(F.SOURCE),
            byline=fields.get(F.BYLINE),
            body=fields.get(F.BODY, ""),
            passages=[StoredPassage(*p) for p in fields.get(F.PASSAGES, ())],
            terms=[tuple(t) for t in fields.get(F.TERMS, ())],
            file=fields.get(F.FILE, ""),
            url=fields.get(F.URL),
            crawled=fields.get(F.CRAWLED),
        )


def document_fields(
    *,
    article_id: str,
    file: str,
    path: str,
    key: str,
    title: str,
    titled: bool,
    words: list[str],
    body: str,
    passages: list[StoredPassage],
    terms: list[tuple[str, int]],
    date: dt.datetime | None,
    source: str | None,
    byline: str | None,
    url: str | None = None,
    crawled: dt.datetime | None = None,
) -> dict:
    """The keyword arguments of Whoosh's `add_document` for one article. `words` are the body field's
    analysed words (the headline's first); the body's text is stored."""
    fields: dict = {
        F.ID: article_id,
        F.TERMS: terms,
        F.FILE: file,
        F.FOLDERS: folders_of(file),
        F.TITLE: title if titled else "",
        F.BODY: words,  # already analyzed: Whoosh indexes a list of words as they are
        "_stored_" + F.BODY: body,
        F.PASSAGES: [tuple(p) for p in passages],  # plain tuples: the class is not part of the format
        F.PATH: path,
        F.KEY: key,
    }
    if not titled:
        fields["_stored_" + F.TITLE] = title
    if date is not None:
        fields[F.DATE] = date
    if source:
        fields[F.SOURCE] = source
        fields[F.OUTLET] = source.lower()
    if byline:
        fields[F.BYLINE] = byline
    if url:
        fields[F.URL] = url
    if crawled is not None:
        fields[F.CRAWLED] = crawled
    return fields


def folders_of(path: str) -> list[str]:
    """The folders a file lies in, innermost first, without a trailing separator ("/" itself left out)."""
    folders = []
    folder = os.path.dirname(path)
    while folder and folder != os.path.dirname(folder):
        folders.append(folder)
        folder = os.path.dirname(folder)
    return folders
