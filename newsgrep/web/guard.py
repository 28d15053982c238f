"""What keeps the archive from being read by anyone but its user: the token (when one is set), the Host
check on loopback, the gate that lets only indexed files under the index's roots be read, and the
security headers on every response."""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Request, Response, redirect
from werkzeug.wrappers import Response as BaseResponse

from newsgrep.store.layout import IndexDir, ShardsRecord
from newsgrep.store.manifest import Manifest

TOKEN_COOKIE = "newsgrep_token"
TOKEN_PARAM = "token"
SECURITY_HEADERS = {
    # Scripts and styles only from this server's files: no inline script, no inline style, no eval, no
    # plug-ins, nothing from elsewhere; forms post only here; no framing.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# An original file is shown as text, and should a browser render it anyway, as a sandboxed page that can
# run nothing.
FILE_POLICY = "sandbox; default-src 'none'"


def new_token() -> str:
    return secrets.token_urlsafe(18)


def is_loopback(host: str) -> bool:
    """True for a name or address of this machine's loopback interface (127.0.0.0/8, ::1, localhost)."""
    host = host.strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name in a Host header, without its port: "127.0.0.1:8765" -> "127.0.0.1", "[::1]:80" -> "::1"."""
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class Guard:
    """Checks each request before it is answered, and adds the security headers to each response."""

    def __init__(self, token: str | None, loopback: bool):
        self.token = token
        self.loopback = loopback  # served on loopback only: then only loopback names may be asked for

    def admit(self, request: Request) -> BaseResponse | None:
        """None to let the request through, else the response that refuses it."""
        if self.loopback and not is_loopback(host_name(request.host)):
            # A page elsewhere that got its name pointed at 127.0.0.1 (DNS rebinding) asks with its own name.
            return Response("newsgrep: this server answers to localhost names only\n", 403, mimetype="text/plain")
        if self.token is None:
            return None
        given = request.args.get(TOKEN_PARAM)
        if given is not None:
            if not self._matches(given):
                return self._refuse()
            rest = {k: v for k, v in request.args.items(multi=True) if k != TOKEN_PARAM}
            target = request.path + (f"?{urlencode(rest)}" if rest else "")
            response = redirect(target, 303)  # the token leaves the address bar and the history
            response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="Strict", path="/")
            return response
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self._matches(value.strip()):
            return None
        if self._matches(request.cookies.get(TOKEN_COOKIE, "")):
            return None
        return self._refuse()

    def _matches(self, given: str) -> bool:
        assert self.token is not None
        return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self.token.encode())

    @staticmethod
    def _refuse() -> Response:
        return Response(
            "newsgrep: this server needs its token: open the address `newsgrep serve` printed "
            "(it ends in ?token=...), or send the header Authorization: Bearer TOKEN\n",
            401,
            mimetype="text/plain",
        )

    @staticmethod
    def secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")  # the archive stays out of shared caches
        return response


def index_roots(index_dir: Path) -> list[str]:
    """The roots the index covers, as its manifest (or a sharded index's record) remembers them (read at
    each call: `index` may add one)."""
    if ShardsRecord.at(index_dir):
        return list(ShardsRecord(index_dir).read()["roots"])
    index = IndexDir(index_dir)
    with Manifest(index.manifest_path(index.current()), readonly=True) as manifest:
        return manifest.roots()


def plain_absolute(path: str) -> bool:
    """An absolute path with nothing to resolve: no "..", ".", doubled or trailing slashes, no NUL."""
    return bool(path) and "\x00" not in path and os.path.isabs(path) and os.path.normpath(path) == path


def under_a_root(path: str, roots: list[str]) -> bool:
    """True when the file, symbolic links resolved, lies under one of `roots` (resolved too) or is one."""
    real = os.path.realpath(path)
    for root in roots:
        top = os.path.realpath(root)
        try:
            if os.path.commonpath([real, top]) == top:
                return True
        except ValueError:  # different drives
            continue
    return False
