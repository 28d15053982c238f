"""How an indexing run reports its progress: a callable the caller passes to `build_index`, told the
phase, the work done in it and its total (None when it has none). The indexer never prints; the
command line draws a bar from these (newsgrep.render.progress).

Phases, in the order a run meets them (reading and writing overlap when worker processes write):

    scanning     the roots listed and the files compared with the manifest (no count)
    reading      files read, decoded and cleaned into articles (this process), out of the files to do
    writing      articles added to Whoosh segments (here, or by the worker processes), out of the
                 articles cleaned so far (final once reading is done)
    committing   a Whoosh commit and the manifest's record of it (no count: done says how many so far)
    refreshing   files re-extracted because a line they carry became, or stopped being, furniture
"""

from __future__ import annotations

from typing import Protocol

SCANNING = "scanning"
READING = "reading"
WRITING = "writing"
COMMITTING = "committing"
REFRESHING = "refreshing"
PHASES = (SCANNING, READING, WRITING, COMMITTING, REFRESHING)


class Progress(Protocol):
    def __call__(self, phase: str, done: int, total: int | None) -> None: ...


def quiet(phase: str, done: int, total: int | None) -> None:
    """A Progress that reports nothing."""
