"""The routes of `newsgrep serve`: the results page (`/`), its JSON twin (`/search.json`, the records of
`newsgrep search --json`), the article page (`/article`) and the original files (`/file`), each a call to
this thread's Searcher and a printer; nothing here ranks, counts or marks anything itself. `/alerts` lists
the saved searches (`newsgrep alert`) with the articles they fired for last."""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
import time
from pathlib import Path

from flask import Flask, Response, request

from newsgrep.errors import NewsgrepError, QueryError
from newsgrep.formats.records import SkipFile
from newsgrep.render.html import EMPTY_FORM, STATIC, ArticlePage, Charts, HtmlPages, ResultsPage
from newsgrep.render.json_lines import json_line, search_records
from newsgrep.search.results import Timeline
from newsgrep.search.searcher import ArticleNotFound, Searcher
from newsgrep.store.alerts import Alert
from newsgrep.store.schema import StoredArticle
from newsgrep.web.addresses import PageLinks, SearchRequest
from newsgrep.web.guard import FILE_POLICY, Guard, index_roots, plain_absolute, under_a_root
from newsgrep.web.searchers import ThreadSearchers

SIMILAR_SHOWN = 8
YEARS_ABOVE = 120  # a timeline of more months than this is drawn per year
DAYS_BELOW = 3  # ... of fewer months than this, per day
MAX_FILE_BYTES = 50 * 1024 * 1024  # as the indexer's limit: no indexed file is larger
_ARTICLE_ID = re.compile(r"[0-9a-f]{1,40}")
NOT_INDEXED = "not an indexed file under the index's roots"


def create_app(index_dir: Path, *, token: str | None = None, loopback: bool = True) -> Flask:
    app = Flask("newsgrep.web", static_folder=str(STATIC), static_url_path="/static")
    pages = HtmlPages()
    searchers = ThreadSearchers(index_dir)
    guard = Guard(token, loopback)
    app.before_request(lambda: guard.admit(request))
    app.after_request(guard.secure)

    def html(text: str, status: int = 200) -> Response:
        return Response(text, status, mimetype="text/html")

    def message(title: str, text: str, status: int) -> Response:
        return html(pages.message(title, text), status)

    @app.get("/")
    def results_page() -> Response:
        """The hits are sent as soon as the search has them; the charts (the timeline, the counts per
        source: two more passes over the matches) follow in the same response."""
        started = time.monotonic()
        try:
            search = SearchRequest.from_args(request.args)
        except QueryError as exc:
            return html(pages.results(ResultsPage(PageLinks(SearchRequest()), EMPTY_FORM, error=str(exc))), 400)
        page = ResultsPage(PageLinks(search), search.form(), offset=search.offset, limit=search.limit, started=started)
        if not search.q:
            return html(pages.results(page))
        searcher = searchers.get()
        try:
            result = searcher.search(search.q, **search.search_options())
        except NewsgrepError as exc:
            page.error = str(exc)
            return html(pages.results(page), 400)
        wanted = search.offset + search.limit
        page.result = dataclasses.replace(result, hits=result.hits[search.offset :])
        page.more = len(result.hits) == wanted and result.total > wanted
        page.links = PageLinks(search, fallback=result.fallback)
        page.charts = lambda: query_charts(searcher, search)
        response = Response(pages.results_parts(page), mimetype="text/html")
        response.headers["Server-Timing"] = f"search;dur={result.seconds * 1000:.1f}"
        return response

    @app.get("/search.json")
    def search_json() -> Response:
        """The records `newsgrep search --json` prints for the same options, one a line."""
        try:
            search = SearchRequest.from_args(request.args)
            if not search.q:
                raise QueryError("no query: /search.json?q=...")
            result = searchers.get().search(search.q, **search.search_options())
        except NewsgrepError as exc:
            return Response(json_line({"error": str(exc)}) + "\n", 400, mimetype="application/x-ndjson")
        shown = dataclasses.replace(result, hits=result.hits[search.offset :])
        body = "".join(json_line(record) + "\n" for record in search_records(shown))
        return Response(body, mimetype="application/x-ndjson")

    @app.get("/article")
    def article_page() -> Response:
        query = request.args.get("q", "").strip()
        searcher = searchers.get()
        try:
            wanted = wanted_article(searcher, index_dir)
            read = searcher.read(wanted, query or None)
        except ArticleNotFound as exc:
            return message("Not found", str(exc), 404)
        except NewsgrepError as exc:
            return message("Cannot show this article", str(exc), 400)
        links = PageLinks(SearchRequest(q=query))
        form = {**EMPTY_FORM, "q": query}
        article_id = read.article.id

        def similar():
            try:
                return searcher.similar(article_id, limit=SIMILAR_SHOWN, passages=1)
            except Exception:  # the article is already out: the panel says none were found
                logging.getLogger("newsgrep.web").exception("finding stories like %s failed", article_id)
                return None

        return Response(pages.article_parts(ArticlePage(links, form, read, query, similar)), mimetype="text/html")

    @app.get("/alerts")
    def alerts_page() -> Response:
        """The saved searches (`newsgrep alert`), each with the articles it fired for last."""
        from newsgrep.alerts import overview

        try:
            listed = overview(index_dir, RECENT_FIRED)
        except (NewsgrepError, sqlite3.Error) as exc:
            return message("Cannot show the alerts", str(exc), 400)
        stored = searchers.get().backend.stored([i for _, _, fired in listed for i, _ in fired])
        shown = [
            AlertPanel(alert, count, alert_search(alert), [(stored[i], at) for i, at in fired if i in stored])
            for alert, count, fired in listed
        ]
        return html(pages.alerts(shown, PageLinks(SearchRequest())))

    @app.get("/file")
    def original_file() -> Response:
        """The file an article was read from, as text, if the index holds it and it lies under a root."""
        searcher = searchers.get()
        try:
            path = searcher.articles(wanted_article(searcher, index_dir))[0].path
        except ArticleNotFound:
            return message("Not found", NOT_INDEXED, 404)
        if not under_a_root(path, index_roots(index_dir)):
            return message("Not found", NOT_INDEXED, 404)
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise SkipFile("too large")
            text = decode_text(data)
        except FileNotFoundError:
            return message("Gone", "the file is no longer there (the next `newsgrep index` forgets it)", 410)
        except (OSError, SkipFile) as exc:
            return message("Cannot show the file", f"cannot read it: {exc}", 422)
        response = Response(text, mimetype="text/plain")
        response.headers["Content-Security-Policy"] = FILE_POLICY
        return response

    @app.errorhandler(404)
    def not_found(_) -> Response:
        return message("Not found", "there is no such page here", 404)

    @app.errorhandler(405)
    def not_allowed(_) -> Response:
        return message("Not allowed", "this server only reads: GET and HEAD", 405)

    @app.errorhandler(500)
    def failed(_) -> Response:
        return message("Internal error", "the server failed on this request (its console says why)", 500)

    app.extensions["newsgrep.searchers"] = searchers
    return app


