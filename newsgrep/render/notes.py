"""What both printers say on stderr: how a query was run, and the files that were skipped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import click

from newsgrep.render.text import display_path

if TYPE_CHECKING:
    from newsgrep.formats.records import Skip
    from newsgrep.indexer.report import IndexReport
    from newsgrep.search.results import SearchResult, Timeline

SKIPS_SHOWN = 20  # a feed with thousands of empty records names the first ones, then counts the rest


def say(message: str) -> None:
    click.echo(f"newsgrep: {message}", err=True)


def query_notes(result: SearchResult) -> None:
    if result.timed_out:
        say(
            f"the search ran out of time after {result.seconds:g} s: showing the best articles found by then"
            " (--timeout SECONDS for more, 0 for no limit)"
        )
    if result.corrected_from:
        say(
            f"showing results for {result.query!r}: {result.corrected_from!r} matched only other words of its stem"
            " (quote a word to search it uncorrected)"
        )
    if result.fallback:
        say(fallback_note(result))
    if result.suggestion:
        say(f"did you mean: {result.suggestion}")


def timeline_notes(timeline: Timeline) -> None:
    if timeline.fallback:
        say("no article has all the words; counting articles with any of them")


def fallback_note(result: SearchResult) -> str:
    if not result.all_words:
        return "no article has all the words; showing articles with any of them"
    noun = "article has" if result.all_words == 1 else "articles have"
    return f"only {result.all_words} {noun} all the words; showing articles with any of them"


def skips(found: list[Skip], shown: int | None = SKIPS_SHOWN) -> None:
    """Skipped files and records, and notes (count 0: part of a file ignored, or left for the next run)."""
    for skip in found if shown is None else found[:shown]:
        if skip.count:
            say(f"skipped {display_path(skip.path)}: {skip.reason}")
        else:
            say(f"{display_path(skip.path)}: {skip.reason}")
    if shown is not None and len(found) > shown:
        say(f"... and {len(found) - shown} more skipped (all of them with --json)")


def index_notes(report: IndexReport, shown: int | None = SKIPS_SHOWN) -> None:
    """What both printers say on stderr after an indexing run: skips, then each missing extra once."""
    skips(report.skips, shown)
    ignored(report.ignored)
    for note in report.extra_notes():
        say(note)


def ignored(counts: Mapping[str, int]) -> None:
    """Files of formats newsgrep does not read, by extension: "ignored: 3 .docx, 1 .pdf"."""
    if counts:
        listed = ", ".join(
            f"{count:,} {kind}" for kind, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        say(f"ignored (formats newsgrep does not read): {listed}")


def index_above(path: str) -> None:
    say(f"using the index at {display_path(path)}, found in a parent folder (--index DIR for another)")


def missing_shards(count: int) -> None:
    say(f"warning: {count} shard{'s' if count > 1 else ''} of the index did not answer in time: results are incomplete")
