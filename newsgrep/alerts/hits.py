"""What an alert reports: one article that matched a saved search (or another report of a story that
did), as plain data for the printers, the outbox and the commands given the hit on their standard input."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class AlertHit:
    alert: str
    id: str
    path: str
    title: str
    source: str | None
    date: str | None  # ISO, as search's JSON gives it
    story: str  # the id of the article leading the story: this one, or an earlier report of it
    story_title: str = ""
    passage: str = ""  # its best matching passage ("" for a copy that does not match by itself)
    also_in: bool = False  # another report (a copy, another outlet) of a story already reported
    fired: bool = True  # False in a replay (`alert run --since`): matched, but not fired by that run

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict) -> AlertHit:
        return cls(**{name: record[name] for name in cls.__dataclass_fields__ if name in record})


@dataclass
class AlertRun:
    """The alert step of an indexing run: the hits it delivered and what went wrong (one line each)."""

    hits: list[AlertHit]
    problems: list[str]
    articles: int = 0  # new or changed articles matched against the alerts
    seconds: float = 0.0
