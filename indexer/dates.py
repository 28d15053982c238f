"""Dates in articles: date lines ("Page last updated at 10:37 GMT, Thursday, 16 July 2009"), header lines
("26-FEB-1987 15:01:01.79", "01/04/63 page 020") and metadata values, read with python-dateutil.

An article's date is its day (a datetime at midnight): time zones and hours are rarely reliable in
saved pages, and searches filter by day. Where no date is stated, there is none: nothing is guessed
from file times.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"\.?,?\s+\d{4}"  # 16 July 2009
    r"|" + _MONTH + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"  # July 16, 2009
    r"|\d{1,2}-" + _MONTH + r"-\d{4}"  # 26-FEB-1987
    r"|\d{4}-\d{1,2}-\d{1,2}"  # 2009-07-16
    r"|\d{1,2}/\d{1,2}/\d{2,4})\b",  # 07/16/2009, 01/04/63 (US order)
    re.I,
)
_FILLER = re.compile(
    r"\b(?:page|last|updated?|published|posted|modified|first|date|dated|on|at|gmt|utc|bst|uk|est|edt|pst|cet"
    r"|am|pm|a\.m|p\.m|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b"
    r"|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?|\d+|[^\w\s]",
    re.I,
)


def _day(when: dt.datetime, written: bool = True) -> dt.datetime | None:
    """The day of a date, or None for one in the future. A `written` one (read from text) may be a
    two-digit year read a century ahead."""
    when = dt.datetime(when.year, when.month, when.day)
    if when > dt.datetime.now() + dt.timedelta(days=2):
        if written and when.year - 100 >= 1800:  # a two-digit year read into the future: "01/04/63" is 1963
            return when.replace(year=when.year - 100)
        return None
    return when


def parse_date_text(text: str) -> dt.datetime | None:
    """A date written in any usual way ("2009-07-16T10:37Z", "Thu, 16 Jul 2009", "26-FEB-1987 15:01")."""
    from dateutil import parser

    try:
        parsed = parser.parse(text.strip(), dayfirst=False, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return _day(parsed)


def date_value(value) -> dt.datetime | None:
    """A metadata value (JSON field, HTML meta, a feed's or a document's date): text, a Unix timestamp,
    or a date or datetime (its day, as written: an offset is dropped, not applied)."""
    if isinstance(value, dt.datetime):
        return _day(value.replace(tzinfo=None), written=False)
    if isinstance(value, dt.date):
        return _day(dt.datetime(value.year, value.month, value.day), written=False)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return _day(dt.datetime.fromtimestamp(value, dt.UTC).replace(tzinfo=None))
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str) and value.strip():
        return parse_date_text(value)
    return None


def date_line(line: str) -> dt.datetime | None:
    """The date of a line that states a date and little else; None for any other line."""
    match = _DATE.search(line)
    if not match or len(line) > 120:
        return None
    rest = _FILLER.sub(" ", line[: match.start()] + " " + line[match.end() :])
    if len(rest.split()) > 1:
        return None
    return parse_date_text(match.group())
