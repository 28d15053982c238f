"""The JSON printer: one JSON object a line on stdout and nothing else there (notes go to stderr).

`search` and `similar` print one object per hit, in rank order, then `{"facets": {...}}` when counts
were asked for, then `{"summary": {...}}`: total (and whether it is an estimate), the fallback, the
suggestion, the time taken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from newsgrep.render import notes

if TYPE_CHECKING:
    from newsgrep.indexer.check import CheckReport
    from newsgrep.indexer.report import IndexReport
    from newsgrep.search.evaluate import Evaluation
    from newsgrep.search.results import SearchResult, ShownArticle, Timeline
    from newsgrep.store.stats import IndexStats, RootInfo


def search_records(result: SearchResult) -> Iterator[dict]:
    """The records of `search --json` (and of `newsgrep serve`'s JSON endpoint): one per hit, the
    facets when counted, the summary."""
    for hit in result.hits:
        yield hit.to_dict()
    if result.facets:
        yield {"facets": result.facets}
    yield {"summary": result.summary()}


def json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def _line(record: dict) -> None:
    click.echo(json_line(record))


class JsonLines:
    def search(self, result: SearchResult) -> None:
        notes.query_notes(result)
        for record in search_records(result):
            _line(record)

    def files(self, paths: list[str]) -> None:
        for path in paths:
            _line({"path": path})

    def count(self, count: int) -> None:
        _line({"count": count})

    def vimgrep(self, result: SearchResult) -> None:
        self.search(result)  # the passages carry "line" and "column"

    def roots(self, roots: list[RootInfo]) -> None:
        for root in roots:
            _line(root.to_dict())

    def articles(self, articles: list[ShownArticle]) -> None:
        for article in articles:
            _line(article.to_dict())

    def timeline(self, timeline: Timeline) -> None:
        notes.timeline_notes(timeline)
        _line(timeline.to_dict())

    def index_report(self, report: IndexReport, quiet: bool = False) -> None:
        notes.index_notes(report, shown=None)
        _line(report.to_dict())

    def watch_report(self, report: IndexReport) -> None:
        self.index_report(report)

    def check(self, report: CheckReport) -> None:
        _line(report.to_dict())

    def stats(self, stats: IndexStats) -> None:
        _line(stats.to_dict())

    def evaluation(self, evaluation: Evaluation, per_query: bool = False) -> None:
        _line(evaluation.to_dict())
