"""The progress bar of `newsgrep index` on stderr (tqdm), drawn from the indexer's phase reports
(newsgrep.indexer.progress).

One bar covers reading (files read and cleaned) and writing (articles added to segments), so that it
ends when the articles are written, not when the files are read. Its ETA is measured per phase: each
phase's remaining work at its own rate so far (the articles still to write estimated from those read),
added up when writing follows reading (one process) and the longer of the two when worker processes
write while this one reads. The bar's length is time: elapsed / (elapsed + ETA). A commit has no
measurable progress (nor has finishing the segments once every article is in: sorting and writing
their postings): the bar says "committing" and counts the seconds, with no ETA. Re-extracting files
whose furniture changed is a bar of its own. The line fits the terminal (less is said as it narrows:
40 columns and below keep the phase, the bar and the ETA) and is redrawn twice a second meanwhile."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import Any

from newsgrep.indexer.progress import COMMITTING, READING, REFRESHING, SCANNING, WRITING

MIN_FILES = 50  # smaller runs take a moment: no bar


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds + 0.5)
    return (
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else f"{seconds // 60:02d}:{seconds % 60:02d}"
    )


class _Rate:
    """Work done in a phase since its first report."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.done = 0

    def update(self, done: int, now: float) -> None:
        if self.started is None:
            self.started = now
        self.done = done

    def seconds_left(self, total: float, now: float) -> float | None:
        if total <= self.done:
            return 0.0
        if self.started is None or self.done <= 0 or now - self.started < 0.5:
            return None
        return (total - self.done) * (now - self.started) / self.done


class ProgressBar:
    """A Progress (callable) that draws a tqdm bar on stderr; use as a context manager."""

    def __init__(self, enabled: bool = True, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.bar: Any = None
        self.lock = threading.Lock()
        self.read = self.to_read = self.written = self.cleaned = 0
        self.reading, self.writing = _Rate(), _Rate()
        self.overlapped = False  # articles were written while files were still being read (workers)
        self.phase = SCANNING
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self.lock:
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        with self.lock:
            if phase == READING:
                self.read, self.to_read = done, total or 0
                self.reading.update(done, now)
            elif phase == WRITING:
                self.written, self.cleaned = done, total or done
                self.writing.update(done, now)
                self.overlapped = self.overlapped or self.read < self.to_read
            elif phase == REFRESHING and self.phase != REFRESHING:
                self._close()
                self.reading, self.started = _Rate(), now
            if phase == REFRESHING:
                self.reading.update(done, now)
            self.phase, self.last = phase, (done, total)
            if self.bar is None and not self._open(phase, total):
                return
            self._draw()

    # drawing -----------------------------------------------------------------------------------------
    def _open(self, phase: str, total: int | None) -> bool:
        if phase in (READING, REFRESHING) and (total or 0) >= MIN_FILES:
            from tqdm import tqdm

            self.bar = tqdm(total=1, file=self.stream, dynamic_ncols=True, leave=True, mininterval=0, bar_format=phase)
            self._start_ticker()
            return True
        return False

    def _eta(self, now: float) -> float | None:
        if self.phase == REFRESHING:
            return self.reading.seconds_left(self.last[1] or 0, now)
        reading = self.reading.seconds_left(self.to_read, now)
        expected = self.cleaned * self.to_read / self.read if self.read else 0
        writing = self.writing.seconds_left(max(expected, self.cleaned), now)
        if writing is None or reading is None:  # a phase without a rate yet: no ETA rather than a wrong one
            return None
        return max(reading, writing) if self.overlapped else reading + writing

    def _draw(self) -> None:
        bar, now = self.bar, time.monotonic()
        columns = shutil.get_terminal_size().columns
        elapsed = now - self.started
        expected = self.cleaned * self.to_read / self.read if self.read else 0
        written_all = self.read >= self.to_read and self.written >= max(expected, 1)
        if self.phase == COMMITTING or (self.phase == WRITING and written_all):  # segments being finished
            done = self.last[0] if self.phase == COMMITTING else 0
            what = f" (commit {done + 1})" if columns >= 60 and done else ""
            bar.bar_format = "committing " + _clock(elapsed) + _escape(what)
            bar.refresh()
            return
        eta = self._eta(now)
        if self.phase == REFRESHING:
            label = "refreshing"
            counts = f" {self.last[0]:,}/{self.last[1]:,} files"
        else:
            label = "reading" if self.read < self.to_read else "writing"
            counts = f" {self.read:,}/{self.to_read:,} read, {self.written:,} written"
        if eta is None:
            bar.total, bar.n = 1, 0
        else:
            bar.total, bar.n = 1000, min(1000, round(1000 * elapsed / max(elapsed + eta, 1e-9)))
        head = f"{label} {_clock(elapsed)}"
        tail = f" ETA {_clock(eta)}"
        if columns >= 60 + len(counts) - 25:
            tail += counts
        bar.bar_format = _escape(head) + " |{bar}|" + _escape(tail)
        bar.refresh()

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def _start_ticker(self) -> None:
        def tick() -> None:
            while not self._stop.wait(0.5):
                with self.lock:
                    if self.bar is not None:
                        self._draw()

        if self._ticker is None:
            self._ticker = threading.Thread(target=tick, name="newsgrep-progress", daemon=True)
            self._ticker.start()


def _escape(text: str) -> str:
    """Text for a tqdm bar_format (braces are its fields)."""
    return text.replace("{", "{{").replace("}", "}}")
