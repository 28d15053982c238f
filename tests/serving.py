"""Helpers for the `newsgrep serve` tests: a corpus with hostile articles, a real `newsgrep serve` process on
127.0.0.1 (any free port), and plain HTTP requests that follow no redirect and keep the path as written."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import CORPUS, SEEDS

# Run by a browser, each of these would set window.newsgrepPwned; nothing may.
SCRIPT = "<script>window.newsgrepPwned = 'script';</script>"
IMG = "<img src=x onerror=\"window.newsgrepPwned = 'img'\">"
SVG = "<svg onload=\"window.newsgrepPwned = 'svg'\"></svg>"
JS_URL = "javascript:window.newsgrepPwned='url'"
HOSTILE_FILE = "x\"><img src=y onerror=window.newsgrepPwned='path'>.jsonl"
HOSTILE_TITLE = f"Harbour smugglers {SCRIPT} caught"
HOSTILE_SOURCE = "<b onmouseover=\"window.newsgrepPwned='source'\">tidewater</b>"


def make_corpus(root: Path, wikinews: int = 60) -> Path:
    """The two seeds, `wikinews` of the bundled Wikinews articles (dated, 2005-2009) and a feed whose one
    article holds a script, an image with an onerror handler, an SVG onload and a `javascript:` URL in
    every field that reaches the page (title, body, source, byline, URL, file name)."""
    shutil.copytree(SEEDS, root / "seeds")
    (root / "wikinews").mkdir()
    for path in sorted((CORPUS / "wikinews").glob("*.txt"))[:wikinews]:
        shutil.copy(path, root / "wikinews" / path.name)
    (root / "feeds").mkdir()
    hostile = {
        "id": "h1",
        "title": HOSTILE_TITLE,
        "text": (
            f"Harbour police said the smugglers hid the cargo {IMG} under nets. {SCRIPT} The smugglers' boat "
            f"was seized at dawn {SVG} and towed to the harbour, where the crew were questioned for hours "
            "about the cargo and the nets."
        ),
        "source": HOSTILE_SOURCE,
        "byline": f"By {IMG}",
        "date": "2009-07-20",
        "url": JS_URL,
    }
    (root / "feeds" / HOSTILE_FILE).write_text(json.dumps(hostile) + "\n")
    return root


@dataclass
class Served:
    url: str  # http://127.0.0.1:PORT/ (with ?token=... when one is required)
    process: subprocess.Popen
    stderr: Path

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def serving(index_dir: Path, *args: str, log: Path) -> Iterator[Served]:
    """A real `newsgrep serve --port 0` on 127.0.0.1, stopped afterwards."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("NEWSGREP_TOKEN", None)
    with open(log, "w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsgrep", "serve", "--index", str(index_dir), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env=env,
        )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()  # the address is the first line on stdout
        if not url.startswith("http://127.0.0.1:"):
            process.wait(10)
            raise AssertionError(f"newsgrep serve did not start: {log.read_text()}")
        yield Served(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def get(base: str, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> Reply:
    """One request to `base` (http://127.0.0.1:PORT) for `path` exactly as written; no redirect followed."""
    parts = urlsplit(base)
    assert parts.hostname == "127.0.0.1", "tests send traffic to loopback only"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def wait_for(condition, timeout: float = 20.0, step: float = 0.1):
    """Polls `condition()` until it returns something true; that value, or AssertionError at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(step)
