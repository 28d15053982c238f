"""A WARC corpus for the benchmark: wraps a folder of .txt articles (title on the first line, then the body)
into one gzipped WARC of HTML pages, as a crawler would have saved them, and compares `newsgrep index` on
the two.

    python bench/warc_corpus.py build FOLDER OUT.warc.gz [--host www.bbc.co.uk] [--limit N] [--assets-every 10]
    python bench/warc_corpus.py compare FOLDER [--repeats 3] [--with-html] [--jobs N] [--tmp DIR] [--json FILE]

`build` writes, per article, a response record (the page: <title>, meta tags for the description, author,
site name and publication time (the file's modification time), navigation and a footer) and a request
record, one gzip member each (warcio, WARC/1.1); with --assets-every N, a stylesheet and an image response
every N pages, which a reader must skip and count.

`compare` builds that WARC in a temporary folder (and with --with-html the same pages as a folder of
.html files, which isolates what reading the archive costs from what extracting HTML costs), then
indexes the folder of .txt files and the WARC alone, each into a fresh index, alternately (.txt, WARC,
.txt, WARC, ...) `--repeats` times, as `newsgrep index` processes of this checkout (its folder first on
PYTHONPATH), and prints, from the best run of each, wall time, articles indexed, articles/s, CPU time
(the process and its workers) and peak memory (the largest process), and the ratio. Needs warcio
(newsgrep's test extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SITE_NAMES = {"www.bbc.co.uk": "BBC News", "www.reuters.com": "Reuters"}
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def article_files(folder: Path, limit: int | None = None) -> list[Path]:
    """The folder's .txt files (not hidden, not a dataset's README), in a stable order."""
    found = []
    for base, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            Path(base) / name
            for name in sorted(names)
            if name.lower().endswith(".txt") and not name.startswith(".") and not name.lower().startswith("readme")
        )
    return found[:limit] if limit else found


def read_article(path: Path) -> tuple[str, list[str]]:
    """(title, paragraphs): the first non-blank line, then blocks of lines between blank lines."""
    lines = [line.strip() for line in path.read_bytes().decode("utf-8", "replace").splitlines()]
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return "", []
    paragraphs, current = [], []
    for line in lines[first + 1 :]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return lines[first], paragraphs


def page_html(title: str, paragraphs: list[str], url: str, site: str, published: dt.datetime, section: str) -> str:
    e = html.escape
    body = "\n".join(f"    <p>{e(p)}</p>" for p in paragraphs)
    description = e(paragraphs[0][:200]) if paragraphs else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(title)} - {e(site)}</title>
  <meta name="description" content="{description}">
  <meta property="og:title" content="{e(title)}">
  <meta property="og:site_name" content="{e(site)}">
  <meta property="og:url" content="{e(url)}">
  <meta property="article:published_time" content="{published.strftime("%Y-%m-%dT%H:%M:%SZ")}">
  <meta name="author" content="{e(site)} {e(section.title())} Desk">
  <link rel="canonical" href="{e(url)}">
  <link rel="stylesheet" href="/style.css">
</head>
<body>
  <header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
  <li><a href="/weather">Weather</a></li></ul></nav></header>
  <main>
  <article>
    <h1>{e(title)}</h1>
{body}
  </article>
  </main>
  <footer><p>Copyright {published.year} {e(site)}.
  The {e(site)} is not responsible for the content of external sites.</p>
  <p><a href="/terms">Terms of Use</a> | <a href="/privacy">Privacy</a></p></footer>
</body>
</html>
"""


