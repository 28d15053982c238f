"""A Whoosh query matching exactly the articles with the given ids, built to be intersected with a user's
query (alerts: "which of these new articles match?").

An `Or` of one `Term(id, ...)` per article builds, in every segment, a tree of as many term matchers,
each sized first (a term lookup each, then again per alert): 1,000 new articles in an index of 13
segments cost seconds. This looks each id up once per segment (and once per run: the instance keeps
what it found while its searcher is open) and answers with a list of document numbers, which an
intersection skips along; its score is 0, so the user's query alone ranks. `Among` restricts a query to
the set: in the segments that hold none of the articles (in an archive, all but the newest) it builds no
matcher at all, so a date range or a common word costs nothing there.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq

from newsgrep.store.schema import F


class ArticleSet(wq.Query):
    def __init__(self, ids: list[str]):
        self.ids = tuple(ids)
        self.boost = 1.0
        self._found: dict[int, tuple[object, list[int]]] = {}  # id(segment reader) -> (reader, its docnums)

    def __repr__(self) -> str:
        return f"ArticleSet({len(self.ids)} ids)"

    def __str__(self) -> str:
        return f"<{len(self.ids)} articles>"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.ids == self.ids

    def __hash__(self) -> int:
        return hash(self.ids)

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader) -> int:
        return len(self.ids)

    def docs(self, searcher, deleted=None):
        return iter(self._docnums(searcher.reader()))

    def matcher(self, searcher, context=None):
        docnums = self._docnums(searcher.reader())
        if not docnums:
            return matching.NullMatcher()
        return matching.ListMatcher(docnums, all_weights=0.0)

    def around(self, query: wq.Query) -> Among:
        """`query`, matched among these articles only."""
        return Among(query, self)

    def _docnums(self, reader) -> list[int]:
        cached = self._found.get(id(reader))
        if cached is not None and cached[0] is reader:
            return cached[1]
        docnums: set[int] = set()
        if reader.is_atomic():
            for article_id in self.ids:
                if (F.ID, article_id) in reader:
                    docnums.update(reader.postings(F.ID, article_id).all_ids())
        else:  # a multi-segment reader: its segments' docnums, offset
            for sub, offset in reader.leaf_readers():
                docnums.update(offset + d for d in self._docnums(sub))
        found = sorted(docnums)
        self._found[id(reader)] = (reader, found)
        return found


class Among(wq.WrappingQuery):
    """A query restricted to an ArticleSet."""

    def __init__(self, child: wq.Query, articles: ArticleSet):
        super().__init__(child)
        self.articles = articles

    def _rewrap(self, child):
        return Among(child, self.articles)

    def __repr__(self) -> str:
        return f"Among({self.child!r}, {self.articles!r})"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.child == self.child and other.articles == self.articles

    def __hash__(self) -> int:
        return hash(self.child) ^ hash(self.articles)

    def estimate_size(self, ixreader) -> int:
        return min(self.child.estimate_size(ixreader), len(self.articles.ids))

    def matcher(self, searcher, context=None):
        if not self.articles._docnums(searcher.reader()):
            return matching.NullMatcher()
        return wq.And([self.child, self.articles]).matcher(searcher, context)
