"""`newsgrep serve` over HTTP: a real server process on 127.0.0.1 answering real requests. What the
page shows, the JSON endpoint equal to `search --json`, the security headers, the file gate (no path
outside the index's roots, nothing that is not indexed), the Host check, the token, new commits picked
up without a restart. (The pages in a real browser: tests/test_serve_browser.py.)"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from newsgrep.indexer.build import build_index
from newsgrep.render.html import EMPTY_FORM, ArticlePage, HtmlPages, ResultsPage, excerpt, segments
from newsgrep.search.searcher import open_index
from newsgrep.web.addresses import PageLinks, SearchRequest
from newsgrep.web.guard import host_name, is_loopback, plain_absolute
from newsgrep.web.server import access
from tests.conftest import CORPUS, run_cli
from tests.serving import IMG, JS_URL, SCRIPT, get, make_corpus, serving


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A corpus with a hostile article and a symbolic link to a file outside it, its index, and a server."""
    top = tmp_path_factory.mktemp("serve")
    root = make_corpus(top / "news", wikinews=30)
    secret = top / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Secret minutes\n\nThe outside file must never be served by the web page, not even by link.\n")
    (root / "wikinews" / "linked-secret.txt").symlink_to(secret)
    index = top / "index"
    build_index([str(root)], index)
    with serving(index, log=top / "serve.log") as served:
        yield {"root": root, "index": index, "served": served, "secret": secret, "top": top}


def _records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def _without_time(records: list[dict]) -> list[dict]:
    for record in records:
        if "summary" in record:
            record["summary"].pop("seconds")
    return records


# the page ------------------------------------------------------------------------------------------------
def test_results_page_shows_the_ranked_stories_of_the_search(site):
    base = site["served"].base
    reply = get(base, "/?" + urlencode({"q": "drug cartel", "limit": 5}))
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/html")
    page = reply.text
    with open_index(site["index"]) as searcher:
        result = searcher.search("drug cartel", limit=5)
    titles = [html.unescape(t) for t in re.findall(r'<a class="title" href="[^"]*">([^<]*)</a>', page)]
    assert titles == [hit.title for hit in result.hits]
    assert "<mark>cartel</mark>" in page or "<mark>Cartel</mark>" in page
    assert "also in: 1 more" in page  # the two seeds are one story
    assert '<svg class="chart timeline"' in page and '<svg class="chart sources"' in page


@pytest.mark.slow  # more processes: the CLI's, a second server, `newsgrep index`
def test_json_endpoint_prints_what_search_json_prints(site):
    base, index = site["served"].base, str(site["index"])
    cases = [
        (["drug cartel", "-n", "5"], {"q": "drug cartel", "limit": 5}),
        (["election", "--by", "source", "--sort", "date"], {"q": "election", "by": "source", "sort": "date"}),
        (
            ["police harbour", "--or", "--no-collapse", "-k", "1"],
            {"q": "police harbour", "or": 1, "no-collapse": 1, "passages": 1},
        ),
        (
            ["president", "--since", "2008-02", "--until", "2008-04"],
            {"q": "president", "since": "2008-02", "until": "2008-04"},
        ),
    ]
    for cli_args, params in cases:
        printed = run_cli("search", *cli_args, "--index", index, "--json")
        assert printed.returncode == 0, printed.stderr
        reply = get(base, "/search.json?" + urlencode(params))
        assert reply.status == 200 and reply.headers["Content-Type"].startswith("application/x-ndjson")
        assert _without_time(_records(reply.text)) == _without_time(_records(printed.stdout)), cli_args


def test_json_endpoint_pages_through_the_same_ranking(site):
    base = site["served"].base
    whole = _records(get(base, "/search.json?q=president&limit=8").text)
    second = _records(get(base, "/search.json?q=president&limit=4&offset=4").text)
    hits = [r for r in whole if "rank" in r]
    assert len(hits) == 8
    assert [r for r in second if "rank" in r] == hits[4:8]
    assert second[-1]["summary"]["shown"] == 4


