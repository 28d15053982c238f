"""`newsgrep serve` in a real browser: Debian's chromium, headless, driven through chromium-driver by
selenium, against a real `newsgrep serve` process on 127.0.0.1. A user types a query, sees hits with
highlights, opens an article, clicks a timeline bar and a source, pages on; an article holding scripts
runs none of them; the page's own script runs under the Content-Security-Policy, which nothing on our
pages violates.

Each page is saved as a screenshot in $NEWSGREP_SCREENSHOTS (default: a folder under pytest's temporary
directory, printed). Without chromium and chromium-driver these tests are skipped, unless
NEWSGREP_BROWSER_TESTS=required (CI sets it: there a missing browser is a failure).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from newsgrep.indexer.build import build_index
from newsgrep.search.searcher import open_index
from tests.serving import HOSTILE_TITLE, JS_URL, make_corpus, serving, wait_for

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --disable-dev-shm-usage --window-size=1280,900"
).split()


def _browser_or_skip():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(path)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        message = f"browser tests need {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if os.environ.get("NEWSGREP_BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("NEWSGREP_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _browser_or_skip()
    top = tmp_path_factory.mktemp("browser")
    root = make_corpus(top / "news", wikinews=200)
    index = top / "index"
    build_index([str(root)], index)
    with serving(index, log=top / "serve.log") as served:
        yield {"index": index, "url": served.url, "root": root}


@pytest.fixture(scope="module")
def browser(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="newsgrep-chromium-")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shoot(driver, folder: Path, name: str) -> Path:
    """The whole page (the window stretched to its height, up to 4000 pixels), as NAME.png."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 900), 4000))
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path


def _console_problems(driver) -> list[str]:
    """Errors and Content-Security-Policy reports in the browser's console since the last call."""
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]
    ]


def _hit_titles(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "li.hit h3 a.title")]


def _args(driver) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)


def test_type_a_query_see_highlights_open_an_article(site, browser, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(site["url"])
    assert browser.execute_script("return document.documentElement.dataset.script") == "loaded"  # our JS ran
    box = browser.find_element(By.ID, "q")
    box.send_keys("election")
    box.send_keys(Keys.ENTER)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "li.hit"))
    _shoot(browser, shots, "results")
    with open_index(site["index"]) as searcher:
        result = searcher.search("election", limit=10)
    expected = result.hits
    assert _hit_titles(browser) == [hit.title for hit in expected]
    marks = browser.find_elements(By.CSS_SELECTOR, "li.hit .passage mark")
    assert marks and all(m.text.lower().startswith("elect") for m in marks)
    assert browser.find_element(By.CSS_SELECTOR, "p.summary").text.startswith(f"{result.total} matching articles")
    assert _console_problems(browser) == []

    browser.find_element(By.CSS_SELECTOR, "li.hit h3 a.title").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "article.article h1"))
    _shoot(browser, shots, "article")
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == expected[0].title
    assert _args(browser)["id"] == [expected[0].id] and _args(browser)["q"] == ["election"]
    best = browser.find_element(By.CSS_SELECTOR, "section.passage.matched.best")
    assert best.find_elements(By.TAG_NAME, "mark")
    assert browser.find_elements(By.CSS_SELECTOR, "ol.similar li")
    assert _console_problems(browser) == []


