"""Dates in queries: ISO 8601 (whole or partial: 2009, 2009-07, 2009-07-16) first, then Whoosh's English
date parser ("yesterday", "last tuesday", "20090716"). Whoosh's own parser reads "2009-07-16" as the
whole of 2009, so ISO forms are taken here before it sees them."""

from __future__ import annotations

import datetime
import re

from whoosh.qparser.dateparse import DateParserPlugin, English
from whoosh.util.times import adatetime

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def parse_iso_date(text: str) -> adatetime | None:
    """An ISO date, whole or partial (2009, 2009-07, 2009-07-16), as Whoosh's partial datetime."""
    match = _ISO.fullmatch(text.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        datetime.date(int(match.group(1)), month or 1, day or 1)
    except ValueError:
        return None
    return adatetime(year=year, month=month, day=day)


class _IsoFirst:
    """Wraps a Whoosh date-parser element so that ISO dates are read before it tries."""

    def __init__(self, inner):
        self.inner = inner

    def date_from(self, text, dt=None, pos=0, debug=-9999):
        return parse_iso_date(text) or self.inner.date_from(text, dt, pos=pos, debug=debug)

    def parse(self, text, dt, pos=0, debug=-9999):
        return self.inner.parse(text, dt, pos=pos, debug=debug)


class NewsDates(English):
    def date_from(self, text, basedate=None, pos=0, debug=-9999, toend=True):
        found = parse_iso_date(text)
        if found is not None:
            return found.disambiguated(basedate or datetime.datetime.now(datetime.UTC).replace(tzinfo=None))
        return super().date_from(text, basedate, pos=pos, debug=debug, toend=toend)

    def get_parser(self):
        return _IsoFirst(super().get_parser())


def date_plugin(errors: list) -> DateParserPlugin:
    """Whoosh's date plugin with our date reader; parse errors are appended to `errors`."""
    return DateParserPlugin(dateparser=NewsDates(), callback=errors.append)


def date_bound(text: str, end: bool = False) -> datetime.datetime:
    """--since/--until values: an ISO date, whole or partial ("2009", "2009-07", "2009-07-16"), or any date
    Whoosh's English parser reads ("yesterday", "last tuesday"). `end` takes the end of the period."""
    from newsgrep.errors import QueryError

    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    try:
        found = NewsDates().date_from(text, now)
    except Exception:  # noqa: BLE001 - Whoosh's date grammar raises assorted errors on text it cannot read
        found = None
    if found is None:
        found = _relative(text, now)
    if found is None:
        raise QueryError(f'cannot read the date {text!r} (try 2009-07-16, 2009-07, 2009 or "last week")')
    if hasattr(found, "start"):  # a period: a timespan
        return found.end if end else found.start
    if end and found.time() == datetime.time(0):
        return found.replace(hour=23, minute=59, second=59, microsecond=999999)
    return found


def _relative(text: str, now: datetime.datetime) -> datetime.datetime | None:
    """Relative dates in words ("last week", "3 days ago", "two months ago") by dateparser, taken as
    the day they name."""
    import dateparser

    found = dateparser.parse(
        text,
        languages=["en"],
        settings={"RELATIVE_BASE": now, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return datetime.datetime(found.year, found.month, found.day) if found else None