def test_bad_options_are_a_clear_error_not_a_crash(site):
    base = site["served"].base
    for params, words in [
        ({"q": "cartel", "offset": "x"}, "offset must be a whole number"),
        ({"q": "cartel", "sort": "popularity"}, "cannot sort by"),
        ({"q": "cartel", "limit": "5000"}, "limit must be between"),
        ({"q": '"unbalanced'}, "query"),
        ({"q": "cartel", "since": "someday"}, "date"),
    ]:
        page = get(base, "/?" + urlencode(params))
        assert page.status == 400 and words in page.text and 'class="error"' in page.text, params
        data = get(base, "/search.json?" + urlencode(params))
        assert data.status == 400 and words in json.loads(data.text)["error"], params
    assert get(base, "/search.json").status == 400


def test_paging_on_the_page(site):
    base = site["served"].base
    first = get(base, "/?q=president&limit=3").text
    second = get(base, "/?q=president&limit=3&offset=3").text
    with open_index(site["index"]) as searcher:
        hits = searcher.search("president", limit=6).hits
    assert re.findall(r'<a class="title" href="[^"]*">([^<]*)</a>', second) == [h.title for h in hits[3:6]]
    assert 'rel="next"' in first and "offset=3" in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and '<ol class="hits" start="4">' in second


def test_article_page_marks_the_query_and_links_the_url(site):
    base = site["served"].base
    with open_index(site["index"]) as searcher:
        hit = searcher.search("Danish election", limit=1).hits[0]
    page = get(base, "/article?" + urlencode({"id": hit.id, "q": "Danish election"})).text
    assert "<mark>election</mark>" in page
    assert 'class="passage matched best"' in page
    assert '<a class="url" href="https://en.wikinews.org/wiki/' in page
    assert "Similar stories" in page


# security ----------------------------------------------------------------------------------------------
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def test_every_response_has_the_security_headers(site):
    base = site["served"].base
    with open_index(site["index"]) as searcher:
        hit = searcher.search("cartel", limit=1).hits[0]
    for path in [
        "/",
        "/?q=cartel",
        "/search.json?q=cartel",
        f"/article?id={hit.id}",
        f"/file?id={hit.id}",
        "/static/newsgrep.css",
        "/static/newsgrep.js",
        "/nowhere",
        "/article?id=ffffffffffff",
    ]:
        reply = get(base, path)
        for name, value in SECURITY.items():
            assert reply.headers[name] == value, (path, name)
        policy = reply.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
        if path.startswith("/file"):
            assert policy.startswith("sandbox"), policy
        else:
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert get(base, "/static/newsgrep.js").headers["Content-Type"].startswith("text/javascript")


def test_pages_hold_no_inline_script_or_style(site):
    base = site["served"].base
    with open_index(site["index"]) as searcher:
        hit = searcher.search("cartel", limit=1).hits[0]
    for path in ["/", "/?q=cartel", f"/article?id={hit.id}&q=cartel", "/nowhere"]:
        page = get(base, path).text
        assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/newsgrep.js" defer>'], path
        assert not re.search(r"<style|\sstyle=|\son\w+=", page), path


def test_article_text_is_escaped_everywhere(site):
    """In the HTML itself (the browser test checks that nothing runs)."""
    base = site["served"].base
    results = get(base, "/?q=smugglers").text
    with open_index(site["index"]) as searcher:
        hit = searcher.search("smugglers", limit=1).hits[0]
    article = get(base, f"/article?id={hit.id}&q=smugglers").text
    for page in (results, article):
        assert SCRIPT not in page and IMG not in page and "<img" not in page and "<svg onload" not in page
        assert "&lt;script&gt;" in page
    assert "javascript:" in article  # shown, as text...
    assert not re.search(r"href=\"\s*javascript:", article)  # ...never as a link
    assert f'<span class="url">{JS_URL}</span>'.replace("'", "&#39;") in article
    echoed = get(base, "/?" + urlencode({"q": SCRIPT})).text
    assert SCRIPT not in echoed and "&lt;script&gt;" in echoed


