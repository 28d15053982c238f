"""The Whoosh schema: one document per article.

The body is indexed with positions (for phrases), and the article's passages are stored as
character spans and token-position ranges into it: search scores passages from the body's own
postings, so they cost nothing extra to index.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from indexer.analysis import name_analyzer, news_analyzer

# Bump when the schema, the analyzer or the meaning of a stored field changes: older indexes are then
# refused with a hint to rebuild instead of giving wrong answers.
SCHEMA_VERSION = 6

# Fields a user may name in a query (`title:`, `source:`, `date:`, `body:`, `byline:`).
USER_FIELDS = ("title", "body", "source", "date", "byline")


def build_schema() -> Schema:
    analyzer = news_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        file=ID(stored=True),  # the file's absolute path: a file's articles are deleted together
        title=TEXT(analyzer=analyzer, stored=True, phrase=True),
        # indexed from its words (the headline's first), positions 0, 1, ...; stored as the body's text
        body=TEXT(analyzer=analyzer, stored=True, phrase=True),
        passages=STORED,  # [(start char, end char, first token position, tokens)] per passage
        terms=STORED,  # the article's 40 most frequent stems with counts: story likeness at search time
        date=DATETIME(stored=True, sortable=True),
        source=TEXT(analyzer=name_analyzer(), stored=True, phrase=True),
        outlet=ID(sortable=True),  # the source, lower-cased, whole: for counts per source
        byline=TEXT(analyzer=name_analyzer(), stored=True),
        path=STORED,
        key=STORED,  # the record's key inside a feed file ("" for one-article files)
    )
