"""Binds and runs `newsgrep serve`'s app with waitress (a pure-Python WSGI server with a fixed pool of
threads, so the number of open Searchers is bounded)."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from newsgrep.errors import NewsgrepError
from newsgrep.web.guard import is_loopback, new_token

THREADS = 2  # Whoosh searches are Python: more threads than cores only hold more Searchers open


class ServeError(NewsgrepError):
    pass


@dataclass
class Server:
    """A bound server: `url` is its address (with the token, when one is needed); `run()` serves until
    interrupted."""

    url: str
    host: str
    port: int
    token: str | None
    articles: int
    index: Path
    _waitress: object
    _app: object

    def run(self) -> None:
        try:
            self._waitress.run()  # type: ignore[attr-defined]
        finally:
            self.close()

    def close(self) -> None:
        self._waitress.close()  # type: ignore[attr-defined]
        self._app.extensions["newsgrep.searchers"].close()  # type: ignore[attr-defined]


def access(host: str, token: str | None) -> tuple[bool, str | None]:
    """(whether `host` is loopback, the token to require): the one given, else a new one when the server
    is reachable beyond this machine, else None."""
    loopback = is_loopback(host)
    if token is not None and not token.strip():
        raise ServeError("--token may not be empty")
    if token is None and not loopback:
        token = new_token()
    return loopback, token


def start(index_dir=None, *, host: str = "127.0.0.1", port: int = 8765, token: str | None = None) -> Server:
    """Opens the index (failing now, not at the first page, when there is none), makes a token when the
    server is reachable beyond this machine and none was given, and binds the port (0: any free one)."""
    from waitress import create_server

    from newsgrep.search.searcher import open_index
    from newsgrep.store.layout import resolve_index_dir
    from newsgrep.web.app import create_app

    index = resolve_index_dir(index_dir)
    with open_index(index) as searcher:
        articles = searcher.backend.doc_count()
    loopback, token = access(host, token)
    app = create_app(index, token=token, loopback=loopback)
    try:
        # send_bytes=1: what the app yields goes out at once (the results page sends its hits before
        # counting its charts), not when 18,000 bytes have gathered
        waitress = create_server(app, host=host, port=port, threads=THREADS, ident="newsgrep", send_bytes=1)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is in use: pick another with --port (0: any free one)") from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_port = waitress.effective_port
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{bound_port}/" + (f"?token={token}" if token else "")
    return Server(url, host, bound_port, token, articles, index, waitress, app)
