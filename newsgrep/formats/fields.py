"""Metadata that formats state about an article, and how a URL names its outlet."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})


def source_from_url(url: str) -> str | None:
    """The outlet named by a URL's host: "en.wikinews.org" -> "wikinews", "www.bbc.co.uk" -> "bbc"."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    parts = [p for p in host.split(".") if p not in ("www", "en", "m", "news", "edition", "mobile", "amp")]
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        parts = parts[:-1]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else None)


def folder_site(path: str) -> str:
    """The site of a one-article file: its folder (a saved site's pages share a folder)."""
    return os.path.dirname(path)
