"""Related stories: the articles most like a given one, by the key terms of its text (Whoosh's
more-like-this: Bo1-weighted terms of the stored body), ranked with passages like a search, its
near-duplicates first and marked."""

from __future__ import annotations

import os
import time

from whoosh import classify
from whoosh import query as wq

from indexer.manifest import Manifest
from indexer.store import IndexDir, resolve_index_dir
from search.articles import ArticleNotFound
from search.results import SearchResult

KEY_TERMS = 25


def similar(
    id_or_path: str, index_dir: str | os.PathLike | None = None, *, limit: int = 10, passages: int = 1
) -> SearchResult:
    from search.searcher import DEFAULT_RANKING, Request, _rank, matching

    started = time.monotonic()
    index = IndexDir(resolve_index_dir(index_dir))
    ix = index.open_whoosh()
    with ix.searcher(weighting=DEFAULT_RANKING.weighting()) as searcher:
        docnum = searcher.document_number(id=id_or_path)
        if docnum is None:
            docnum = searcher.document_number(file=os.path.abspath(id_or_path))
        if docnum is None:
            raise ArticleNotFound(f"no article with id or path {id_or_path!r} in the index")
        fields = searcher.stored_fields(docnum)
        text = f"{fields.get('title', '')}\n{fields.get('body', '')}"
        keys = searcher.key_terms_from_text("body", text, numterms=KEY_TERMS, model=classify.Bo1Model, normalize=True)
        if not keys:
            return SearchResult(id_or_path, [], 0)
        like = wq.Or([wq.Term("body", word, boost=weight) for word, weight in keys])
        found = searcher.search(like, limit=max(DEFAULT_RANKING.candidates, limit * 3), mask={docnum})
        with Manifest(index.current() / "manifest.sqlite3", readonly=True) as manifest:
            copies = set(manifest.copies([fields["id"]]).get(fields["id"], ()))
        request = Request(
            id_or_path, limit=max(DEFAULT_RANKING.candidates, limit * 3), passages=passages, collapse=False
        )
        hits = _rank(searcher, found, like, request)
        total, _ = matching(found, request.limit)
    for hit in hits:
        hit.near_duplicate = hit.id in copies
    hits.sort(key=lambda hit: (not hit.near_duplicate, hit.rank))
    hits = hits[:limit]
    for rank, hit in enumerate(hits, 1):
        hit.rank = rank
    return SearchResult(id_or_path, hits, total, seconds=round(time.monotonic() - started, 4))