RECENT_FIRED = 10  # articles shown under each alert on /alerts


@dataclasses.dataclass
class AlertPanel:
    alert: Alert
    fired: int
    search: str  # the alert's search on the results page
    recent: list[tuple[StoredArticle, float]]  # (article, when it fired), newest first


def alert_search(alert: Alert) -> str:
    """The results page of the alert's query with the options the page has (dates, any word)."""
    options = alert.options
    return SearchRequest(
        q=alert.query,
        since=options.get("since") or "",
        until=options.get("until") or "",
        any_word=options.get("operator") == "or",
    ).address()


def wanted_article(searcher: Searcher, index_dir: Path) -> str:
    """The article an address names: `id=` (an article id), or `path=` (an indexed file, absolute, under
    one of the index's roots). Raises ArticleNotFound for anything else."""
    article_id = request.args.get("id", "").strip()
    path = request.args.get("path", "")
    if article_id:
        if not _ARTICLE_ID.fullmatch(article_id):
            raise ArticleNotFound(f"no article with id {article_id!r} in the index")
        return article_id
    if path:
        if not plain_absolute(path) or not under_a_root(path, index_roots(index_dir)):
            raise ArticleNotFound(NOT_INDEXED)
        searcher.articles(path)  # raises ArticleNotFound when the index holds no article of this file
        return path
    raise ArticleNotFound("no article named: /article?id=ID or /article?path=PATH")


def query_charts(searcher: Searcher, search: SearchRequest) -> Charts:
    """The timeline and the counts per source of the page's search (as `newsgrep timeline` and `--by
    source` count them); a failure here costs the charts, not the page."""
    try:
        sources = searcher.count_by(
            search.q,
            "source",
            operator="or" if search.any_word else "and",
            since=search.since or None,
            until=search.until or None,
        )
        return Charts(query_timeline(searcher, search), sources)
    except Exception:  # the hits are already out: say so in the page instead of cutting it short
        logging.getLogger("newsgrep.web").exception("counting the charts of %r failed", search.q)
        return Charts(None, {})


def query_timeline(searcher: Searcher, search: SearchRequest) -> Timeline:
    """The query's timeline per the period asked for, else per month, per year when that spans more than
    YEARS_ABOVE months, per day when it spans fewer than DAYS_BELOW."""
    options = {"since": search.since or None, "until": search.until or None}
    if search.period:
        return searcher.timeline(search.q, by=search.period, **options)
    months = searcher.timeline(search.q, by="month", **options)
    if len(months.counts) > YEARS_ABOVE:
        return per_year(months)
    if 0 < len(months.counts) < DAYS_BELOW:
        return searcher.timeline(search.q, by="day", **options)
    return months


def per_year(months: Timeline) -> Timeline:
    """A month timeline's counts summed per year, every year from the first to the last."""
    years: dict[int, int] = {}
    for label, count in months.counts:
        years[int(label[:4])] = years.get(int(label[:4]), 0) + count
    counts = [(f"{year:04d}", years.get(year, 0)) for year in range(min(years), max(years) + 1)]
    return dataclasses.replace(months, by="year", counts=counts)


def decode_text(data: bytes) -> str:
    from newsgrep.formats.decoding import decode

    return decode(data)
