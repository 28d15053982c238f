"""The Searcher: opened on an index, it answers `search`, `similar`, `timeline`, `count_by`, `suggest` and
`articles`, from a backend's candidates (newsgrep.search.backend) with the pipeline every backend
shares: parse -> candidates -> passages -> stories -> highlights -> results.

Ranking mixes two kinds of evidence, each normalised by the best score of the query: the whole article
(BM25F over the body field, which holds the headline's words too: it decides what matches, so an
article whose words are spread over several paragraphs still counts) and its best passage (BM25 over
the passage's words, from the body's postings: words close together count more).

    from newsgrep import open_index
    with open_index(".newsgrep") as searcher:
        result = searcher.search("drug cartel pact", limit=5)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from whoosh import query as wq

from newsgrep.errors import QueryError
from newsgrep.search.article_set import ArticleSet
from newsgrep.search.backend import Backend, Candidate, Candidates
from newsgrep.search.dates import date_bound
from newsgrep.search.highlight import highlight_spans, match_terms
from newsgrep.search.limits import DEFAULT_LIMITS, Deadline, Limits, bound_query
from newsgrep.search.parse import ParsedQuery, parse_query, positive_leaves
from newsgrep.search.passage_scores import HEADLINE, headline_length, passage_scores, robertson_idf
from newsgrep.search.results import Hit, PassageMatch, ReadArticle, SearchResult, ShownArticle, Timeline
from newsgrep.search.scope import scope_query
from newsgrep.search.settings import DEFAULT_RANKING, Ranking
from newsgrep.search.stories import StoryMatcher, as_copy
from newsgrep.search.suggest import suggestion
from newsgrep.search.timeline import PERIODS, count_periods
from newsgrep.store.schema import PASSAGE_FIELD, F

MIN_ID_PREFIX, ID_LENGTH = 4, 12  # an id's first digits that name it, as git's short commit names
SORTS = ("relevance", "date", "-date")  # date: newest first; -date: oldest first (undated last in both)
FACETS = {"source": F.OUTLET}  # what matches can be counted by, and the field that counts them
AMONG_CHUNK = 5000  # article ids a query is intersected with at a time (`among`)


class ArticleNotFound(QueryError):
    pass


@dataclass(frozen=True)
class _Match:
    """What a query's articles must match, after the any-word fallback."""

    parsed: ParsedQuery
    found: Candidates | None  # the candidates, when they were retrieved to decide
    fallback: bool
    all_words: int  # articles that had every word (of a plain query)


