"""Indexing worker processes: each adds its share of a batch of clean articles, sent in chunks as the
parent cleans them, to a Whoosh segment of its own, while the parent goes on to read and clean the
next batch. The parent commits the segments with its own changes (deletions) in one table of
contents, and only once every worker has reported: a worker that fails or dies fails the run, and the
batch is redone by the next one."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import warnings
from collections.abc import Callable
from typing import Any

from newsgrep.errors import NewsgrepError, storage_problem
from newsgrep.indexer.documents import Indexed, add_articles
from newsgrep.indexer.records import Article
from newsgrep.store import bulk_segment


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
        self._whoosh_dir = whoosh_dir
        self._jobs = []  # a queue each: put() returns at once (a thread feeds the worker's pipe)
        self._connections = []  # replies, and EOF when a worker dies
        self._processes = []
        for number in range(count):
            jobs = context.Queue()
            here, there = context.Pipe(duplex=False)
            process = context.Process(
                target=_serve, args=(jobs, there, whoosh_dir, options), name=f"newsgrep-indexer-{number}", daemon=True
            )
            # Python 3.12+ warns about fork in a process with threads (watch mode's observer): a worker
            # takes no lock that those threads use, so the warning does not apply.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "This process", DeprecationWarning)
                process.start()
            there.close()
            self._jobs.append(jobs)
            self._connections.append(here)
            self._processes.append(process)
        self._busy = [False] * count  # has an open segment with articles in it
        self._loads = [0] * count  # characters given to each since its segment was opened
        self.on_written: Callable[[int], None] | None = None  # told of articles the workers have added

    def add(self, articles: list[Article]) -> None:
        """Hands the articles out to the workers' open segments, to even out the text each one gets."""
        shares: list[list[Article]] = [[] for _ in self._processes]
        for article in articles:
            lightest = self._loads.index(min(self._loads))
            shares[lightest].append(article)
            self._loads[lightest] += sum(map(len, article.paragraphs)) + 200
        for number, share in enumerate(shares):
            if share:
                self._send(number, ("add", share))
                self._busy[number] = True
        for connection in self._connections:  # what the workers have said they wrote meanwhile
            try:
                while connection.poll():
                    self._heard(connection.recv())
            except (EOFError, OSError):  # a worker died: reported when it is sent work or asked to finish
                continue

    def finish(self) -> tuple[list, list[Indexed]]:
        """Closes the workers' segments; waits for them (Whoosh Segment objects) and what they indexed."""
        segments, indexed, failures = [], [], []
        for number in range(len(self._connections)):
            if self._busy[number]:
                self._send(number, ("finish",))
        # Every worker's messages as they come (what it has written, then its segment), so that the
        # progress of all of them is heard, not of one at a time.
        pending: dict[Any, int] = {c: n for n, c in enumerate(self._connections) if self._busy[n]}
        replies: dict[int, Any] = {}
        while pending:
            for ready in multiprocessing.connection.wait(list(pending)):
                number = pending[ready]
                try:
                    message = self._connections[number].recv()
                except (EOFError, OSError):
                    replies[number] = None
                    del pending[ready]
                    continue
                if message[0] == "written":
                    self._heard(message)
                    continue
                replies[number] = message
                del pending[ready]
        for number in sorted(replies):
            reply = replies[number]
            if reply is not None and reply[0] == "error" and storage_problem(OSError(reply[2], "")):
                self._busy = [False] * len(self._connections)
                raise OSError(reply[2], os.strerror(reply[2]), self._whoosh_dir)  # a full disk, named as such
            if reply is None:
                failures.append(f"indexing process {number} died ({self._exit(number)})")
                continue
            if reply[0] == "error":
                failures.append(f"indexing process {number} failed: {reply[1]}")
            else:
                _, written, done = reply
                segments.extend(written)
                indexed.extend(done)
        self._busy = [False] * len(self._connections)
        self._loads = [0] * len(self._connections)
        if failures:
            raise WorkerFailed("; ".join(failures) + ": nothing of this batch was committed, run again")
        return segments, indexed

    def _heard(self, message: tuple) -> None:
        if message[0] == "written" and self.on_written is not None:
            self.on_written(message[1])

    def close(self, abort: bool = False) -> None:
        """Ends the workers: once they are done with what they were given, or at once with `abort`."""
        for jobs in self._jobs:
            jobs.put(None)
        for process in self._processes:
            if abort:
                process.kill()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        for jobs, connection in zip(self._jobs, self._connections, strict=True):
            jobs.cancel_join_thread()  # a dead worker reads nothing: do not wait to feed it
            jobs.close()
            connection.close()

    def _send(self, number: int, message: tuple) -> None:
        if not self._processes[number].is_alive():
            raise WorkerFailed(f"indexing process {number} died ({self._exit(number)}): run again")
        self._jobs[number].put(message)

    def _exit(self, number: int) -> str:
        process = self._processes[number]
        process.join(timeout=1)
        code = process.exitcode
        if code is None:
            return "no exit status"
        return f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"


def _serve(jobs, connection, whoosh_dir: str, options: dict) -> None:
    """A worker's loop, until None: ("add", articles) adds them to its open segment, saying ("written", n)
    as it goes; ("finish",) closes the segment and replies with it and what was indexed, or with the
    error that stopped it."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from whoosh.filedb.filestore import FileStorage

    from newsgrep.store.analysis import news_analyzer

    class OwnTempFolder(FileStorage):
        """The index's folder, but Whoosh's temporary files in a folder of this process: Whoosh names
        its one folder after the index, and the parent's commit removes that one."""

        def temp_storage(self, name=None):
            return super().temp_storage(temp_name)

    temp_name = f"worker-{os.getpid()}.tmp"
    ix = OwnTempFolder(whoosh_dir).open_index()
    analyzer = news_analyzer()
    writer, done = None, []
    failed: Exception | None = None
    while True:
        message = jobs.get()
        if message is None:
            return
        if message[0] == "add":
            if failed:
                continue  # reported at "finish"
            try:
                if writer is None:  # not the index's lock: the parent holds it, and commits the segment
                    writer = bulk_segment.segment_writer(ix, **options)
                done.extend(add_articles(writer, message[1], analyzer, lambda n: connection.send(("written", n))))
            except Exception as exc:
                failed = exc
            continue
        try:  # "finish": the segment, not yet in any table of contents
            if failed:
                raise failed
            segments = bulk_segment.finish_segments(writer) if writer is not None and done else []
            connection.send(("done", segments, done))
        except Exception as exc:
            if writer is not None and not writer.is_closed:
                try:
                    writer.cancel()
                except Exception:  # noqa: BLE001 - on a full disk closing the segment fails too: it is dropped
                    pass
            connection.send(("error", f"{type(exc).__name__}: {exc}", getattr(exc, "errno", None)))
        finally:
            shutil.rmtree(os.path.join(whoosh_dir, temp_name), ignore_errors=True)
            writer, done, failed = None, [], None


def die_with_parent() -> None:
    """Asks Linux to kill this process when its parent dies, so that a killed indexing run leaves no
    orphan writing into the index (elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