def test_no_path_outside_the_indexed_files_can_be_read(site):
    base, root, secret = site["served"].base, site["root"], site["secret"]
    indexed = str(root / "seeds" / "bbc-mexico-rejects-drug-gang-deal.txt")
    attempts = [
        "/article?path=../../etc/passwd",
        "/article?path=/etc/passwd",
        "/article?path=" + quote(indexed + "/../../../../etc/passwd"),
        "/article?path=" + quote(str(root) + "/../outside/secret.txt"),
        "/article?path=" + quote(str(secret)),
        "/file?path=/etc/passwd",
        "/file?path=../../etc/passwd",
        "/file?id=../../etc/passwd",
        "/file?id=" + quote("/etc/passwd"),
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
    ]
    for path in attempts:
        reply = get(base, path)
        assert reply.status in (400, 404), (path, reply.status)
        assert b"root:" not in reply.body and b"Secret minutes" not in reply.body, path
    # the link inside a root to a file outside it is indexed (links to files are followed), but its
    # original is refused: it does not lie under a root
    with open_index(site["index"]) as searcher:
        linked = searcher.search("outside AND file AND served", limit=5).hits
    assert [h.path for h in linked] == [str(root / "wikinews" / "linked-secret.txt")]
    refused = get(base, f"/file?id={linked[0].id}")
    assert refused.status == 404 and b"Secret minutes" not in refused.body
    # an indexed file under a root is served, as text that cannot run
    with open_index(site["index"]) as searcher:
        bbc = searcher.articles(indexed)[0]
    served = get(base, f"/file?id={bbc.id}")
    assert served.status == 200 and served.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert served.text == Path(indexed).read_text()
    assert get(base, "/file?path=" + quote(indexed)).text == served.text
    assert get(base, "/article?path=" + quote(indexed)).status == 200


def test_only_reads(site):
    base = site["served"].base
    for method in ("POST", "PUT", "DELETE"):
        assert get(base, "/?q=cartel", method=method).status == 405


def test_loopback_server_refuses_other_host_names(site):
    """A page elsewhere whose name is made to point at 127.0.0.1 (DNS rebinding) cannot read the archive."""
    base = site["served"].base
    assert get(base, "/?q=cartel", headers={"Host": "evil.example"}).status == 403
    assert get(base, "/?q=cartel", headers={"Host": "evil.example:8765"}).status == 403
    for host in ("localhost:8765", "127.0.0.1", "[::1]:8765"):
        assert get(base, "/?q=cartel", headers={"Host": host}).status == 200, host


@pytest.mark.slow  # more processes: the CLI's, a second server, `newsgrep index`
def test_a_token_is_required_when_given(site):
    with serving(
        site["index"], "--host", "127.0.0.1", "--token", "s3cret-Token", log=site["top"] / "token.log"
    ) as served:
        base = served.base
        assert served.url == f"{base}/?token=s3cret-Token"
        for path in ["/", "/?q=cartel", "/search.json?q=cartel", "/static/newsgrep.css", "/file?id=0"]:
            refused = get(base, path)
            assert refused.status == 401 and b"needs its token" in refused.body, path
        assert get(base, "/?q=cartel&token=wrong").status == 401
        assert get(base, "/?q=cartel", headers={"Authorization": "Bearer wrong"}).status == 401
        assert get(base, "/?q=cartel", headers={"Cookie": "newsgrep_token=wrong"}).status == 401
        entry = get(base, "/?q=cartel&token=s3cret-Token")
        assert entry.status == 303 and entry.headers["Location"] == "/?q=cartel"  # the token leaves the address
        cookie = entry.headers["Set-Cookie"]
        assert (
            cookie.startswith("newsgrep_token=s3cret-Token;") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        )
        assert get(base, "/?q=cartel", headers={"Cookie": "newsgrep_token=s3cret-Token"}).status == 200
        assert get(base, "/search.json?q=cartel", headers={"Authorization": "Bearer s3cret-Token"}).status == 200