def test_click_a_timeline_bar_then_a_source_then_page_on(site, browser, shots):
    from selenium.webdriver.common.by import By

    browser.get(site["url"] + "?" + urlencode({"q": "president"}))
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.timeline a.bar-link"))
    assert "per month" in browser.find_element(By.ID, "timeline-h").text
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.timeline a.bar-link")
    busiest = max(bars, key=lambda bar: int(re.search(r": (\d+) article", bar.get_attribute("textContent"))[1]))
    label = busiest.get_attribute("data-label")
    count = int(re.search(r": (\d+) article", busiest.get_attribute("textContent"))[1])
    busiest.find_element(By.CSS_SELECTOR, "rect.bar").click()
    wait_for(lambda: "since=" in browser.current_url)
    _shoot(browser, shots, "timeline-narrowed")
    assert _args(browser)["since"] == [label] and _args(browser)["until"] == [label]
    summary = browser.find_element(By.CSS_SELECTOR, "p.summary").text
    assert summary.startswith(f"{count} matching article")
    assert "per day" in browser.find_element(By.ID, "timeline-h").text  # one month: its days
    with open_index(site["index"]) as searcher:
        narrowed = searcher.search("president", since=label, until=label, limit=10).hits
    assert _hit_titles(browser) == [hit.title for hit in narrowed]

    browser.get(site["url"] + "?" + urlencode({"q": "police"}))
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "svg.sources a.bar-link"))
    source = browser.find_element(By.CSS_SELECTOR, "svg.sources a.bar-link")
    name = source.get_attribute("data-label")
    source.find_element(By.CSS_SELECTOR, "rect.bar").click()
    wait_for(lambda: "source" in browser.find_element(By.ID, "q").get_attribute("value"))
    _shoot(browser, shots, "source-filtered")
    assert browser.find_element(By.ID, "q").get_attribute("value") == f'(police) AND source:"{name}"'
    sources = [e.text.lower() for e in browser.find_elements(By.CSS_SELECTOR, "li.hit .meta .source")]
    assert sources and set(sources) == {name}

    browser.get(site["url"] + "?" + urlencode({"q": "said"}))
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "li.hit"))
    first = _hit_titles(browser)
    browser.find_element(By.CSS_SELECTOR, "nav.pager a.next").click()
    wait_for(lambda: "offset=10" in browser.current_url)
    _shoot(browser, shots, "page-2")
    ranks = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.hit h3 .rank")]
    assert ranks[0] == "11." and len(ranks) == 10
    with open_index(site["index"]) as searcher:
        hits = searcher.search("said", limit=20).hits
    assert first == [h.title for h in hits[:10]] and _hit_titles(browser) == [h.title for h in hits[10:20]]
    browser.find_element(By.CSS_SELECTOR, "nav.pager a.prev").click()
    wait_for(lambda: "offset" not in browser.current_url)
    assert _hit_titles(browser) == first
    assert _console_problems(browser) == []


def test_an_article_holding_scripts_runs_none(site, browser, shots):
    from selenium.webdriver.common.by import By

    def nothing_ran():
        assert browser.execute_script("return window.newsgrepPwned") is None
        # our own script is the only one; no element from the article became markup
        scripts = [s.get_attribute("src") for s in browser.find_elements(By.TAG_NAME, "script")]
        assert scripts == [site["url"].split("?")[0] + "static/newsgrep.js"]
        assert browser.find_elements(By.CSS_SELECTOR, "img, main svg[onload], [onerror], [onload], [onmouseover]") == []
        assert browser.find_elements(By.CSS_SELECTOR, "a[href^='javascript' i]") == []

    browser.get(site["url"] + "?" + urlencode({"q": "smugglers"}))
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "li.hit"))
    _shoot(browser, shots, "hostile-results")
    nothing_ran()
    title = browser.find_element(By.CSS_SELECTOR, "li.hit h3 a.title")
    assert title.text == HOSTILE_TITLE  # the markup is shown as the text it is
    assert "<img src=x onerror=" in browser.find_element(By.CSS_SELECTOR, "li.hit .passage").text
    hostile = browser.find_element(By.CSS_SELECTOR, "svg.sources a.bar-link")  # the source holding markup
    assert hostile.get_attribute("data-label").startswith("<b onmouseover=")
    hostile.find_element(By.CSS_SELECTOR, "rect.bar").click()
    wait_for(lambda: "source" in browser.find_element(By.ID, "q").get_attribute("value"))
    nothing_ran()
    assert _hit_titles(browser) == [HOSTILE_TITLE]  # the filter found it: the name went through intact

    browser.get(site["url"] + "?" + urlencode({"q": "smugglers"}))
    browser.find_element(By.CSS_SELECTOR, "li.hit h3 a.title").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "article.article h1"))
    _shoot(browser, shots, "hostile-article")
    nothing_ran()
    url = browser.find_element(By.CSS_SELECTOR, "dl.fields .url")
    assert url.tag_name == "span" and url.text == JS_URL
    url.click()
    nothing_ran()
    assert "<script>" in browser.find_element(By.CSS_SELECTOR, "article h1").text

    browser.get(site["url"] + "?" + urlencode({"q": "<script>window.newsgrepPwned='query'</script>"}))
    nothing_ran()
    assert browser.find_element(By.ID, "q").get_attribute("value").startswith("<script>")
    # the page's policy: a script injected by hand into the page (as a failure to escape would) is blocked
    browser.get(site["url"])
    blocked = browser.execute_script(
        "var s = document.createElement('script'); s.textContent = \"window.newsgrepPwned = 'inline'\";"
        "document.body.appendChild(s); return window.newsgrepPwned || null;"
    )
    assert blocked is None
    assert any("Content Security Policy" in message for message in _console_problems(browser))
