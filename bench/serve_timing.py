"""How much a `newsgrep serve` page adds to the search's own time.

    python bench/serve_timing.py INDEX CORPUS [--queries 200] [--seed 7] [--repeat 3]

Starts a real `newsgrep serve --index INDEX --port 0` process on 127.0.0.1 and, for each of a mixed query set
drawn from the files under CORPUS (bench/bench.py's: words, 2-4 words, phrases, `title:`, `date:` ranges),
asks for the same search twice, alternating, best of --repeat each:

- `/search.json?q=...`: what `newsgrep search -n 10 --json` prints; its summary's `seconds` is the search's
  own time (the Searcher's, in the server, warm);
- `/?q=...`: the results page, timed at this client from the request to the end of the hits (the server
  sends them as soon as the search has them) and to the last byte (after the charts: the query's timeline
  and its counts per source, two more passes over the matches); its Server-Timing header gives the time of
  the search it ran.

It prints percentiles of these, of the page's times minus the search's own time (what the page adds:
rendering and HTTP; then the charts), and how many queries the page answered more than 100 ms after the
search's own time; then the article page (`/article?id=...&q=...`, the article with marks and its similar
stories).
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import corpus_files, make_queries, percentile, read_docs  # noqa: E402  (bench/bench.py)
from newsgrep.render.html import FLUSH  # noqa: E402

BUDGET_MS = 100.0
HITS_END = FLUSH.encode()  # where the page's first part ends: the hits (the article on its own page)


def request(port: int, path: str) -> tuple[float, float, int, dict[str, str], bytes]:
    """(seconds from the request to the end of the hits, to the last byte, status, headers, body), on a
    fresh connection as a browser's first."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body, hits = b"", None
    while chunk := response.read1(65536):
        body += chunk
        if hits is None and HITS_END in body:
            hits = time.perf_counter() - started
    took = time.perf_counter() - started
    connection.close()
    return hits if hits is not None else took, took, response.status, dict(response.headers), body


def server_timing(header: str) -> dict[str, float]:
    """ "search;dur=12.3, timeline;dur=4.0" -> {"search": 12.3, "timeline": 4.0} (ms)."""
    found = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";dur=")
        if rest:
            found[name] = float(rest)
    return found


def row(label: str, values: list[float]) -> str:
    cells = [percentile(values, p) for p in (0.5, 0.95)] + [max(values, default=float("nan"))]
    return f"{label:<44} " + " ".join(f"{v:>8.1f}" for v in cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index")
    parser.add_argument("corpus")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    files = corpus_files(Path(args.corpus))
    docs = [d for p in files[:3000] for d in read_docs(p) if d.body.strip()]
    queries = [q.text for q in make_queries(docs, args.queries, args.seed)]
    server = subprocess.Popen(
        [sys.executable, "-m", "newsgrep", "serve", "--index", args.index, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        port = urlsplit(url).port
        if not port:
            print("newsgrep serve did not start", file=sys.stderr)
            return 2
        for text in queries[:5]:  # warm: both server threads open their Searchers, templates compile
            for _ in range(2):
                request(port, "/?" + urlencode({"q": text}))
        search_ms, page_search_ms, hits_ms, page_ms, article_ms, errors = [], [], [], [], [], 0
        slow: list[tuple[float, str]] = []
        for text in queries:
            best = {"search": float("inf"), "page_search": float("inf"), "hits": float("inf"), "all": float("inf")}
            top = None
            for _ in range(args.repeat):
                _, _, status, _, body = request(port, "/search.json?" + urlencode({"q": text}))
                if status != 200:
                    break
                records = [json.loads(line) for line in body.decode().splitlines()]
                best["search"] = min(best["search"], records[-1]["summary"]["seconds"] * 1000)
                top = top or next((r["id"] for r in records if "id" in r), None)
                hits, took, status, headers, _ = request(port, "/?" + urlencode({"q": text}))
                best["hits"] = min(best["hits"], hits * 1000)
                best["all"] = min(best["all"], took * 1000)
                timing = server_timing(headers.get("Server-Timing", ""))
                best["page_search"] = min(best["page_search"], timing.get("search", float("inf")))
            if best["search"] == float("inf"):
                errors += 1
                continue
            search_ms.append(best["search"])
            page_search_ms.append(best["page_search"])
            hits_ms.append(best["hits"])
            page_ms.append(best["all"])
            if best["hits"] - best["search"] > BUDGET_MS:
                slow.append((best["hits"] - best["search"], text))
            if top:
                timed = [request(port, "/article?" + urlencode({"id": top, "q": text}))[:2] for _ in range(2)]
                article_ms.append((min(t[0] for t in timed) * 1000, min(t[1] for t in timed) * 1000))
    finally:
        server.terminate()
        server.wait(10)

    print(f"{len(search_ms)} queries ({errors} refused as malformed), best of {args.repeat}; milliseconds")
    print(f"{'':<44} {'p50':>8} {'p95':>8} {'max':>8}")
    print(row("search's own time (search.json's seconds)", search_ms))
    print(row("  the page's search (its Server-Timing)", page_search_ms))
    print(row("results page: request to end of hits", hits_ms))
    print(row("results page: request to last byte", page_ms))
    print(row("hits minus the search's own time", [h - s for h, s in zip(hits_ms, search_ms, strict=True)]))
    print(row("last byte minus the search's own time", [p - s for p, s in zip(page_ms, search_ms, strict=True)]))
    print(row("article page: request to end of the article", [a for a, _ in article_ms]))
    print(row("article page: to last byte (similar stories)", [b for _, b in article_ms]))
    print(f"hits shown more than {BUDGET_MS:.0f} ms after the search's own time: {len(slow)} of {len(page_ms)}")
    for extra, text in sorted(slow, reverse=True)[:10]:
        print(f"  +{extra:.0f} ms  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
