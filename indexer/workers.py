"""Indexing worker processes: each turns its share of a batch of clean articles into a Whoosh segment
of its own, while the parent reads and cleans the next batch. The parent commits the segments with its
own changes (deletions, merges) in one table of contents, and only once every worker has reported:
a worker that fails or dies fails the run, and the batch is redone by the next one."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import traceback

from indexer.documents import Indexed, add_articles
from indexer.errors import NewsgrepError
from indexer.records import Article


class WorkerFailed(NewsgrepError):
    pass


def worker_count() -> int:
    """One worker per core (the parent's reading and cleaning runs beside them), at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


class Workers:
    """A pool of indexing processes bound to one Whoosh index directory."""

    def __init__(self, whoosh_dir: str, count: int, options: dict):
        context = multiprocessing.get_context("fork")
        self._connections = []
        self._processes = []
        self._pending = 0
        for number in range(count):
            here, there = context.Pipe()
            process = context.Process(
                target=_serve, args=(there, whoosh_dir, options), name=f"newsgrep-indexer-{number}", daemon=True
            )
            process.start()
            there.close()
            self._connections.append(here)
            self._processes.append(process)

    def __len__(self) -> int:
        return len(self._processes)

    def start(self, articles: list[Article]) -> None:
        """Hands the articles out, about the same amount of text to each worker."""
        shares: list[list[Article]] = [[] for _ in self._connections]
        loads = [0] * len(shares)
        for article in sorted(articles, key=lambda a: -sum(map(len, a.paragraphs))):
            lightest = loads.index(min(loads))
            shares[lightest].append(article)
            loads[lightest] += sum(map(len, article.paragraphs)) + 200
        self._busy = [share != [] for share in shares]
        for number, share in enumerate(shares):
            if share:
                try:
                    self._connections[number].send(share)
                except OSError as exc:
                    raise WorkerFailed(f"indexing process {number} died ({self._exit(number)}): run again") from exc

    def finish(self) -> tuple[list, list[Indexed]]:
        """Waits for the workers' segments (Whoosh Segment objects) and what they indexed."""
        segments, indexed, failures = [], [], []
        for number, connection in enumerate(self._connections):
            if not self._busy[number]:
                continue
            try:
                reply = connection.recv()
            except (EOFError, OSError):
                failures.append(f"indexing process {number} died ({self._exit(number)})")
                continue
            if reply[0] == "error":
                failures.append(f"indexing process {number} failed: {reply[1]}")
            else:
                _, segment, done = reply
                if segment is not None:
                    segments.append(segment)
                indexed.extend(done)
        self._busy = [False] * len(self._connections)
        if failures:
            raise WorkerFailed("; ".join(failures) + ": nothing of this batch was committed, run again")
        return segments, indexed

    def close(self) -> None:
        for connection in self._connections:
            try:
                connection.send(None)
            except OSError:
                pass
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        for connection in self._connections:
            connection.close()

    def _exit(self, number: int) -> str:
        process = self._processes[number]
        process.join(timeout=1)
        code = process.exitcode
        if code is None:
            return "no exit status"
        return f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"


def _serve(connection, whoosh_dir: str, options: dict) -> None:
    """A worker's loop: a list of articles in, (segment, [Indexed]) out, until None."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from indexer.analysis import news_analyzer

    class OwnTempFolder(FileStorage):
        """The index's folder, but Whoosh's temporary files in a folder of this process: Whoosh names
        its one folder after the index, and the parent's commit removes that one."""

        def temp_storage(self, name=None):
            return super().temp_storage(temp_name)

    temp_name = f"worker-{os.getpid()}.tmp"
    ix = OwnTempFolder(whoosh_dir).open_index()
    analyzer = news_analyzer()
    while True:
        try:
            articles = connection.recv()
        except EOFError:
            return
        if articles is None:
            return
        # Not the index's lock: the parent holds it, and commits what the workers write.
        writer = SegmentWriter(ix, _lk=False, **options)
        try:
            done = add_articles(writer, articles, analyzer)
            segment = writer._finalize_segment() if done else None  # the segment, not yet in any TOC
        except Exception as exc:
            writer.cancel()
            connection.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
            continue
        finally:
            shutil.rmtree(os.path.join(whoosh_dir, temp_name), ignore_errors=True)
        connection.send(("done", segment, done))


def die_with_parent(*_) -> None:
    """Asks Linux to kill this process when its parent dies, so that a killed indexing run leaves no
    orphan writing into the index (elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