class Searcher:
    """Searches one index (any backend). Not shared between threads: open one per thread."""

    def __init__(self, backend: Backend, ranking: Ranking = DEFAULT_RANKING, limits: Limits = DEFAULT_LIMITS):
        self.backend = backend
        self.ranking = ranking
        self.limits = limits  # what one query may cost (newsgrep.search.limits)
        self._deadline = Deadline(None)  # the running search's
        self._idf: dict[str, float] = {}  # body-field idf of terms seen by story collapse, until the index changes
        self._sets: dict[tuple[str, ...], ArticleSet] = {}  # `among`'s restrictions, until the index changes

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.backend.close()

    # search --------------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        passages: int = 3,
        operator: str = "and",
        since: str | None = None,
        until: str | None = None,
        collapse: bool = True,
        sort: str = "relevance",
        facets: tuple[str, ...] = (),
        offset: int = 0,
        paths: tuple[str, ...] | list[str] = (),
        globs: tuple[str, ...] | list[str] = (),
        reverse: bool = False,
        correct: bool = True,
        timeout: float | None = None,
    ) -> SearchResult:
        """The best `limit` stories for `query`, each with its best `passages`.

        With the default AND operator, a plain query whose words too few articles have all of is run
        again with OR (the result says so in `fallback`). `since`/`until` keep articles dated within the
        period (ISO dates, whole or partial, or words such as "last week"). With `collapse`, copies of an
        article and other outlets' reports of the same story are listed under its hit instead of as hits.
        `sort="date"` orders matching articles newest first (`"-date"`: oldest first). `facets=("source",)`
        counts matches per source. `offset` skips that many stories (paging: hits are ranked from
        offset + 1). `paths` (files or folders) and `globs` (newsgrep.search.scope) keep articles whose
        files lie there. `reverse` turns the order round: oldest first for `sort="date"`, and with
        `sort="relevance"` the best of the page last. With `correct`, a query whose few hits match a
        misspelt word only by its stem is searched as corrected (newsgrep.search.correct; the result's
        `corrected_from` says so). A search runs for at most `timeout` seconds (None: the limits'
        default; 0: no limit); one that runs out returns the best articles found by then, with
        `timed_out` set. Raises QueryError for a malformed query.
        """
        if sort not in SORTS:
            raise QueryError(f"cannot sort by {sort!r} (relevance, date or -date)")
        unknown = set(facets) - set(FACETS)
        if unknown:
            raise QueryError(f"cannot count matches by {', '.join(sorted(unknown))} ({', '.join(FACETS)})")
        outer = correct  # a correction's search (correct=False) runs within the budget of the search it corrects
        if outer:
            self._deadline = Deadline(self.limits.timeout if timeout is None else timeout)
        try:
            started = time.monotonic()
            period = _restrict(_period(since, until), scope_query(paths, globs))
            if reverse and sort != "relevance":
                sort, reverse = ("-date" if sort == "date" else "date"), False
            wanted = limit + offset
            result = self._retrying(
                lambda: self._search(query, wanted, passages, operator, period, collapse, sort, facets)
            )
            result.hits, result.offset = result.hits[offset:], offset
            if reverse:
                result.hits.reverse()
            result.building = self.backend.building()
            result.missing_shards = getattr(self.backend, "missing", 0)  # a sharded backend's (newsgrep.cluster)
            if correct and not result.timed_out and not self._deadline.passed() and self._misspelt(result):
                corrected = self.search(
                    result.suggestion or "",
                    limit=limit,
                    passages=passages,
                    operator=operator,
                    since=since,
                    until=until,
                    collapse=collapse,
                    sort=sort,
                    facets=facets,
                    offset=offset,
                    paths=paths,
                    globs=globs,
                    reverse=reverse,
                    correct=False,
                )
                if corrected.total > result.total and not corrected.timed_out:
                    corrected.corrected_from = query
                    result = corrected
            result.seconds = round(time.monotonic() - started, 4)
            return result
        finally:
            if outer:
                self._deadline = Deadline(None)

    def _misspelt(self, result: SearchResult) -> bool:
        """Whether a result should give way to its suggestion: few hits, all by a stem only."""
        if not result.suggestion or result.fallback or not result.hits or result.total >= self.ranking.suggest_below:
            return False
        from newsgrep.search.correct import matched_by_stem_only

        return matched_by_stem_only(result, list(self.backend.stored([hit.id for hit in result.hits]).values()))

    def files(
        self,
        query: str,
        *,
        operator: str = "and",
        since: str | None = None,
        until: str | None = None,
        paths: tuple[str, ...] | list[str] = (),
        globs: tuple[str, ...] | list[str] = (),
        sort: str = "relevance",
        reverse: bool = False,
    ) -> list[str]:
        """The files of every article matching `query` (as `search` runs it), once each, in the order of
        their best article's score (BM25F over the whole article, no passages), or by date; `reverse`
        as in `search`."""
        if sort not in SORTS:
            raise QueryError(f"cannot sort by {sort!r} (relevance, date or -date)")
        period = _restrict(_period(since, until), scope_query(paths, globs))
        if reverse and sort != "relevance":
            sort, reverse = ("-date" if sort == "date" else "date"), False

        def run() -> list[str]:
            match = self._match(query, operator, period, self._decision_count)
            found = self._candidates(match.parsed.article, max(self.backend.doc_count(), 1), sort)
            files = list(dict.fromkeys(c.article.path for c in found.hits))
            return files[::-1] if reverse else files

        return self._retrying(run)

    def count(
        self,
        query: str,
        *,
        operator: str = "and",
        since: str | None = None,
        until: str | None = None,
        paths: tuple[str, ...] | list[str] = (),
        globs: tuple[str, ...] | list[str] = (),
    ) -> int:
        """The exact number of articles matching `query` as `search` runs it (with its any-word fallback)."""
        period = _restrict(_period(since, until), scope_query(paths, globs))

        def run() -> int:
            match = self._match(query, operator, period, self._decision_count)
            return self.backend.count(match.parsed.article, self.backend.doc_count())

        return self._retrying(run)

    def among(
        self,
        query: str,
        ids: list[str],
        *,
        operator: str = "and",
        since: str | None = None,
        until: str | None = None,
        paths: tuple[str, ...] | list[str] = (),
        globs: tuple[str, ...] | list[str] = (),
    ) -> list[Hit]:
        """Which of the articles `ids` match `query`, best first, each with its best passage: the query
        parsed and bounded as `search` parses it (its patterns expanded within the limits, each chunk of
        ids searched within search's time budget), with the same filters, but without the any-word fallback
        (a saved search of three words wants all three). The query is intersected with those ids (Whoosh
        skips along the archive's postings to them), so it costs what those articles cost, not a search
        of the archive. Raises QueryError for a malformed query."""
        if not ids:
            return []
        period = _restrict(_period(since, until), scope_query(paths, globs))
        hits: list[Hit] = []
        for start in range(0, len(ids), AMONG_CHUNK):
            chunk = ids[start : start + AMONG_CHUNK]

            def run(chunk=chunk) -> list[Hit]:
                parsed = self._parse(query, operator, period)
                found = self._candidates(self._article_set(chunk).around(parsed.article), len(chunk), "relevance")
                return self._rank(found, parsed.passage, len(chunk), 1, collapse=False, by_score=True)

            self._deadline = Deadline(self.limits.timeout)  # each chunk within search's time budget
            try:
                hits.extend(self._retrying(run))
            finally:
                self._deadline = Deadline(None)
        return hits

    def within(
        self,
        ids: list[str],
        *,
        since: str | None = None,
        until: str | None = None,
        paths: tuple[str, ...] | list[str] = (),
        globs: tuple[str, ...] | list[str] = (),
    ) -> set[str]:
        """Those of the articles `ids` that pass search's filters (dates, paths, globs)."""
        period = _restrict(_period(since, until), scope_query(paths, globs))
        found: set[str] = set()
        for start in range(0, len(ids), AMONG_CHUNK):
            chunk = ids[start : start + AMONG_CHUNK]

            def run(chunk=chunk) -> list[Candidate]:
                articles = self._article_set(chunk)
                only = articles if period is None else articles.around(period)
                return self._candidates(only, len(chunk), "relevance").hits

            hits = self._retrying(run)
            found.update(c.article.id for c in hits)
        return found

    def _article_set(self, ids: list[str]) -> ArticleSet:
        """The query matching these articles, kept while the index does not change (every alert of a run
        asks for the same ones)."""
        key = tuple(ids)
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = ArticleSet(ids)
        return found

    def articles_by_id(self, ids: list[str]) -> list[ShownArticle]:
        """The articles with these ids (those in the index), in the order given."""
        return self._retrying(lambda: [_shown(a) for a in self.backend.stored(ids).values()])

    def copies(self, ids: list[str]) -> dict[str, list[str]]:
        """{id: ids of its near-duplicates} for those of `ids` that have some."""
        return self._retrying(lambda: self.backend.copies(ids))

    def stories(self, ids: list[str], leads: list[str]) -> dict[str, str]:
        """{id: the article leading its story} for those of `ids` (taken in order) that are copies or other
        outlets' reports (as `search` collapses them) of one of `leads` or of an id before them; the
        others lead stories of their own."""

        if not ids:
            return {}

        def run() -> dict[str, str]:
            stored = self.backend.stored(list(dict.fromkeys([*leads, *ids])))
            matcher = StoryMatcher(self.backend.copies(list(stored)), self._body_idf, self.ranking)
            known = [stored[i] for i in leads if i in stored]
            found: dict[str, str] = {}
            for article_id in ids:
                article = stored.get(article_id)
                if article is None:
                    continue
                lead = next((other for other in known if matcher.same(other, article)), None)
                if lead is not None:
                    found[article_id] = lead.id
                else:
                    known.append(article)
            return found

        return self._retrying(run)

    def _search(self, query, limit, per_hit, operator, period, collapse, sort, facets) -> SearchResult:
        ranking = self.ranking
        candidates = max(ranking.candidates, limit * ranking.candidates_per_hit)
        match = self._match(query, operator, period, lambda q: self._candidates(q, candidates, sort))
        found = match.found
        assert found is not None
        hits = self._rank(found, match.parsed.passage, limit, per_hit, collapse, sort == "relevance")
        counted = {name: self._count_by(match.parsed.article, FACETS[name]) for name in facets}
        better = None
        if (found.total < ranking.suggest_below or match.fallback) and not self._deadline.passed():
            better = self.suggest(query, 0 if match.fallback else found.total)
        return SearchResult(
            query,
            hits,
            found.total,
            match.fallback,
            facets=counted,
            suggestion=better,
            all_words=match.all_words,
            estimated=found.estimated,
            timed_out=found.timed_out or self._deadline.passed(),
        )

    def _match(self, query: str, operator: str, period: wq.Query | None, retrieve) -> _Match:
        """Parses the query and decides whether it is run with all its words or, when too few articles
        have them all, with any of them. `retrieve(article_query)` gives candidates for the decision."""
        parsed = self._parse(query, operator, period)
        words = len(positive_leaves(parsed.passage)) if parsed.passage is not None else 0
        found = retrieve(parsed.article)
        all_words = _size(found)
        plain = operator == "and" and not parsed.explicit
        timed_out = isinstance(found, Candidates) and found.timed_out
        if plain and not timed_out and self.ranking.falls_back(words, all_words):
            parsed = self._parse(query, "or", period, self.ranking.or_bonus)
            found = retrieve(parsed.article)
            fallback = _size(found) > all_words  # said only when the any-word query found more
            return _Match(parsed, found if isinstance(found, Candidates) else None, fallback, all_words)
        return _Match(parsed, found if isinstance(found, Candidates) else None, False, all_words)

    def _parse(self, query: str, operator: str, period: wq.Query | None, or_bonus: float = 0.0) -> ParsedQuery:
        """The query parsed, its patterns expanded within the limits (newsgrep.search.limits)."""
        ranking = self.ranking
        repeats = (ranking.query_frequency, ranking.passage_query_frequency)
        parsed = parse_query(query, self.backend.schema, operator, period, or_bonus, *repeats)
        expansions: dict = {}  # the passage query's patterns are the article query's
        parsed.article = bound_query(parsed.article, self.backend, self.limits, self._deadline, expansions)
        if parsed.passage is not None:
            parsed.passage = bound_query(parsed.passage, self.backend, self.limits, self._deadline, expansions)
        return parsed

    def _candidates(self, article_query: wq.Query, limit: int, sort: str, exclude=frozenset()) -> Candidates:
        backend = self.backend
        return backend.candidates(
            article_query,
            limit,
            stats=backend.statistics(article_query),
            sort=sort,
            exclude=exclude,
            seconds=self._deadline.left(),
        )

    def _rank(
        self, found: Candidates, passage_query, limit: int, per_hit: int, collapse: bool, by_score: bool
    ) -> list[Hit]:
        ranking = self.ranking
        if not found.hits:
            return []
        best_article = max(c.score for c in found.hits) or 1.0
        analyzer = self.backend.schema[PASSAGE_FIELD].analyzer
        headlines = (
            {c.ref: headline_length(c.article.title, c.article.passages, analyzer) for c in found.hits}
            if ranking.headline_weight
            else None
        )
        passages = {c.ref: c.article.passages for c in found.hits}
        scores = passage_scores(self.backend, passages, passage_query, ranking, headlines)
        best_passage = max((max(s)[0] for s in scores.values()), default=0.0) or 1.0
        weight = ranking.article_weight
        combined = []
        for candidate in found.hits:
            scored = sorted(scores.get(candidate.ref, []), key=lambda p: (-p[0], p[1]))
            passage = scored[0][0] / best_passage if scored else 0.0
            mixed = weight * candidate.score / best_article + (1 - weight) * passage
            combined.append((mixed, candidate, scored))
        if by_score:
            combined.sort(key=lambda c: (-c[0], c[1].article.id))
        if collapse:
            groups = self._collapse(combined, limit)
        else:
            groups = [(c, []) for c in combined[:limit]]
        terms = match_terms(passage_query, self.backend, PASSAGE_FIELD)
        hits = []
        for rank, ((mixed, candidate, scored), others) in enumerate(groups, 1):
            article = candidate.article
            in_body = [p for p in scored if p[1] != HEADLINE]
            chosen = in_body[:per_hit] or [(0.0, 0)][: len(article.passages)]  # no passage matched: the lead
            matches = []
            for score, number in chosen:
                span = article.passages[number]
                text = article.body[span.start : span.end]
                matches.append(PassageMatch(text, highlight_spans(text, analyzer, terms), number, score))
            hits.append(
                Hit(
                    rank=rank,
                    score=mixed,
                    id=article.id,
                    path=article.path,
                    title=article.title,
                    date=article.date,
                    source=article.source,
                    passages=matches,
                    key=article.key,
                    duplicates=[as_copy(other) for other in others],
                    title_highlights=highlight_spans(article.title, analyzer, terms),
                )
            )
        return hits

    def _collapse(self, combined: list[tuple[float, Candidate, list]], limit: int):
        """Groups ranked candidates into stories: [(best candidate, [other reports' stored articles])]."""
        considered = combined[: limit * self.ranking.collapse_depth]
        copies = self.backend.copies([c[1].article.id for c in considered])
        matcher = StoryMatcher(copies, self._body_idf, self.ranking)
        groups: list[tuple[tuple, list]] = []
        for item in considered:
            article = item[1].article
            for lead, others in groups:
                if matcher.same(lead[1].article, article):
                    others.append(article)
                    break
            else:
                if len(groups) < limit:
                    groups.append((item, []))
        attached = {c[1].article.id for c in considered}
        for lead, others in groups:
            wanted = [i for i in copies.get(lead[1].article.id, ()) if i not in attached]  # copies that matched less
            stored = self.backend.stored(wanted)
            for copy_id in wanted:
                if copy_id in stored and copy_id not in attached:
                    others.append(stored[copy_id])
                    attached.add(copy_id)
        return groups

    def _body_idf(self, term: str) -> float:
        idf = self._idf.get(term)
        if idf is None:
            total = max(self.backend.doc_count(), 1)
            frequency = self.backend.doc_frequencies(PASSAGE_FIELD, [term])[term]
            idf = self._idf[term] = robertson_idf(total, frequency)
        return idf

    def _retrying(self, run):
        """Runs a read on the index's last commit; a commit that merged away the segments it had opened, or
        a rebuild that switched generations, makes it read again."""
        for attempt in range(3):
            if self.backend.refresh():
                self._idf.clear()
                self._sets.clear()
            try:
                return run()
            except FileNotFoundError:
                if attempt == 2:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    # the other questions -------------------------------------------------------------------------------
    def suggest(self, query: str, found: int = 0) -> str | None:
        """A corrected query that finds more than `found` articles ("did you mean"), or None."""
        return suggestion(query, self.backend, found, self.ranking, self._deadline)

    def count_by(self, query: str, facet: str = "source", *, operator: str = "and", since=None, until=None):
        """Articles matching `query` per source, most first."""
        if facet not in FACETS:
            raise QueryError(f"cannot count matches by {facet} ({', '.join(FACETS)})")
        period = _period(since, until)

        def run():
            match = self._match(query, operator, period, self._decision_count)
            return self._count_by(match.parsed.article, FACETS[facet])

        return self._retrying(run)

    def _count_by(self, article_query: wq.Query, fieldname: str) -> dict[str, int]:
        counts = self.backend.count_by(article_query, fieldname)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def _decision_count(self, article_query: wq.Query) -> int:
        """As many matches as the any-word decision needs to know about."""
        return self.backend.count(article_query, max(self.ranking.few, 1))

    def timeline(
        self, query: str, *, by: str = "month", since: str | None = None, until: str | None = None
    ) -> Timeline:
        """How many articles match `query` per day, month or year (with the same any-word fallback as
        `search`), counted from the index's dates without scoring."""
        if by not in PERIODS:
            raise QueryError(f"cannot count by {by!r} ({', '.join(PERIODS)})")
        period = _period(since, until)

        def run() -> Timeline:
            match = self._match(query, "and", period, self._decision_count)
            dates = self.backend.dates(match.parsed.article)
            bounds = (date_bound(since) if since else None, date_bound(until, end=True) if until else None)
            counts, undated = count_periods(dates, by, *bounds)
            return Timeline(query, by, counts, undated, len(dates), match.fallback)

        return self._retrying(run)

    def similar(self, id_or_path: str, *, limit: int = 10, passages: int = 1) -> SearchResult:
        """Articles like the one with this id (or the first of this file): the key terms of its text as an
        OR query (Whoosh's more-like-this, Bo1), ranked with passages like a search, its near-duplicates
        first (marked `near_duplicate`)."""
        started = time.monotonic()

        def run() -> SearchResult:
            article = self._article(id_or_path)
            text = f"{article.title}\n{article.body}"
            keys = self.backend.key_terms(PASSAGE_FIELD, text, self.ranking.similar_key_terms)
            if not keys:
                return SearchResult(id_or_path, [], 0)
            like = wq.Or([wq.Term(PASSAGE_FIELD, word, boost=weight) for word, weight in keys])
            wanted = max(self.ranking.candidates, limit * self.ranking.candidates_per_hit)
            found = self._candidates(like, wanted, "relevance", exclude=frozenset({article.id}))
            copies = set(self.backend.copies([article.id]).get(article.id, ()))
            hits = self._rank(found, like, wanted, passages, collapse=False, by_score=True)
            for hit in hits:
                hit.near_duplicate = hit.id in copies
            hits.sort(key=lambda hit: (not hit.near_duplicate, hit.rank))
            hits = hits[:limit]
            for rank, hit in enumerate(hits, 1):
                hit.rank = rank
            return SearchResult(id_or_path, hits, found.total, similar_to=article.id)

        result = self._retrying(run)
        result.seconds = round(time.monotonic() - started, 4)
        return result

    def articles(self, id_or_path: str) -> list[ShownArticle]:
        """The article with this id, or every article of the file at this path, as indexed."""

        def run() -> list[ShownArticle]:
            found = list(self.backend.stored([id_or_path]).values())
            if not found:
                found = self.backend.stored_by_file(os.path.abspath(id_or_path))
            if not found:
                found = [a for a in [self._by_id_prefix(id_or_path)] if a is not None]
            if not found:
                raise ArticleNotFound(f"no article with id or path {id_or_path!r} in the index")
            return sorted((_shown(a) for a in found), key=lambda a: (a.path, a.key))

        return self._retrying(run)

    def read(self, id_or_path: str, query: str | None = None) -> ReadArticle:
        """The article with this id (or the first of this file) to read: where its passages are and, for
        a `query`, where its words are in the title and body (any of them, marked as a search marks
        them) and which passages hold them, best first (scored as a search scores them)."""

        def run() -> ReadArticle:
            article = self._article(id_or_path)
            read = ReadArticle(_shown(article), [(p.start, p.end) for p in article.passages])
            if not query or not query.strip():
                return read
            parsed = self._parse(query, "or", None)
            terms = match_terms(parsed.passage, self.backend, PASSAGE_FIELD)
            analyzer = self.backend.schema[PASSAGE_FIELD].analyzer
            read.title_highlights = highlight_spans(article.title, analyzer, terms)
            read.highlights = highlight_spans(article.body, analyzer, terms)
            this = self._candidates(wq.And([parsed.article, wq.Term(F.ID, article.id)]), 1, "relevance")
            if this.hits:
                ref = this.hits[0].ref
                scored = passage_scores(self.backend, {ref: article.passages}, parsed.passage, self.ranking)
                read.matched = [number for _, number in sorted(scored.get(ref, []), key=lambda p: (-p[0], p[1]))]
            return read

        return self._retrying(run)

    def _article(self, id_or_path: str):
        found = self.backend.stored([id_or_path]).get(id_or_path)
        if found is None:
            in_file = self.backend.stored_by_file(os.path.abspath(id_or_path))
            found = in_file[0] if in_file else None
        if found is None:
            found = self._by_id_prefix(id_or_path)
        if found is None:
            raise ArticleNotFound(f"no article with id or path {id_or_path!r} in the index")
        return found

    def _by_id_prefix(self, prefix: str):
        """The article whose id begins with `prefix` (4 hex digits or more, as git takes a commit's);
        an error when several do."""
        if not (MIN_ID_PREFIX <= len(prefix) < ID_LENGTH and all(c in "0123456789abcdef" for c in prefix.lower())):
            return None
        by_prefix = wq.Prefix(F.ID, prefix.lower())
        count = self.backend.count(by_prefix, 2)
        if count > 1:
            raise ArticleNotFound(f"the id prefix {prefix!r} is ambiguous: give more of its digits")
        return self.backend.first_match(by_prefix) if count else None


