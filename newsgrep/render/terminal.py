"""The human printer: results as text for people, colour on a terminal only (NO_COLOR honoured);
without colour, matches are marked **like this** (or not at all: `plain`). Passages and headlines are
wrapped at the terminal's width (`width`) at word boundaries, continuation lines indented."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from newsgrep.render import notes
from newsgrep.render.text import display_path, plural, printable, process_seconds
from newsgrep.render.wrap import wrap_marked
from newsgrep.search.results import format_date

if TYPE_CHECKING:
    from newsgrep.indexer.check import CheckReport
    from newsgrep.indexer.report import IndexReport
    from newsgrep.search.evaluate import Evaluation, QueryScores
    from newsgrep.search.results import Hit, PassageMatch, SearchResult, ShownArticle, Timeline
    from newsgrep.store.stats import IndexStats, RootInfo

SHOWN_CHARS = 320  # a longer passage is trimmed around its first matches
BAR_WIDTH = 40  # timeline bars
PATHS_SHOWN = 20  # check: paths listed per kind of finding
_SPACE = re.compile(r"\s+")
_CHECK_KINDS = (
    ("missing", "not indexed"),
    ("stale", "changed since indexed"),
    ("extra", "indexed, but not in the manifest or gone"),
    ("mismatched", "article count differs between manifest and index"),
    ("duplicates", "article ids indexed more than once"),
    ("damaged", "unreadable index data"),
)
_MEASURES = (("nDCG@10", "ndcg10"), ("MAP", "map"), ("P@10", "p10"), ("R@100", "r100"))
_QUERY_MEASURES = (("nDCG@10", "ndcg10"), ("AP", "ap"), ("P@10", "p10"), ("R@100", "r100"))


INDENT = "   "


class Human:
    def __init__(
        self, color: bool = False, *, plain: bool = False, width: int | None = None, passage_chars: int = SHOWN_CHARS
    ):
        self.color = color and not plain
        self.plain = plain  # no marks at all
        self.width = width  # wrap at this many columns (None: one line per passage)
        self.passage_chars = passage_chars

    def _echo(self, text: str = "") -> None:
        click.echo(text, color=self.color)

    def _style(self, text: str, **kw) -> str:
        return click.style(text, **kw) if self.color else text

    # search and similar --------------------------------------------------------------------------------
    def search(self, result: SearchResult) -> None:
        notes.query_notes(result)
        for name, counts in result.facets.items():
            shown_counts = " · ".join(f"{printable(value) or '(none)'} {count}" for value, count in counts.items())
            self._echo(self._style(f"by {name}: ", bold=True) + (shown_counts or "nothing matched"))
            self._echo("")
        for hit in result.hits:
            self._hit(hit)
        shown = len(result.hits)
        if shown:
            for line in wrap_marked(_footer(result), [], self.width, "", _unmarked):
                self._echo(self._style(line, dim=True))
        elif result.offset and result.total:
            notes.say(f"no more matches: {result.total:,} in all, --offset {result.offset}")
        else:
            notes.say(f"no article matches {result.query!r}{_building(result)}")

    def files(self, paths: list[str]) -> None:
        """`search -l`: one path a line."""
        for path in paths:
            self._echo(printable(display_path(path)))

    def count(self, count: int) -> None:
        """`search -c`."""
        self._echo(str(count))

    def vimgrep(self, result: SearchResult) -> None:
        """`search --vimgrep`: `path:line:column:passage` for each shown passage."""
        notes.query_notes(result)
        for hit in result.hits:
            for passage in hit.passages:
                place = passage.place
                line, column = (place.line, place.column) if place else (1, 1)
                start, end = _window(passage.text, passage.highlights, self.passage_chars)
                self._echo(f"{printable(display_path(hit.path))}:{line}:{column}:{_flat(passage.text[start:end])}")

    def _mark(self, word: str, opens: bool = True, closes: bool = True) -> str:
        if self.plain:
            return word
        if self.color:
            return self._style(word, fg="red", bold=True)
        return f"{'**' if opens else ''}{word}{'**' if closes else ''}"

    def _lines(self, text: str, spans, first_indent: str = INDENT, mark=None) -> list[str]:
        cells = 0 if (self.plain or self.color) else 2
        return wrap_marked(text, spans, self.width, INDENT, mark or self._mark, first_indent, cells)

    def _hit(self, hit: Hit) -> None:
        style = self._style
        number = f"{hit.rank}."
        title = printable(hit.title) or "(untitled)"
        spans = hit.title_highlights if hit.title else []

        def title_mark(word: str, opens: bool, closes: bool) -> str:
            marked = self._mark(word, opens, closes)
            return style(marked, bold=True) if marked == word else marked

        first = " " * (len(number) + 1)
        lines = self._lines(title, spans, first_indent=first, mark=title_mark)
        for i, line in enumerate(lines):  # the indents stay outside the styles
            lead = first if i == 0 else INDENT
            text = line[len(lead) :]
            start = style(number, bold=True) + " " if i == 0 else lead
            lines[i] = start + (text if spans else style(text, bold=True))
        if hit.near_duplicate:
            lines[-1] += style(" [copy]", fg="cyan")
        for line in lines:
            self._echo(line)
        meta = [format_date(hit.date), hit.source, display_path(hit.path, hit.key), f"id {hit.id}"]
        for line in self._lines(" · ".join(printable(m) for m in meta if m), [], mark=_unmarked):
            self._echo(style(line, fg="magenta"))
        for passage in hit.passages:
            for line in self._passage_lines(passage):
                self._echo(line)
        if hit.duplicates:
            more = len(hit.duplicates)
            listed = "; ".join(
                " ".join(
                    p for p in (copy.source or display_path(copy.path), format_date(copy.date), f"id {copy.id}") if p
                )
                for copy in hit.duplicates[:3]
            )
            rest = f"; and {more - 3} more" if more > 3 else ""
            for line in self._lines(f"also in: {more} more ({printable(listed)}{rest})", [], mark=_unmarked):
                self._echo(style(line, fg="cyan"))
        self._echo("")

    def _passage_lines(self, passage: PassageMatch) -> list[str]:
        text, spans = passage.text, passage.highlights
        start, end = _window(text, spans, self.passage_chars)
        shown = ("…" if start > 0 else "") + printable(text[start:end]) + ("…" if end < len(text) else "")
        shift = (1 if start > 0 else 0) - start
        return self._lines(shown, [(s + shift, e + shift) for s, e in spans if e > start and s < end])

    # show ----------------------------------------------------------------------------------------------
    def articles(self, articles: list[ShownArticle]) -> None:
        for article in articles:
            rows = [
                ("id", article.id),
                ("path", display_path(article.path, article.key)),
                ("title", article.title),
                ("date", format_date(article.date) or "-"),
                ("source", article.source or "-"),
                ("byline", article.byline or "-"),
                ("url", article.url or "-"),
                *([("crawled", article.crawled.isoformat(sep=" "))] if article.crawled else []),
                ("passages", str(article.passages)),
            ]
            for name, value in rows:
                self._echo(f"{name:<9} {printable(value)}")
            self._echo("")
            self._echo(printable(article.body))
            self._echo("")

    # timeline ------------------------------------------------------------------------------------------
    def timeline(self, timeline: Timeline) -> None:
        notes.timeline_notes(timeline)
        peak = max((count for _, count in timeline.counts), default=0)
        for label, count in timeline.counts:
            bar = "█" * round(BAR_WIDTH * count / peak) if peak else ""
            if count and not bar:
                bar = "▏"
            self._echo(f"{label:<10} {bar} {count}")
        self._echo(f"{plural(timeline.total, 'matching article')}, {timeline.undated:,} undated")

    # index, watch --------------------------------------------------------------------------------------
    def roots(self, roots: list[RootInfo]) -> None:
        if not roots:
            self._echo("no roots: `newsgrep index PATH` adds one")
            return
        shown = [printable(display_path(root.path)) for root in roots]
        width = max(len(path) for path in shown)
        for path, root in zip(shown, roots, strict=True):
            missing = "  (missing: its articles are kept)" if not root.exists else ""
            counts = f"{plural(root.articles, 'article')}, {plural(root.files, 'file')}"
            self._echo(f"{path:<{width}}  {counts}{missing}")

    def index_report(self, report: IndexReport, quiet: bool = False) -> None:
        notes.index_notes(report)
        if quiet:
            return
        roots = ", ".join(display_path(r) for r in report.roots)
        self._echo(
            f"{'rebuilt' if report.rebuilt else 'indexed'} {roots}: {report.added} added, {report.updated} updated, "
            f"{f'{report.grown} grown, ' if report.grown else ''}"
            f"{report.removed} removed, {report.unchanged} unchanged, {report.skipped} skipped"
            f"{f', {report.refreshed} refreshed' if report.refreshed else ''}; "
            f"{plural(report.articles, 'article')} in {display_path(report.index)} ({report.seconds:.1f} s)"
        )

    def watch_report(self, report: IndexReport) -> None:
        notes.index_notes(report)
        if not (report.added or report.updated or report.grown or report.removed or report.refreshed or report.skips):
            return
        self._echo(
            f"indexed: {report.added} added, {report.updated} updated, "
            f"{f'{report.grown} grown, ' if report.grown else ''}{report.removed} removed, "
            f"{report.unchanged} unchanged, {report.skipped} skipped, {report.deferred} still being written; "
            f"{plural(report.articles, 'article')} ({report.seconds:.1f} s)"
        )

    # check, stats ----------------------------------------------------------------------------------------
    def check(self, report: CheckReport) -> None:
        for name, meaning in _CHECK_KINDS:
            paths = getattr(report, name)
            if paths:
                self._echo(f"{name} ({meaning}): {len(paths)}")
                for path in paths[:PATHS_SHOWN]:
                    self._echo(f"  {display_path(path)}")
                if len(paths) > PATHS_SHOWN:
                    self._echo(f"  ... and {len(paths) - PATHS_SHOWN} more")
        state = "consistent" if report.ok else "NOT consistent"
        repaired = " after repair" if report.repaired else ""
        counts = f"{plural(report.articles, 'article')}, {plural(report.files, 'file')}"
        self._echo(f"{display_path(report.index)}: {counts}: {state}{repaired}")

    def stats(self, stats: IndexStats) -> None:
        rows = [
            ("index", stats.index),
            ("articles", f"{stats.articles:,}"),
            ("passages", f"{stats.passages:,}"),
            ("files", f"{stats.files:,} indexed, {stats.skipped_files:,} skipped"),
            ("roots", "\n          ".join(stats.roots) or "(none)"),
            ("size", _size(stats.bytes)),
            ("segments", str(stats.segments)),
            ("updated", stats.updated or "never"),
        ]
        for name, value in rows:
            self._echo(f"{name:<9} {value}")

    # eval ----------------------------------------------------------------------------------------------
    def evaluation(self, evaluation: Evaluation, per_query: bool = False) -> None:
        rows = [(label, f"{getattr(evaluation, name):.4f}") for label, name in _MEASURES]
        rows += [("queries", str(evaluation.queries)), ("judgements", str(evaluation.judgements))]
        if evaluation.unjudged:
            rows.append(("unjudged", f"{evaluation.unjudged} (not run)"))
        for label, value in rows:
            self._echo(f"{label:<11} {value}")
        if not per_query:
            return
        self._echo("")
        self._echo(
            f"{'qid':<8} {'hits':>4} {'rel':>4} " + " ".join(f"{label:>7}" for label, _ in _QUERY_MEASURES) + "  notes"
        )
        for row in evaluation.per_query:
            values = " ".join(f"{getattr(row, name):>7.4f}" for _, name in _QUERY_MEASURES)
            self._echo(f"{row.qid:<8} {row.hits:>4} {row.relevant:>4} {values}  {_query_notes(row)}".rstrip())


def _query_notes(row: QueryScores) -> str:
    found = []
    if row.depunctuated:
        found.append("malformed: searched without punctuation")
    if row.fallback:
        found.append("OR fallback")
    if row.error:
        found.append(f"error: {row.error}")
    return "; ".join(found)


def _size(count: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:,} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def _flat(text: str) -> str:
    return printable(_SPACE.sub(" ", text))


def _unmarked(text: str, opens: bool = False, closes: bool = False) -> str:
    return text


def _footer(result: SearchResult) -> str:
    shown, seconds = len(result.hits), f"{result.seconds:.3f} s"
    waited = process_seconds()
    timing = f"{waited:.2f} s; search {seconds}" if waited is not None else seconds
    if result.similar_to:
        return f"{plural(shown, 'similar article')} shown ({timing})"
    about = "about " if result.estimated else ""
    first = f"{result.offset + 1}-{result.offset + shown}" if result.offset else f"{shown}"
    noun = "matching article" if result.total == 1 else "matching articles"
    return f"{first} of {about}{result.total:,} {noun} shown ({timing}){_building(result)}"


def _building(result: SearchResult) -> str:
    return (
        "; the index is still being built (its first build): more may match when it is done" if result.building else ""
    )


def _window(text: str, spans: list[tuple[int, int]], chars: int = SHOWN_CHARS) -> tuple[int, int]:
    """The part of a passage to show: all of it if short, else `chars` around the first matches,
    cut at spaces."""
    if len(text) <= chars:
        return 0, len(text)
    first = spans[0][0] if spans else 0
    start = max(0, first - chars // 4)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
