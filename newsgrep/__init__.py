"""newsgrep: a search engine for folders of news articles, used from the terminal or from Python.

    import newsgrep
    report = newsgrep.build_index(["corpus/"], index_dir="/tmp/ix")     # an IndexReport
    with newsgrep.open_index("/tmp/ix") as searcher:                     # a Searcher
        result = searcher.search("drug cartel pact", limit=5)            # a SearchResult

The package is laid out as the design has it: `newsgrep.formats` (input formats), `newsgrep.indexer`
(files -> index), `newsgrep.store` (the index on disk), `newsgrep.search` (query -> results),
`newsgrep.render` (printers) and `newsgrep.cli` (the command line). `indexer` and `search` live in the
checkout's top-level folders of those names. Names below are imported on first use, so that
`import newsgrep` costs nothing at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "build_index": "newsgrep.indexer.build",
    "IndexReport": "newsgrep.indexer.report",
    "check_index": "newsgrep.indexer.check",
    "CheckReport": "newsgrep.indexer.check",
    "watch": "newsgrep.indexer.watch",
    "open_index": "newsgrep.search.searcher",
    "Searcher": "newsgrep.search.searcher",
    "Ranking": "newsgrep.search.settings",
    "SearchResult": "newsgrep.search.results",
    "Hit": "newsgrep.search.results",
    "PassageMatch": "newsgrep.search.results",
    "Timeline": "newsgrep.search.results",
    "ShownArticle": "newsgrep.search.results",
    "ReadArticle": "newsgrep.search.results",
    "evaluate": "newsgrep.search.evaluate",
    "index_stats": "newsgrep.store.stats",
    "IndexStats": "newsgrep.store.stats",
    "NewsgrepError": "newsgrep.errors",
    "QueryError": "newsgrep.errors",
}

__all__ = [  # the names of _EXPORTS, spelt out for tools that read __all__ without running it
    "__version__",
    "build_index",
    "IndexReport",
    "check_index",
    "CheckReport",
    "watch",
    "open_index",
    "Searcher",
    "Ranking",
    "SearchResult",
    "Hit",
    "PassageMatch",
    "Timeline",
    "ShownArticle",
    "ReadArticle",
    "evaluate",
    "index_stats",
    "IndexStats",
    "NewsgrepError",
    "QueryError",
]

if TYPE_CHECKING:
    from newsgrep.errors import NewsgrepError, QueryError
    from newsgrep.indexer.build import build_index
    from newsgrep.indexer.check import CheckReport, check_index
    from newsgrep.indexer.report import IndexReport
    from newsgrep.indexer.watch import watch
    from newsgrep.search.evaluate import evaluate
    from newsgrep.search.results import Hit, PassageMatch, ReadArticle, SearchResult, ShownArticle, Timeline
    from newsgrep.search.searcher import Searcher, open_index
    from newsgrep.search.settings import Ranking
    from newsgrep.store.stats import IndexStats, index_stats


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsgrep' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
