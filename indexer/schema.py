"""The Whoosh schema: one index holding two kinds of documents, articles and their passages.

Article documents carry the whole article (title, body, date, source) and give article-level
evidence; passage documents carry a few sentences each and give the passage-level evidence that
search ranks and shows. Both carry the article id and the file path, so that a file's articles and
passages are deleted together.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import name_analyzer, news_analyzer

# Bump when the schema, the analyzer or the meaning of a stored field changes: older indexes are then
# refused with a hint to rebuild instead of giving wrong answers.
SCHEMA_VERSION = 2

ARTICLE = "a"
PASSAGE = "p"

# Fields a user may name in a query (`title:`, `source:`, `date:`, `body:`).
USER_FIELDS = ("title", "body", "source", "date", "byline")


def build_schema() -> Schema:
    analyzer = news_analyzer()
    return Schema(
        kind=ID(stored=True),
        id=ID(stored=True, unique=True),  # article id; for passages "<article id>:<number>"
        article=ID(stored=True),
        file=ID(stored=True),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True),
        body=TEXT(analyzer=analyzer, stored=True, phrase=True),
        text=TEXT(analyzer=analyzer, phrase=True),  # passage text, shown by slicing the article's body
        span=STORED,  # passage (start, end) offsets into the article's body
        number=NUMERIC(stored=True),  # passage number within its article
        date=DATETIME(stored=True),
        source=TEXT(analyzer=name_analyzer(), stored=True, phrase=True),
        byline=TEXT(analyzer=analyzer, stored=True),
        path=STORED,
        key=STORED,  # the record's key inside a feed file ("" for one-article files)
    )
