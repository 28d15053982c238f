"""Matching saved searches against a batch of articles: which of them each alert's query matches (the
Searcher's `among`, restricted to those ids), and under which story each is reported: a copy of an article
already alerted, or another outlet's report of its story, is reported "also in" that story (once: an
article fires once per alert), and so is a new copy of an alerted article that the query misses."""

from __future__ import annotations

from newsgrep.alerts.hits import AlertHit
from newsgrep.search.results import Hit, format_date
from newsgrep.search.searcher import Searcher
from newsgrep.store.alerts import Alert

RECENT_STORIES = 50  # an alert's latest stories that a new article is compared with (other outlets' reports)


def search_options(alert: Alert) -> dict:
    """The alert's saved options as the Searcher's keyword arguments."""
    options = alert.options
    return {
        "operator": options.get("operator", "and"),
        "since": options.get("since"),
        "until": options.get("until"),
        "paths": tuple(options.get("paths", ())),
        "globs": tuple(options.get("globs", ())),
    }


def match_alert(
    searcher: Searcher,
    alert: Alert,
    ids: list[str],
    fired_before,
    leads: list[str],
    copies: dict[str, list[str]],
) -> list[AlertHit]:
    """The hits of `alert` among the articles `ids`, in story order. `fired_before(ids)` gives {id: story}
    of those that fired already (they are left out); `leads` are the alert's recent stories; `copies`
    the near-duplicates of `ids` (Searcher.copies)."""
    matched = searcher.among(alert.query, ids, **search_options(alert))
    earlier = fired_before([hit.id for hit in matched] + [c for i in ids for c in copies.get(i, ())])
    fresh = [hit for hit in matched if hit.id not in earlier]
    story: dict[str, str] = {}
    for hit in fresh:  # a copy of an article that fired: that article's story
        for other in copies.get(hit.id, ()):
            if other in earlier:
                story[hit.id] = earlier[other]
                break
    rest = [hit.id for hit in fresh if hit.id not in story]
    story.update(searcher.stories(rest, leads))  # another outlet's report, or a copy among the new ones
    hits = [_hit(alert.name, hit, story.get(hit.id, hit.id)) for hit in fresh]
    # New articles the query misses that are copies of one it matched now, or of one that fired before.
    reported = {hit.id: story.get(hit.id, hit.id) for hit in fresh}
    known = {**earlier, **reported}
    matched_ids = {hit.id for hit in matched}
    missed = [i for i in ids if i not in known and i not in matched_ids]
    found_copies = {i: next((known[c] for c in copies.get(i, ()) if c in known), None) for i in missed}
    copied = {i: lead for i, lead in found_copies.items() if lead is not None}
    if copied:  # those the alert's dates and paths keep
        options = search_options(alert)
        del options["operator"]
        kept = searcher.within(list(copied), **options)
        copied = {i: lead for i, lead in copied.items() if i in kept}
    if copied:
        for article in searcher.articles_by_id(list(copied)):
            hits.append(
                AlertHit(
                    alert.name,
                    article.id,
                    article.path,
                    article.title,
                    article.source,
                    format_date(article.date),
                    copied[article.id],
                    also_in=True,
                )
            )
    titles = {found.id: found.title for found in hits}
    for found in hits:
        if found.story != found.id:
            found.also_in = True
            found.story_title = titles.get(found.story) or _title(searcher, found.story)
        else:
            found.story_title = found.title
    return hits


def _hit(alert: str, hit: Hit, story: str) -> AlertHit:
    passage = hit.passages[0].text if hit.passages else ""
    return AlertHit(alert, hit.id, hit.path, hit.title, hit.source, format_date(hit.date), story, passage=passage)


def _title(searcher: Searcher, article_id: str) -> str:
    found = searcher.articles_by_id([article_id])
    return found[0].title if found else ""
