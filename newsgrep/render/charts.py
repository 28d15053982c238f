"""Bar charts as geometry for the page's SVG: a query's timeline (one column a period) and its counts per
source (one row a source). Drawn on the server, so the page needs no chart library and fetches nothing;
each bar carries the address it narrows the search to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

TIMELINE_WIDTH = 1000
TIMELINE_HEIGHT = 130
TIMELINE_AXIS = 18  # the strip under the columns where period labels go
TIMELINE_LABELS = 8  # at most this many period labels under the columns
TIMELINE_SLOT = 64  # the widest a period's column gets (a few periods stand in the middle)
ROW_HEIGHT = 20
ROWS_WIDTH = 300
ROW_LABEL = 110  # the column left of the bars where source names go
ROW_COUNT = 40  # the column right of the bars where counts go


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str | None  # where a click goes (None: nowhere, e.g. an empty period)
    slot_x: float  # the bar's whole slot, a target for the pointer even where the bar is short
    slot_y: float
    slot_width: float
    slot_height: float


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]  # labels drawn beside the bars
    peak: int


def column_chart(
    counts: list[tuple[str, int]], href: Callable[[str], str | None], width: int = TIMELINE_WIDTH
) -> BarChart:
    """One column a period, left to right, heights relative to the busiest period; labels for at most
    TIMELINE_LABELS periods, evenly spaced."""
    peak = max((count for _, count in counts), default=0)
    slot = min(width / max(len(counts), 1), TIMELINE_SLOT)
    left = (width - slot * len(counts)) / 2
    gap = min(2.0, slot * 0.2)
    plot = TIMELINE_HEIGHT - TIMELINE_AXIS
    bars = []
    for i, (label, count) in enumerate(counts):
        height = plot * count / peak if peak else 0.0
        if count and height < 1.5:
            height = 1.5  # one article among thousands still shows
        bars.append(
            Bar(
                label,
                count,
                x=round(left + i * slot + gap / 2, 2),
                y=round(plot - height, 2),
                width=round(max(slot - gap, 0.5), 2),
                height=round(height, 2),
                href=href(label) if count else None,
                slot_x=round(left + i * slot, 2),
                slot_y=0.0,
                slot_width=round(slot, 2),
                slot_height=float(plot),
            )
        )
    step = max(1, -(-len(counts) // TIMELINE_LABELS))  # ceiling division
    ticks = [  # x in percent of the width: the columns stretch to the page's width, the labels do not
        Tick(round(100 * (left + i * slot + slot / 2) / width, 2), TIMELINE_HEIGHT - 4, label)
        for i, (label, _) in enumerate(counts)
        if i % step == 0
    ]
    return BarChart(width, TIMELINE_HEIGHT, bars, ticks, peak)


def row_chart(counts: list[tuple[str, int]], href: Callable[[str], str | None], width: int = ROWS_WIDTH) -> BarChart:
    """One row a name, in the order given, lengths relative to the largest count."""
    peak = max((count for _, count in counts), default=0)
    room = width - ROW_LABEL - ROW_COUNT
    bars, ticks = [], []
    for i, (name, count) in enumerate(counts):
        top = i * ROW_HEIGHT
        length = room * count / peak if peak else 0.0
        bars.append(
            Bar(
                name,
                count,
                x=float(ROW_LABEL),
                y=top + 3.0,
                width=round(max(length, 1.5 if count else 0.0), 2),
                height=ROW_HEIGHT - 6.0,
                href=href(name) if count else None,
                slot_x=0.0,
                slot_y=float(top),
                slot_width=float(width),
                slot_height=float(ROW_HEIGHT),
            )
        )
        ticks.append(Tick(round(ROW_LABEL + length + 4, 2), top + ROW_HEIGHT - 6, f"{count:,}"))
    return BarChart(width, ROW_HEIGHT * len(counts), bars, ticks, peak)
