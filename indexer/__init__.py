"""newsgrep's indexer: turns folders of news articles into a Whoosh index, incrementally.

    from indexer import build_index
    report = build_index(["corpus/"], index_dir=".newsgrep")

Submodules are imported on first use, so `import indexer` costs nothing at start-up.
"""

from __future__ import annotations


def build_index(*args, **kwargs):
    from indexer.writer import build_index as _build_index

    return _build_index(*args, **kwargs)


build_index.__doc__ = "See indexer.writer.build_index."


def index_stats(index_dir=None):
    from indexer.stats import index_stats as _index_stats

    return _index_stats(index_dir)
