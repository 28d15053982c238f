"""One Searcher per server thread: a Searcher keeps its Whoosh searcher open between queries (and picks up
new commits by itself) but is not safe to share between threads."""

from __future__ import annotations

import threading
from pathlib import Path

from newsgrep.search.searcher import Searcher, open_index


class ThreadSearchers:
    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._local = threading.local()
        self._opened: list[Searcher] = []
        self._lock = threading.Lock()

    def get(self) -> Searcher:
        """This thread's Searcher, opened on its first use."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = open_index(self.index_dir)
            with self._lock:
                self._opened.append(searcher)
        return searcher

    def close(self) -> None:
        with self._lock:
            for searcher in self._opened:
                searcher.close()
            self._opened.clear()
