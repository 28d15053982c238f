"""Metadata that formats state about an article: how a URL names its outlet, where a file's furniture is
shared, and the small conversions every format's metadata goes through."""

from __future__ import annotations

import datetime as dt
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


def as_datetime(value) -> dt.datetime | None:
    """A date or datetime as a naive datetime: the wall-clock time as the source wrote it, its UTC offset
    dropped, not applied ("2008-02-20T23:30-05:00" is the 20th, the day the outlet printed, as
    trafilatura gives an HTML page's date)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return None


def one_line(value, limit: int = 1000) -> str:
    """A metadata value as one line of text (titles and names never span lines)."""
    return " ".join(str(value).split())[:limit]


def compact(fields: dict) -> dict:
    """Fields without empty values."""
    return {k: v for k, v in fields.items() if v not in (None, "", [], {})}
