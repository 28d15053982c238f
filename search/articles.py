"""Stored articles by id or by path: what `newsgrep show` prints, so users can see what was indexed."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from indexer.errors import NewsgrepError
from indexer.store import IndexDir, resolve_index_dir
from search.results import iso_date


@dataclass
class StoredArticle:
    id: str
    path: str
    key: str
    title: str
    date: dt.datetime | None
    source: str | None
    byline: str | None
    body: str
    passages: int

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "path": self.path,
            "key": self.key or None,
            "title": self.title,
            "date": iso_date(self.date),
            "source": self.source,
            "byline": self.byline,
            "passages": self.passages,
            "body": self.body,
        }


class ArticleNotFound(NewsgrepError):
    pass


def stored_articles(id_or_path: str, index_dir: str | os.PathLike | None = None) -> list[StoredArticle]:
    """The article with this id, or every article of the file at this path."""
    ix = IndexDir(resolve_index_dir(index_dir)).open_whoosh()
    with ix.searcher() as searcher:
        docnums = list(searcher.document_numbers(id=id_or_path))
        if not docnums:
            docnums = list(searcher.document_numbers(file=os.path.abspath(id_or_path)))
        if not docnums:
            raise ArticleNotFound(f"no article with id or path {id_or_path!r} in the index")
        found = []
        for docnum in sorted(docnums):
            fields = searcher.stored_fields(docnum)
            found.append(
                StoredArticle(
                    id=fields["id"],
                    path=fields.get("path", ""),
                    key=fields.get("key", ""),
                    title=fields.get("title", ""),
                    date=fields.get("date"),
                    source=fields.get("source"),
                    byline=fields.get("byline"),
                    body=fields.get("body", ""),
                    passages=len(fields.get("passages", ())),
                )
            )
        return sorted(found, key=lambda a: (a.path, a.key))