def open_index(
    index_dir: str | os.PathLike | None = None, *, ranking: Ranking = DEFAULT_RANKING, limits: Limits = DEFAULT_LIMITS
) -> Searcher:
    """A Searcher on the index at `index_dir` (default: $NEWSGREP_INDEX, else the nearest .newsgrep here
    or above). Raises IndexMissing / IndexIncompatible when there is no usable index."""
    from newsgrep.search.local import LocalBackend
    from newsgrep.store.layout import IndexDir, ShardsRecord, resolve_index_dir

    path = resolve_index_dir(index_dir)
    if ShardsRecord.at(path):  # a sharded index (newsgrep.cluster)
        from newsgrep.cluster.open import open_sharded

        return Searcher(open_sharded(path, ranking.weighting()), ranking, limits)
    return Searcher(LocalBackend(IndexDir(path), ranking.weighting()), ranking, limits)


def _shown(article) -> ShownArticle:
    a = article
    return ShownArticle(
        a.id, a.path, a.key, a.title, a.date, a.source, a.byline, a.body, len(a.passages), a.url, a.crawled
    )


def _size(found) -> int:
    return len(found.hits) if isinstance(found, Candidates) else found


def _restrict(*filters: wq.Query | None) -> wq.Query | None:
    """Filters every matching article must pass (dates, paths), as one query."""
    kept = [f for f in filters if f is not None]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else wq.And(kept)


def _period(since: str | None, until: str | None) -> wq.Query | None:
    if not since and not until:
        return None
    start = date_bound(since) if since else None
    end = date_bound(until, end=True) if until else None
    if start and end and start > end:
        raise QueryError(f"--since {since} is after --until {until}")
    return wq.DateRange(F.DATE, start, end)
