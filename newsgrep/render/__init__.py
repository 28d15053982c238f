"""The printers: every command's result, for people (`terminal.Human`) or for scripts
(`json_lines.JsonLines`); the web page (`newsgrep serve`) renders the same result objects.

A command picks its printer once (`printer(as_json, color)`) and hands it its result; printers never
run queries and hold no logic beyond presentation. Notes about how a query ran (fallback, did-you-mean)
and skipped files go to stderr in both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from newsgrep.indexer.check import CheckReport
    from newsgrep.indexer.report import IndexReport
    from newsgrep.search.evaluate import Evaluation
    from newsgrep.search.results import SearchResult, ShownArticle, Timeline
    from newsgrep.store.stats import IndexStats, RootInfo


class Printer(Protocol):
    def search(self, result: SearchResult) -> None: ...

    def files(self, paths: list[str]) -> None: ...

    def count(self, count: int) -> None: ...

    def vimgrep(self, result: SearchResult) -> None: ...

    def roots(self, roots: list[RootInfo]) -> None: ...

    def articles(self, articles: list[ShownArticle]) -> None: ...

    def timeline(self, timeline: Timeline) -> None: ...

    def index_report(self, report: IndexReport, quiet: bool = False) -> None: ...

    def watch_report(self, report: IndexReport) -> None: ...

    def check(self, report: CheckReport) -> None: ...

    def stats(self, stats: IndexStats) -> None: ...

    def evaluation(self, evaluation: Evaluation, per_query: bool = False) -> None: ...


def printer(as_json: bool = False, color: bool = False, **human) -> Printer:
    """JSON lines, or the human printer (with its options: `plain`, `width`, `passage_chars`)."""
    if as_json:
        from newsgrep.render.json_lines import JsonLines

        return JsonLines()
    from newsgrep.render.terminal import Human

    return Human(color, **human)
