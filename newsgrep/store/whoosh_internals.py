"""Every call into Whoosh's private API, in one place, each saying what it replaces and why.

These depend on whoosh-reloaded's internals, so pyproject.toml bounds its version from above, and
tests/test_whoosh_internals.py fails loudly when one of them is missing or changed its shape.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Iterable

TESTED_WHOOSH = ((2, 7, 5), (2, 8, 0))  # [lowest tested, first untested) versions of whoosh-reloaded


def segment_writer(ix, **options):
    """A SegmentWriter that does not take the index's lock. Whoosh's writers always lock; newsgrep's
    worker processes write segments while their parent holds newsgrep's own lock and commits them."""
    from whoosh.writing import SegmentWriter

    return SegmentWriter(ix, _lk=False, **options)


def finalize_segment(writer):
    """Closes a writer's segment and returns it without committing it to a table of contents, as
    Whoosh's own multiprocessing writer does in its subprocesses (SegmentWriter._finalize_segment)."""
    return writer._finalize_segment()


def commit_with(writer, segments: list, cleanable: set[str] | None = None) -> None:
    """Whoosh's SegmentWriter.commit, with `segments` written by other processes added to the table of
    contents (as Whoosh's multiprocessing writer does), and its cleaning of unused files limited to
    `cleanable` (None: all): worker processes may be writing the next segments meanwhile.

    Replaces SegmentWriter.commit(), which can neither take foreign segments nor spare files that
    other processes are writing; the steps are commit()'s own (_merge_segments, _finalize_segment or
    _close_segment, the TOC, clean_files, _finish)."""
    if not segments and cleanable is None:
        writer.commit()
        return
    from whoosh.index import TOC, clean_files

    final = writer._merge_segments(None, False, True)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    final += segments
    TOC(writer.schema, final, writer.generation).write(writer.storage, writer.indexname)
    files = _Only(writer.storage, cleanable) if cleanable is not None else writer.storage
    clean_files(files, writer.indexname, writer.generation, final)
    writer._finish()


class _Only:
    """The files of a Whoosh storage that Whoosh's clean_files may look at and remove."""

    def __init__(self, storage, names: Iterable[str]):
        self._storage, self._names = storage, set(names)

    def __iter__(self):
        return iter(sorted(self._names))

    def delete_file(self, name: str) -> None:
        self._storage.delete_file(name)


def segment_count(ix) -> int:
    """Segments in the index's last commit (FileIndex._segments(): Whoosh has no public accessor)."""
    return len(ix._segments())


def is_null_query(q) -> bool:
    """Whoosh's parser returns an instance of the private qcore._NullQuery (not only the public
    NullQuery singleton) for a query with nothing to search."""
    from whoosh import query as wq

    return q is wq.NullQuery or isinstance(q, wq.qcore._NullQuery)


def trim_whoosh_imports() -> None:
    """Start-up time: Whoosh imports two modules that newsgrep never uses. `whoosh.compat` imports
    `urllib.request` (with http.client and email: ~20 ms) for a download helper, and `whoosh.reading`
    the cached-property backport (which imports asyncio: ~10 ms) for one cached attribute. A search is
    mostly start-up, so the command line gives Whoosh a stand-in for the first while it imports (a
    `sys.modules` swap) and the standard library's functools.cached_property for the second; both
    behave the same for what Whoosh uses."""
    if "whoosh.compat" in sys.modules:
        return
    if "cached_property" not in sys.modules:
        backport = types.ModuleType("cached_property")
        backport.cached_property = functools.cached_property  # type: ignore[attr-defined]
        sys.modules["cached_property"] = backport
    if "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request")

    def urlretrieve(*args, **kwargs):  # never called by newsgrep; the real one if anything does
        from urllib.request import urlretrieve as real

        return real(*args, **kwargs)

    stand_in.urlretrieve = urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]


def remove_unused_files(whoosh_dir) -> None:
    """Removes the files of segments that the index's last table of contents does not list (those of a
    commit that failed, e.g. on a full disk), as Whoosh's own commit does for merged-away ones
    (whoosh.index.clean_files, which Whoosh calls only from a commit that succeeded)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, EmptyIndexError, clean_files

    storage = FileStorage(str(whoosh_dir))
    try:
        toc = TOC.read(storage, "MAIN")
    except EmptyIndexError:
        return
    clean_files(storage, "MAIN", toc.generation, toc.segments)


def _binary_group_query(self, parser):
    """whoosh.qparser.syntax.BinaryGroup.query as written, but building each side's query once: Whoosh's
    builds both sides twice, so a chain of n ANDMAYBE or ANDNOT took 2^n steps (18 took 6.5 s, 40 never
    ended: one query held a search for good)."""
    from whoosh import query as wq
    from whoosh.qparser.syntax import attach

    assert len(self.nodes) == 2
    qa = self.nodes[0].query(parser)
    qb = self.nodes[1].query(parser)
    if qa is None and qb is None:
        q = wq.NullQuery
    elif qa is None:
        q = qb
    elif qb is None:
        q = qa
    else:
        q = self.qclass(qa, qb)
    return attach(q, self)


def build_binary_groups_once() -> None:
    """Replaces BinaryGroup.query (newsgrep.search.parse calls this before parsing)."""
    from whoosh.qparser import syntax

    syntax.BinaryGroup.query = _binary_group_query