def write_warc(
    folder: Path,
    out: Path,
    host: str = "www.bbc.co.uk",
    limit: int | None = None,
    assets_every: int = 10,
    html_folder: Path | None = None,
) -> int:
    """Writes the WARC (and, given `html_folder`, each page as a file there too); returns the number of
    HTML pages in it."""
    from warcio.warcwriter import WARCWriter

    site = SITE_NAMES.get(host, host)
    pages = 0
    with open(out, "wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        info = {"software": "newsgrep bench/warc_corpus.py", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(out.name, info))
        for number, path in enumerate(article_files(folder, limit), 1):
            title, paragraphs = read_article(path)
            if not title:
                continue
            relative = path.relative_to(folder).with_suffix("").as_posix()
            section = relative.split("/")[0] if "/" in relative else "news"
            url = f"https://{host}/news/{relative}"
            published = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            page = page_html(title, paragraphs, url, site, published, section).encode("utf-8")
            _write_pair(writer, url, "text/html; charset=utf-8", page, host)
            if html_folder is not None:
                saved = html_folder / f"{relative}.html"
                saved.parent.mkdir(parents=True, exist_ok=True)
                saved.write_bytes(page)
            pages += 1
            if assets_every and number % assets_every == 0:
                css = b"body{font-family:serif}\n" * 20
                _write_pair(writer, f"https://{host}/style.css?v={number}", "text/css", css, host)
                _write_pair(writer, f"https://{host}/images/{number}.png", "image/png", PNG_1X1, host)
    return pages


def _write_pair(writer, url: str, content_type: str, payload: bytes, host: str) -> None:
    """A response record and the request record that asked for it."""
    from warcio.statusandheaders import StatusAndHeaders

    request = StatusAndHeaders(
        f"GET /{url.split('/', 3)[3]} HTTP/1.1",
        [("Host", host), ("User-Agent", "warc_corpus")],
        protocol="HTTP/1.1",
        is_http_request=True,
    )
    response = StatusAndHeaders(
        "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(payload)))], protocol="HTTP/1.1"
    )
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=response)
    writer.write_record(record)
    asked = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
    asked.rec_headers.add_header("WARC-Concurrent-To", record.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(asked)


def index_once(target: Path, index: Path, jobs: int | None) -> dict:
    """One `newsgrep index TARGET` process into a fresh index: wall and CPU seconds, articles, peak RSS."""
    shutil.rmtree(index, ignore_errors=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    command = [sys.executable, "-m", "newsgrep", "index", str(target), "--index", str(index), "--json", "-q"]
    if jobs:
        command += ["-j", str(jobs)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this process's usage, its workers' included
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"warc_corpus: newsgrep index failed: {err.read().decode().strip()}")
        report = json.loads(out.read())
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": wall, "cpu": cpu, "articles": report["articles"], "max_rss_mb": usage.ru_maxrss / 1024}


def compare(folder: Path, repeats: int, jobs: int | None, tmp: Path, host: str, with_html: bool = False) -> dict:
    """Index the .txt folder and its WARC (and its .html pages) alternately; the best run of each."""
    work = Path(tempfile.mkdtemp(prefix="warc-corpus-", dir=tmp))
    try:
        warc_folder = work / "warc"
        warc_folder.mkdir()
        archive = warc_folder / f"{folder.name}.warc.gz"
        started = time.perf_counter()
        html_folder = work / "html" if with_html else None
        pages = write_warc(folder, archive, host=host, html_folder=html_folder)
        built = time.perf_counter() - started
        print(
            f"built {archive.name}: {pages} pages, {archive.stat().st_size / 2**20:.1f} MB in {built:.1f} s",
            file=sys.stderr,
        )
        targets = [("txt", folder), ("warc", warc_folder)] + ([("html", html_folder)] if html_folder else [])
        runs: dict[str, list[dict]] = {kind: [] for kind, _ in targets}
        for number in range(repeats):
            for kind, target in targets:
                run = index_once(target, work / f"ix-{kind}", jobs)
                runs[kind].append(run)
                print(f"run {number + 1} {kind}: {run['articles']} articles in {run['seconds']:.1f} s", file=sys.stderr)
        best = {kind: min(found, key=lambda run: run["seconds"]) for kind, found in runs.items()}
        for run in best.values():
            run["articles_per_second"] = run["articles"] / run["seconds"]
        return {
            "corpus": str(folder),
            "pages": pages,
            "warc_bytes": archive.stat().st_size,
            "repeats": repeats,
            **best,
            "warc_over_txt": best["warc"]["articles_per_second"] / best["txt"]["articles_per_second"],
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="write the WARC of a folder of .txt articles")
    build.add_argument("folder", type=Path)
    build.add_argument("out", type=Path)
    build.add_argument("--host", default="www.bbc.co.uk")
    build.add_argument("--limit", type=int)
    build.add_argument("--assets-every", type=int, default=10)
    measure = commands.add_parser("compare", help="articles/s of `newsgrep index` on the .txt files and on the WARC")
    measure.add_argument("folder", type=Path)
    measure.add_argument("--repeats", type=int, default=3)
    measure.add_argument("--with-html", action="store_true", help="also index the pages as a folder of .html files")
    measure.add_argument("--jobs", type=int, help="newsgrep index -j (default: its own choice)")
    measure.add_argument("--host", default="www.bbc.co.uk")
    measure.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    measure.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.command == "build":
        pages = write_warc(args.folder, args.out, args.host, args.limit, args.assets_every)
        print(f"{args.out}: {pages} HTML pages ({args.out.stat().st_size:,} bytes)", file=sys.stderr)
        return 0
    figures = compare(args.folder, args.repeats, args.jobs, args.tmp, args.host, args.with_html)
    print(f"{'':<6} {'articles':>9} {'seconds':>8} {'articles/s':>11} {'CPU s':>7} {'peak RSS':>9}")
    for kind in ("txt", "warc", "html"):
        run = figures.get(kind)
        if run is None:
            continue
        print(
            f"{kind:<6} {run['articles']:>9,} {run['seconds']:>8.1f} {run['articles_per_second']:>11.0f}"
            f" {run['cpu']:>7.1f} {run['max_rss_mb']:>7.0f} MB"
        )
    print(f"WARC / .txt articles/s: {figures['warc_over_txt']:.2f} (best of {figures['repeats']} each, alternating)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
