"""The progress bar of `newsgrep index` on stderr (tqdm), drawn from the indexer's phase reports
(newsgrep.indexer.progress): one bar for reading and writing together (files read + articles written,
the articles still to write estimated from those read so far), so that it reaches its end when the
index is written, not when the files are read; its ETA is tqdm's, from the recent rate of that work.
A commit has no measurable progress: the bar says "committing" and counts the seconds, with no ETA.
Re-extracting files whose furniture changed is a bar of its own. The bar fits the terminal's width,
down to 40 columns and below (less said as it narrows), and is redrawn twice a second meanwhile."""

from __future__ import annotations

import shutil
import sys
import threading
from typing import Any

from newsgrep.indexer.progress import COMMITTING, READING, REFRESHING, SCANNING, WRITING

MIN_FILES = 50  # smaller runs take a moment: no bar
_FORMAT = "{desc} {percentage:3.0f}%|{bar}| {elapsed}<{remaining}{postfix}"
_WAITING = "{desc} {elapsed}{postfix}"


class ProgressBar:
    """A Progress (callable) that draws a tqdm bar on stderr; use as a context manager."""

    def __init__(self, enabled: bool = True, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.bar: Any = None
        self.lock = threading.Lock()
        self.read = self.to_read = self.written = self.cleaned = 0
        self.phase = SCANNING
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
        with self.lock:
            if phase == READING:
                self.read, self.to_read = done, total or 0
            elif phase == WRITING:
                self.written, self.cleaned = done, total or done
            elif phase == REFRESHING and self.phase != REFRESHING:
                self._close()
            self.phase = phase
            if self.bar is None and not self._open(phase, total):
                return
            self._draw(phase, done, total)

    # drawing -----------------------------------------------------------------------------------------
    def _open(self, phase: str, total: int | None) -> bool:
        if phase in (READING, REFRESHING) and (total or 0) >= MIN_FILES:
            from tqdm import tqdm

            self.bar = tqdm(
                total=1, file=self.stream, dynamic_ncols=True, bar_format=_FORMAT, leave=True, smoothing=0.1
            )
            self._start_ticker()
            return True
        return False

    def _draw(self, phase: str, done: int, total: int | None) -> None:
        bar = self.bar
        wide = shutil.get_terminal_size().columns >= 60
        if phase == REFRESHING:
            bar.bar_format = _FORMAT
            bar.total, bar.n = max(total or 0, 1), done
            bar.set_description_str("refreshing", refresh=False)
            bar.set_postfix_str(f" {done:,}/{total:,} files" if wide else "", refresh=False)
        elif phase == COMMITTING:
            bar.bar_format = _WAITING
            bar.set_description_str("committing", refresh=False)
            bar.set_postfix_str(f" (commit {done + 1})" if wide and done else "", refresh=False)
        else:
            bar.bar_format = _FORMAT
            reading = self.read < self.to_read
            articles = self.cleaned * self.to_read / self.read if reading and self.read else self.cleaned
            bar.total = max(self.to_read + round(articles), 1)
            bar.n = min(self.read + self.written, bar.total)
            bar.set_description_str("reading" if reading else "writing", refresh=False)
            counts = f" {self.read:,}/{self.to_read:,} read, {self.written:,} written"
            bar.set_postfix_str(counts if wide else "", refresh=False)
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
                        self.bar.refresh()

        if self._ticker is None:
            self._ticker = threading.Thread(target=tick, name="newsgrep-progress", daemon=True)
            self._ticker.start()