@pytest.mark.slow  # more processes: the CLI's, a second server, `newsgrep index`
def test_beyond_loopback_a_token_is_made_and_a_warning_printed(site):
    assert access("127.0.0.1", None) == (True, None)
    assert access("localhost", None) == (True, None)
    assert access("::1", "given") == (True, "given")
    loopback, token = access("0.0.0.0", None)
    assert not loopback and token and len(token) >= 20
    assert access("0.0.0.0", None)[1] != token
    assert access("192.168.1.5", "mine") == (False, "mine")
    # 192.0.2.1 (TEST-NET-1) is not this machine's: nothing is bound, but the warning comes first
    refused = run_cli("serve", "--index", str(site["index"]), "--host", "192.0.2.1", "--port", "0")
    assert refused.returncode == 2
    assert "warning: serving on 192.0.2.1, beyond this machine" in refused.stderr
    assert "cannot listen on 192.0.2.1" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.slow  # more processes: the CLI's, a second server, `newsgrep index`
def test_a_busy_port_is_a_one_line_error(site):
    port = site["served"].base.rsplit(":", 1)[1]
    busy = run_cli("serve", "--index", str(site["index"]), "--port", port)
    assert busy.returncode == 2 and f"port {port} on 127.0.0.1 is in use" in busy.stderr


@pytest.mark.slow  # more processes: the CLI's, a second server, `newsgrep index`
def test_new_commits_show_without_a_restart(site):
    base, root = site["served"].base, site["root"]
    assert "No article matches" in get(base, "/?q=zeppelinhangar").text
    (root / "wikinews" / "new-arrival.txt").write_text(
        "Airship returns to its zeppelinhangar\n\n" + "The airship was towed into the old zeppelinhangar at dusk. " * 8
    )
    done = run_cli("index", "--index", str(site["index"]), "-q")
    assert done.returncode == 0, done.stderr
    page = get(base, "/?q=zeppelinhangar").text
    assert "Airship returns to its zeppelinhangar" in page
    os.remove(root / "wikinews" / "new-arrival.txt")
    assert run_cli("index", "--index", str(site["index"]), "-q").returncode == 0
    assert "No article matches" in get(base, "/?q=zeppelinhangar").text


# pieces --------------------------------------------------------------------------------------------------
def test_addresses_keep_the_search_and_narrow_it():
    search = SearchRequest.from_args({"q": "cartel police", "sort": "date", "offset": "10", "token": "x"})
    links = PageLinks(search)
    assert links.page(20) == "/?q=cartel+police&sort=date&offset=20"
    assert links.period("2009-07") == "/?q=cartel+police&since=2009-07&until=2009-07&sort=date"
    assert links.period("") == "/?q=cartel+police&sort=date"
    assert links.source('BBC "News"') == "/?" + urlencode(
        {"q": '(cartel police) AND source:"BBC News"', "sort": "date"}
    )
    assert PageLinks(search, fallback=True).source("bbc").endswith("&or=1")  # counted with any word: so narrowed
    assert links.source('""') is None
    assert links.article("abc123", 2) == "/article?id=abc123&q=cartel+police#p2"
    assert search.search_options()["limit"] == 20


def test_segments_and_excerpts_cover_the_text_exactly():
    text = "The cartel called a TV station; the cartel's leader spoke."
    spans = [(4, 10), (36, 42)]
    assert segments(text, spans) == [
        ("The ", False),
        ("cartel", True),
        (" called a TV station; the ", False),
        ("cartel", True),
        ("'s leader spoke.", False),
    ]
    long = ("word " * 200) + "cartel " + ("word " * 200)
    start = long.index("cartel")
    pieces = excerpt(long, [(start, start + 6)])
    shown = "".join(t for t, _ in pieces)
    assert shown.startswith("…") and shown.endswith("…") and len(shown) < 420
    assert ("cartel", True) in pieces


