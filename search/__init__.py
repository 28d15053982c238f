"""newsgrep's searcher: query text -> ranked articles with their best passages, highlighted.

    from search import search
    result = search("drug cartel pact", index_dir=".newsgrep", limit=5)
    for hit in result.hits: print(hit.rank, hit.title, hit.passages[0].highlights)

Submodules are imported on first use, so `import search` costs nothing at start-up.
"""

from __future__ import annotations


def search(*args, **kwargs):
    from search.searcher import search as _search

    return _search(*args, **kwargs)


search.__doc__ = "See search.searcher.search."
