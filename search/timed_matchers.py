"""Whoosh searchers whose term matchers keep to a deadline: the time budget reaches into the matchers' own
work, not only the gaps between matches.

Whoosh's TimeLimitCollector looks at the clock between matches, but a nested query does most of its work
before the first match: an intersection of unions of intersections finds its first document while it is
built (`IntersectionMatcher._find_first`), and a query that matches little walks its postings a long way
between two matches. Every posting list a search reads comes from `Searcher.postings` (Whoosh's own
`Term.matcher` asks it), so a searcher that hands out term matchers which look at the clock as they move
bounds all of it: past the deadline the next move raises `collectors.TimeLimit`, which ends the search
with the documents collected so far.
"""

from __future__ import annotations

import time

from whoosh import collectors, searching

EVERY = 64  # moves of any term matcher between two looks at the clock


class Clock:
    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.countdown = EVERY

    def tick(self) -> None:
        self.countdown -= 1
        if self.countdown <= 0:
            self.countdown = EVERY
            if time.monotonic() >= self.at:
                raise collectors.TimeLimit


class TimedSearcher(searching.Searcher):
    """A Whoosh searcher over `searcher`'s reader (not closing it) whose term matchers stop at `seconds`
    from now."""

    clock: Clock | None = None

    @classmethod
    def over(cls, searcher: searching.Searcher, seconds: float) -> TimedSearcher:
        timed = cls(searcher.reader(), weighting=searcher.weighting, closereader=False)
        clock = Clock(seconds)
        for leaf, _ in timed.leaf_searchers():
            leaf.clock = clock
        timed.clock = clock
        return timed

    def postings(self, fieldname, text, weighting=None, qf=1):
        matcher = super().postings(fieldname, text, weighting=weighting, qf=qf)
        return matcher if self.clock is None else _on_the_clock(matcher, self.clock)


def _on_the_clock(matcher, clock: Clock):
    # On the instance, so that the matcher keeps its class (and Whoosh its fast paths for it): only its
    # two moves look at the clock.
    advance, skip = matcher.next, matcher.skip_to

    def next_():
        clock.tick()
        return advance()

    def skip_to(docnum):
        clock.tick()
        return skip(docnum)

    matcher.next, matcher.skip_to = next_, skip_to
    return matcher