def test_the_html_printer_escapes_what_it_is_given(built):
    """Without autoescaping, this fails: the printer itself, on a result holding markup."""
    with open_index(built) as searcher:
        result = searcher.search("cartel", limit=2, facets=("source",))
        read = searcher.read(result.hits[0].id, "cartel")
    result.hits[0].title = SCRIPT
    result.hits[0].passages[0].text = IMG + result.hits[0].passages[0].text
    result.facets["source"][IMG] = 3
    read.article.title, read.article.byline, read.article.url = SCRIPT, IMG, JS_URL
    pages = HtmlPages()
    links = PageLinks(SearchRequest(q="cartel"))
    html = pages.results(ResultsPage(links, {**EMPTY_FORM, "q": SCRIPT}, result))
    html += pages.article(ArticlePage(links, EMPTY_FORM, read, SCRIPT))
    assert SCRIPT not in html and "<img" not in html and 'href="javascript:' not in html


def test_loopback_and_path_rules():
    assert all(map(is_loopback, ["127.0.0.1", "127.4.5.6", "::1", "[::1]", "localhost", "a.localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.2", "example.com", "", "::"]))
    assert host_name("127.0.0.1:8765") == "127.0.0.1" and host_name("[::1]:80") == "::1" and host_name("x") == "x"
    assert plain_absolute("/news/a.txt")
    assert not any(
        map(plain_absolute, ["news/a.txt", "/news/../etc/passwd", "/news/./a.txt", "/news//a.txt", "/a\x00b", ""])
    )


def test_read_marks_the_query_words_and_the_passages_holding_them(built):
    with open_index(built) as searcher:
        hit = searcher.search("drug cartel", limit=1, passages=3).hits[0]
        read = searcher.read(hit.id, "drug cartel")
        plain = searcher.read(hit.id)
    body = read.article.body
    assert read.highlights and {body[s:e].lower() for s, e in read.highlights} <= {"drug", "drugs", "cartel", "cartels"}
    assert [body[s:e] for s, e in read.passages] and read.passages == plain.passages
    assert read.matched[: len(hit.passages)] == [p.number for p in hit.passages]  # best first, as the search
    for number in read.matched:
        start, end = read.passages[number]
        assert any(start <= s < end for s, _ in read.highlights)
    assert (plain.highlights, plain.title_highlights, plain.matched) == ([], [], [])
    assert {read.article.title[s:e].lower() for s, e in read.title_highlights} <= {"drug", "cartel"}


@pytest.mark.slow  # real processes, several seconds
def test_alerts_page_lists_saved_searches_and_what_they_fired_for(site, tmp_path):
    assert "No saved searches yet" in get(site["served"].url, "/alerts").text
    news, index = tmp_path / "news", tmp_path / "index"
    news.mkdir()
    for path in sorted((CORPUS / "wikinews").glob("*.txt"))[:5]:
        (news / path.name).write_text(path.read_text())
    assert run_cli("index", str(news), "--index", str(index), "-q").returncode == 0
    added = run_cli("alert", "add", "volcano", "Tungurahua", "--since", "2009-01", "--index", str(index))
    assert added.returncode == 0, added.stderr
    (news / "hostile.txt").write_text(
        "<script>alert(1)</script> Tungurahua erupts\n\n16 July 2009\n\nThe Tungurahua volcano erupted again.\n"
    )
    assert run_cli("index", str(news), "--index", str(index), "-q").returncode == 0
    with serving(index, log=tmp_path / "serve.log") as served:
        page = get(served.url, "/alerts")
        ids = re.findall(r'href="/article\?id=([0-9a-f]+)"', page.text)
        front = get(served.url, "/").text
    assert page.status == 200
    assert "<h2>volcano</h2>" in page.text and '<a href="/?q=Tungurahua&amp;since=2009-01">' in page.text
    assert "1 article fired" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Tungurahua erupts" in page.text and "<script>alert" not in page.text
    with open_index(index) as searcher:
        assert ids == [searcher.search("Tungurahua").hits[0].id]
    assert 'href="/alerts"' in front
