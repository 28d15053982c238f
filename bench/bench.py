"""newsgrep's benchmark: indexing, incremental reindexing and search latency, beside two baselines.

    python bench/bench.py CORPUS_DIR [--queries 200] [--skip-incremental] [--many-incremental 50]
                          [--subset 20000] [--json [FILE]] [--compare OLD.json] [--profile] ...

Run it with the Python that has newsgrep's dependencies (the dev venv); the checkout this file lives in
is put first on the path of every process (PYTHONPATH), so the code measured is the code beside it.

What it measures, on the files under CORPUS_DIR (warm file cache, one after another):

- full index build: `newsgrep index CORPUS EXTRA --index TMP` as a process (EXTRA is an empty folder
  of the benchmark's own, where the incremental runs add files: the corpus is never written to);
  wall time, articles/s, CPU time, peak RSS of the process tree (sampled from /proc, children
  included; plus the kernel's max RSS of the largest single process), index size on disk;
- two baselines built from the same files, each in a child process measured the same way:
  "naive Whoosh" (one `ix.writer()` with default settings, StemmingAnalyzer, one document per article,
  one commit) and SQLite FTS5 (porter tokenizer, one transaction); their reader is this file's own
  (title line, a date line if there is one, body; JSON fields), not newsgrep's;
- query latency p50/p95 of N in-process queries: newsgrep's `search.search()` (passages and
  highlights included), naive Whoosh (`hit.highlights()` for the top 10), FTS5 (`snippet()`), over a
  deterministic mixed query set drawn from the corpus with a fixed seed: single words, 2-4 words,
  "phrases" from article text, `title:` queries and `date:[A TO B]` filters (alone and with a word);
  FTS5 gets the set translated (quoted tokens, `title:` column filter, dates as a WHERE on a column);
- wall time of `newsgrep search QUERY --index TMP` processes (start-up + open + search + print, median
  of several runs) against `rg -i -l -e w1 -e w2 ...` over the same files, plus `python -c pass` and
  `newsgrep --version` as start-up floors;
- incremental reindex (`newsgrep index --index TMP`, no paths): after adding 10 new articles (copies of
  corpus articles with changed text), after touching 10 files without changing them, and with nothing
  changed; with --many-incremental N, N runs adding one file each, then the segment count
  (`newsgrep stats --json`) and the query latency again;
- with --profile: cProfile of one `newsgrep index` process (over --profile-files files), cProfile of
  one `newsgrep search` process, and `-X importtime` of it grouped by package.

Only the standard library, Whoosh (a dependency of newsgrep) and the sqlite3 module are used.
Temporary indexes go under --tmp (default: the system's temp dir) and are removed at the end
(--keep leaves them). Exit status: 0 on success, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import random
import re
import resource
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# Files newsgrep reads as articles (see indexer.sources); the baselines read the same ones.
FORMATS = {".txt", ".text", ".html", ".htm", ".json", ".jsonl"}
NOT_ARTICLES = re.compile(r"(readme|licen[cs]e|copying|changelog)(\.[a-z]+)?$", re.I)
JSON_TITLE = ("title", "headline", "name")
JSON_BODY = ("text", "body", "content", "article", "story", "description", "summary")
JSON_DATE = ("date", "published", "published_at", "publishedAt", "pubdate", "datetime", "time", "created")
TAG = re.compile(r"<[^>]+>")

STOP = frozenset(
    "a about after again all also an and any are as at be because been before being but by can could did do "
    "does for from had has have he her here his how i if in into is it its just more most mr mrs ms new no "
    "not now of on one only or other our out over said says she so some than that the their them then there "
    "these they this those through to two up was we were what when which while who will with would year "
    "years you your".split()
)
WORD = re.compile(r"^[a-z]{4,}$")
KINDS = ("word", "words", "phrase", "title", "date", "word+date")
KIND_SHARES = {"word": 0.25, "words": 0.25, "phrase": 0.20, "title": 0.15, "date": 0.05, "word+date": 0.10}
MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class BenchError(Exception):
    """The benchmark cannot run; the message says why (printed as one line, exit status 2)."""


# --------------------------------------------------------------------------------------------------
# Reading the corpus (the baselines' reader: simple, stdlib, the same files newsgrep reads)
# --------------------------------------------------------------------------------------------------


@dataclass
class Doc:
    path: str
    title: str
    body: str
    date: dt.datetime | None = None


def corpus_files(root: Path) -> list[Path]:
    """Article files under root, in newsgrep's order: sorted, hidden and README/LICENSE files left out."""
    if root.is_file():
        return [root]
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or NOT_ARTICLES.match(name):
                continue
            if os.path.splitext(name)[1].lower() in FORMATS:
                found.append(Path(folder, name))
    return found


_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
DATE_FORMS = (  # (pattern, order of its groups): the usual ways news files write a date
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),  # 2009-07-16
    (re.compile(r"(\d{1,2})-" + _MONTH + r"-(\d{4})", re.I), "dby"),  # 26-FEB-1987
    (re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})", re.I), "dby"),  # 16 July 2009
    (re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I), "bdy"),  # July 16, 2009
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})"), "mdy"),  # 07/16/2009, 01/04/63 (US order)
)


def find_date(text, short: bool = True) -> dt.datetime | None:
    """The day of a date written in one of DATE_FORMS (a header line, or a JSON value); None otherwise.
    With `short`, only lines of at most 60 characters count (a date line, not a sentence)."""
    if not isinstance(text, str) or (short and len(text.strip()) > 60):
        return None
    for pattern, order in DATE_FORMS:
        m = pattern.search(text)
        if not m:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        month = parts["m"] if "m" in parts else str(_MONTHS.index(parts["b"][:3].lower()) + 1)
        year = int(parts["y"])
        if year < 100:  # two-digit years: the most recent past one
            year += 2000 if year + 2000 <= dt.date.today().year else 1900
        try:
            return dt.datetime(year, int(month), int(parts["d"]))
        except ValueError:
            return None
    return None


def read_docs(path: Path) -> list[Doc]:
    """The articles in one file: .txt (title line, an optional date line, body), JSON, JSON Lines."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl"):
        objects = []
        if suffix == ".json":
            with contextlib.suppress(ValueError):
                value = json.loads(text)
                objects = value if isinstance(value, list) else [value]
        else:
            for line in text.splitlines():
                with contextlib.suppress(ValueError):
                    objects.append(json.loads(line))
        docs = []
        for obj in objects:
            if not isinstance(obj, dict):
                continue
            body = next((obj[k] for k in JSON_BODY if isinstance(obj.get(k), str) and obj[k].strip()), None)
            if body is None:
                continue
            title = next((obj[k] for k in JSON_TITLE if isinstance(obj.get(k), str) and obj[k].strip()), "")
            date = next((find_date(obj[k]) for k in JSON_DATE if obj.get(k)), None)
            docs.append(Doc(str(path), title.strip() or body.strip().split("\n")[0], body, date))
        return docs
    if suffix in (".html", ".htm"):
        text = TAG.sub(" ", text)
    lines = [line.strip() for line in text.strip().split("\n")]
    if not lines or not lines[0]:
        return []
    date = find_date(lines[0])  # a date line first ("01/04/63 page 020"), then the title
    if date is not None and len(lines) > 1:
        lines = [line for line in lines[1:] if line] or lines
    title, rest = lines[0], lines[1:]
    header = next((i for i, line in enumerate(rest) if line), None)
    if date is None and header is not None and (date := find_date(rest[header])) is not None:
        rest = rest[header + 1 :]  # a date line under the title ("26-FEB-1987 15:01:01.79")
    return [Doc(str(path), title, "\n".join(rest).strip() or title, date)]


# --------------------------------------------------------------------------------------------------
# The query set
# --------------------------------------------------------------------------------------------------


@dataclass
class Query:
    kind: str
    text: str  # newsgrep / Whoosh syntax
    words: list[str] = field(default_factory=list)  # what rg looks for (any of them)
    phrase: list[str] | None = None
    title_word: str | None = None
    dates: tuple[str, str] | None = None  # inclusive ISO days

    def fts(self) -> tuple[str | None, tuple[str, str] | None]:
        """The FTS5 MATCH expression (None: date filter only) and the date range."""
        if self.phrase:
            match = '"' + " ".join(self.phrase) + '"'
        elif self.title_word:
            match = f'title : "{self.title_word}"'
        elif self.words:
            match = " ".join(f'"{w}"' for w in self.words)
        else:
            match = None
        return match, self.dates


def _usable(words) -> list[str]:
    return [w for w in words if WORD.match(w) and w not in STOP]


def make_queries(docs: list[Doc], count: int, seed: int) -> list[Query]:
    """`count` queries in the KIND_SHARES proportions, drawn from `docs` with a fixed seed."""
    rng = random.Random(seed)
    kinds = []
    for kind in KINDS:
        kinds += [kind] * max(1, round(count * KIND_SHARES[kind]))
    kinds = (kinds * (count // len(kinds) + 1))[:count]
    rng.shuffle(kinds)
    dated = [d for d in docs if d.date is not None]
    queries = []
    for kind in kinds:
        for _attempt in range(50):
            q = _make_query(kind, rng.choice(docs), dated, rng)
            if q is not None:
                queries.append(q)
                break
        else:
            q = _make_query("date", docs[0], dated, rng)
            queries.append(q)  # date queries can always be made
    return queries


def _make_query(kind: str, doc: Doc, dated: list[Doc], rng: random.Random) -> Query | None:
    body_words = _usable(re.findall(r"[A-Za-z]+", doc.body.lower()))
    if kind == "word":
        if not body_words:
            return None
        word = rng.choice(body_words)
        return Query(kind, word, [word])
    if kind == "words":
        distinct = sorted(set(body_words))
        if len(distinct) < 2:
            return None
        words = rng.sample(distinct, min(len(distinct), rng.randint(2, 4)))
        return Query(kind, " ".join(words), words)
    if kind == "phrase":
        tokens = doc.body.lower().split()
        length = rng.randint(2, 3)
        starts = [
            i
            for i in range(len(tokens) - length + 1)
            if all(re.fullmatch(r"[a-z]+", t) for t in tokens[i : i + length])
            and tokens[i] not in STOP
            and tokens[i + length - 1] not in STOP
            and len(tokens[i]) > 2
            and len(tokens[i + length - 1]) > 2
        ]
        if not starts:
            return None
        i = rng.choice(starts)
        phrase = tokens[i : i + length]
        return Query(kind, '"' + " ".join(phrase) + '"', [w for w in phrase if w not in STOP], phrase=phrase)
    if kind == "title":
        words = _usable(re.findall(r"[A-Za-z]+", doc.title.lower()))
        if not words:
            return None
        word = rng.choice(words)
        return Query(kind, f"title:{word}", [word], title_word=word)
    # date filters: around a dated article's date if the corpus has dates, else somewhere in 1985-2015
    if dated:
        anchor = rng.choice(dated)
        day = anchor.date.date() - dt.timedelta(days=rng.randint(0, 20))
        if kind == "word+date":
            doc = anchor
            body_words = _usable(re.findall(r"[A-Za-z]+", doc.body.lower()))
    else:
        day = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randint(0, 30 * 365))
    end = day + dt.timedelta(days=rng.choice([0, 6, 30, 90, 365]))
    dates = (day.isoformat(), end.isoformat())
    span = f"date:[{dates[0]} TO {dates[1]}]"
    if kind == "date":
        return Query(kind, span, [], dates=dates)
    if not body_words:
        return None
    word = rng.choice(body_words)
    return Query(kind, f"{word} {span}", [word], dates=dates)


# --------------------------------------------------------------------------------------------------
# Processes: wall time, CPU, peak RSS of the process tree
# --------------------------------------------------------------------------------------------------

_RUNNING: set[int] = set()  # process groups of children in flight (killed if the benchmark is interrupted)


def _children(pid: int) -> list[int]:
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += _children(p)
    return pids


def _rss_pss(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0, 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pss = rss
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples the summed RSS (and PSS: shared pages counted once) of a process and its descendants."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.max_procs = 0
        self.halt = threading.Event()

    def run(self) -> None:
        while True:
            pids = _tree(self.pid)
            sizes = [_rss_pss(p) for p in pids]
            self.peak_rss = max(self.peak_rss, sum(s[0] for s in sizes))
            self.peak_pss = max(self.peak_pss, sum(s[1] for s in sizes))
            self.max_procs = max(self.max_procs, sum(1 for s in sizes if s[0]))
            if self.halt.wait(self.interval):
                return


@dataclass
class Run:
    cmd: list[str]
    rc: int
    wall: float
    stdout: str
    stderr: str
    cpu: float = 0.0  # user + system seconds of the process and its waited-for descendants
    peak_rss: int = 0  # bytes, sampled sum over the process tree
    peak_pss: int = 0
    maxrss: int = 0  # bytes, the kernel's max RSS of the largest single process in the tree
    procs: int = 0

    def check(self, what: str) -> Run:
        if self.rc not in (0, 1):
            tail = (self.stderr or self.stdout).strip().splitlines()[-3:]
            raise BenchError(f"{what} failed (exit {self.rc}): {' | '.join(tail)}\n  command: {shlex.join(self.cmd)}")
        return self

    def json_line(self) -> dict:
        for line in reversed(self.stdout.strip().splitlines()):
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, dict):
                    return value
        return {}


def run_measured(cmd: list[str], env: dict, timeout: float, cwd: str | None = None) -> Run:
    """Runs cmd to completion, sampling its process tree; kills its process group after `timeout` s."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        _RUNNING.add(proc.pid)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.halt.set()
            sampler.join()
            _RUNNING.discard(proc.pid)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(cmd, proc.returncode, wall, out.read(), err.read())
    run.cpu = usage.ru_utime + usage.ru_stime
    run.maxrss = usage.ru_maxrss * 1024
    run.peak_rss, run.peak_pss, run.procs = sampler.peak_rss, sampler.peak_pss, sampler.max_procs
    if run.rc == -signal.SIGKILL and wall >= timeout:
        raise BenchError(f"timed out after {timeout:.0f} s: {shlex.join(cmd)}")
    return run


def run_quick(cmd: list[str], env: dict, timeout: float = 120) -> tuple[float, int, str, float]:
    """(wall s, exit code, stderr, CPU s) of one short process, its output read through a pipe (as a pager
    or a script would). CPU is user + system time of the process and its children (children of this
    benchmark run one at a time, so the RUSAGE_CHILDREN difference is this process's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, done.returncode, done.stderr, cpu


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


# --------------------------------------------------------------------------------------------------
# Statistics and printing
# --------------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    s = sorted(values)
    k = (len(s) - 1) * p
    lo = math.floor(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def latency_summary(seconds: list[float], cpu: list[float] | None = None) -> dict:
    """Wall-clock p50/p95/mean/max in ms, and CPU-time p50/p95 (robust when the machine is shared)."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "mean_ms": None, "max_ms": None}
    summary = {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
    }
    if cpu:
        cpu_ms = [s * 1000 for s in cpu]
        summary.update(cpu_p50_ms=round(percentile(cpu_ms, 0.50), 2), cpu_p95_ms=round(percentile(cpu_ms, 0.95), 2))
    return summary


def dir_bytes(path: Path) -> int:
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def ratio(a, b) -> float | None:
    if a is None or b is None or not b or (isinstance(a, float) and math.isnan(a)) or math.isnan(b):
        return None
    return a / b


def fmt(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{max(digits, 2) if abs(value) < 10 else digits}f}"


def table(title: str, header: list[str], rows: list[list]) -> str:
    cells = [header] + [[c if isinstance(c, str) else fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title]
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  " + "  ".join(parts).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def say(*parts) -> None:
    print(*parts, flush=True)


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Baseline builders (run as child processes of this script: `bench.py --child naive|fts5 CORPUS DEST`)
# --------------------------------------------------------------------------------------------------


def build_naive(corpus: Path, dest: Path) -> dict:
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    started = time.perf_counter()
    schema = Schema(
        path=ID(stored=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        date=DATETIME(stored=True),
    )
    dest.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(dest), schema)
    writer = ix.writer()
    articles = 0
    for path in corpus_files(corpus):
        for doc in read_docs(path):
            fields = {"path": doc.path, "title": doc.title, "body": doc.body}
            if doc.date is not None:
                fields["date"] = doc.date
            writer.add_document(**fields)
            articles += 1
    writer.commit()
    return {"articles": articles, "seconds": time.perf_counter() - started}


def build_fts5(corpus: Path, dest: Path) -> dict:
    started = time.perf_counter()
    db = sqlite3.connect(dest)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, path UNINDEXED, date UNINDEXED, tokenize='porter unicode61')"
    )
    articles = 0
    with db:
        for path in corpus_files(corpus):
            rows = [(d.title, d.body, d.path, d.date.isoformat() if d.date else None) for d in read_docs(path)]
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
            articles += len(rows)
    db.close()
    return {"articles": articles, "seconds": time.perf_counter() - started}


def child_main(argv: list[str]) -> int:
    kind, corpus, dest = argv
    result = (build_naive if kind == "naive" else build_fts5)(Path(corpus), Path(dest))
    print(json.dumps(result))
    return 0


# --------------------------------------------------------------------------------------------------
# Query runners (in-process)
# --------------------------------------------------------------------------------------------------


def time_queries(run_one, queries: list[Query], warmup: int = 3) -> dict:
    """Times run_one(query) -> hit count over the set (after `warmup` untimed queries)."""
    for q in queries[:warmup]:
        with contextlib.suppress(Exception):
            run_one(q)
    times, cpus, zero, errors, by_kind, first_error = [], [], 0, 0, {}, None
    for q in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            hits = run_one(q)
        except Exception as exc:  # a query an engine cannot run is counted, not fatal
            errors += 1
            first_error = first_error or f"{q.text!r}: {type(exc).__name__}: {exc}"
            continue
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        times.append(elapsed)
        cpus.append(cpu)
        by_kind.setdefault(q.kind, []).append(elapsed)
        zero += hits == 0
    summary = latency_summary(times, cpus)
    summary.update(zero_hits=zero, errors=errors, first_error=first_error)
    summary["by_kind"] = {k: latency_summary(v) for k, v in sorted(by_kind.items())}
    return summary


def newsgrep_runner(index_dir: Path):
    from search import search

    def run_one(q: Query) -> int:
        result = search(q.text, index_dir, limit=10, passages=3)
        return len(result.hits)

    return run_one


def naive_runner(ix_dir: Path, stack: contextlib.ExitStack):
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    ix = index.open_dir(str(ix_dir))
    searcher = stack.enter_context(ix.searcher())
    parser = MultifieldParser(["title", "body"], ix.schema)

    def run_one(q: Query) -> int:
        results = searcher.search(parser.parse(q.text), limit=10)
        for hit in results:
            hit.highlights("body")
        return results.scored_length()

    return run_one


def fts5_runner(db_path: Path, stack: contextlib.ExitStack):
    db = sqlite3.connect(db_path)
    stack.callback(db.close)

    def run_one(q: Query) -> int:
        match, dates = q.fts()
        where, params = [], []
        if match:
            where.append("docs MATCH ?")
            params.append(match)
        if dates:
            end = (dt.date.fromisoformat(dates[1]) + dt.timedelta(days=1)).isoformat()
            where += ["date >= ?", "date < ?"]
            params += [dates[0], end]
        snippet = "snippet(docs, 1, '[', ']', '…', 24)" if match else "substr(body, 1, 160)"
        order = "ORDER BY rank" if match else ""
        sql = f"SELECT path, title, {snippet} FROM docs WHERE {' AND '.join(where)} {order} LIMIT 10"
        return len(db.execute(sql, params).fetchall())

    return run_one


def open_time(index_dir: Path, repeats: int = 20) -> float | None:
    """Median seconds to open newsgrep's Whoosh index and a searcher on it, then close them (what every
    search() call does before its query); None if the index's layout is not the one expected."""
    try:
        from whoosh import index

        gen = index_dir / (index_dir / "CURRENT").read_text().strip() / "whoosh"
        times = []
        for _ in range(repeats + 1):
            started = time.perf_counter()
            with index.open_dir(str(gen)).searcher() as searcher:
                searcher.doc_count()
            times.append(time.perf_counter() - started)
        return statistics.median(times[1:])
    except Exception:  # the layout is newsgrep's business: no figure rather than a failed benchmark
        return None


# --------------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, corpus: Path, tmp: Path):
        self.args, self.corpus, self.tmp = args, corpus, tmp
        self.env = dict(os.environ)
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
        self.env["NO_COLOR"] = "1"
        self.env.pop("NEWSGREP_INDEX", None)
        self.ng = self._newsgrep_command(args.newsgrep)
        self.rg = shutil.which("rg")
        self.ix = tmp / "newsgrep-index"
        self.extra = tmp / "extra"  # a second root of the index, where incremental runs add articles
        self.results: dict = {}
        self.out: list[str] = []
        self.new_files = 0

    @staticmethod
    def _newsgrep_command(given: str | None) -> list[str]:
        if given:
            return shlex.split(given)
        script = Path(sys.executable).parent / "newsgrep"
        return [str(script)] if script.exists() else [sys.executable, "-m", "newsgrep"]

    def emit(self, text: str = "") -> None:
        self.out.append(text)
        say(text)

    # ---- setup ---------------------------------------------------------------------------------------
    def describe(self, files: list[Path]) -> None:
        size = sum(p.stat().st_size for p in files)
        git = _git(["rev-parse", "--short", "HEAD"]) or "?"
        dirty = _git(["status", "--porcelain", "--", "indexer", "search", "newsgrep"])
        try:
            import whoosh

            whoosh_version = ".".join(map(str, whoosh.__version__))
        except Exception:
            whoosh_version = "?"
        self.results["meta"] = {
            "corpus": str(self.args.corpus),
            "measured_corpus": str(self.corpus),
            "files": len(files),
            "corpus_bytes": size,
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "repo": str(REPO),
            "git": git + ("+dirty" if dirty else ""),
            "python": platform.python_version(),
            "whoosh": whoosh_version,
            "cpus": os.cpu_count(),
            "load_start": [round(x, 2) for x in os.getloadavg()],
            "newsgrep_cmd": self.ng,
            "queries": self.args.queries,
            "seed": self.args.seed,
            "rg": self.rg,
        }
        m = self.results["meta"]
        self.emit(f"newsgrep bench · {self.corpus} · {len(files):,} files, {size / MB:.1f} MB")
        self.emit(
            f"code {REPO} @ {m['git']} · Python {m['python']} · whoosh {whoosh_version} · "
            f"{m['cpus']} CPUs · load {m['load_start'][0]} · {m['when']}"
        )

    # ---- indexing --------------------------------------------------------------------------------------
    def index_full(self) -> None:
        progress("newsgrep index (full build)")
        self.extra.mkdir()
        cmd = [*self.ng, "index", str(self.corpus), str(self.extra), "--index", str(self.ix), "--json"]
        run = run_measured(cmd, self.env, self.args.timeout).check("newsgrep index")
        report = run.json_line()
        articles = report.get("articles")
        stats = self.stats()
        self.results["index"] = {
            "newsgrep": self._index_figures(run, articles, dir_bytes(self.ix), report.get("seconds"))
        }
        self.results["index"]["newsgrep"].update(
            segments=stats.get("segments"), passages=stats.get("passages"), skipped=report.get("skipped")
        )
        if report.get("skips"):
            self.results["index"]["newsgrep"]["first_skip"] = report["skips"][0]

    def _index_figures(self, run: Run, articles: int | None, size: int, inner: float | None) -> dict:
        return {
            "articles": articles,
            "wall_s": round(run.wall, 3),
            "inner_s": round(inner, 3) if inner is not None else None,
            "articles_per_s": round(articles / run.wall, 1) if articles else None,
            "articles_per_cpu_s": round(articles / run.cpu, 1) if articles and run.cpu else None,
            "cpu_s": round(run.cpu, 2),
            "peak_tree_rss_mb": round(run.peak_rss / MB, 1),
            "peak_tree_pss_mb": round(run.peak_pss / MB, 1),
            "max_process_rss_mb": round(run.maxrss / MB, 1),
            "max_processes": run.procs,
            "size_mb": round(size / MB, 2),
        }

    def index_baseline(self, kind: str) -> None:
        progress(f"{kind} baseline (full build)")
        dest = self.tmp / ("naive-whoosh" if kind == "naive" else "fts5.sqlite3")
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(self.corpus), str(dest)]
        run = run_measured(cmd, self.env, self.args.timeout).check(f"{kind} baseline")
        report = run.json_line()
        size = dir_bytes(dest) if dest.is_dir() else dest.stat().st_size
        self.results.setdefault("index", {})[kind] = self._index_figures(
            run, report.get("articles"), size, report.get("seconds")
        )

    def stats(self) -> dict:
        done = subprocess.run(
            [*self.ng, "stats", "--index", str(self.ix), "--json"], env=self.env, capture_output=True, text=True
        )
        try:
            return json.loads(done.stdout)
        except ValueError:
            return {}

    # ---- queries -----------------------------------------------------------------------------------------
    def query_set(self, files: list[Path]) -> list[Query]:
        rng = random.Random(self.args.seed)
        sample = files if len(files) <= 3000 else sorted(rng.sample(files, 3000))
        docs = [d for p in sample for d in read_docs(p) if d.body.strip()]
        if not docs:
            raise BenchError(f"no readable articles in {self.corpus}")
        self.docs = docs
        queries = make_queries(docs, self.args.queries, self.args.seed)
        if self.args.out:
            out = Path(self.args.out)
            out.mkdir(parents=True, exist_ok=True)
            with open(out / "queries.tsv", "w", encoding="utf-8") as f:
                for q in queries:
                    f.write(f"{q.kind}\t{q.text}\n")
        return queries

    def queries(self, queries: list[Query], label: str = "queries") -> None:
        figures = {}
        progress(f"newsgrep search() × {len(queries)}")
        figures["newsgrep"] = time_queries(newsgrep_runner(self.ix), queries)
        figures["newsgrep"]["open_index_ms"] = _ms(open_time(self.ix))
        with contextlib.ExitStack() as stack:
            if label == "queries" and (self.tmp / "naive-whoosh").is_dir():
                progress(f"naive Whoosh queries × {len(queries)}")
                figures["naive"] = time_queries(naive_runner(self.tmp / "naive-whoosh", stack), queries)
            if label == "queries" and (self.tmp / "fts5.sqlite3").is_file():
                progress(f"FTS5 queries × {len(queries)}")
                figures["fts5"] = time_queries(fts5_runner(self.tmp / "fts5.sqlite3", stack), queries)
        self.results[label] = figures

    # ---- processes: newsgrep search vs rg ---------------------------------------------------------------
    def processes(self, queries: list[Query]) -> None:
        progress("newsgrep search / rg processes")
        order = ("word", "words", "phrase", "title", "word+date")  # rg needs words: no date-only queries
        pools = {kind: [q for q in queries if q.kind == kind] for kind in order}
        picked: list[Query] = []
        while len(picked) < self.args.process_queries and any(pools.values()):
            for kind in order:
                if pools[kind] and len(picked) < self.args.process_queries:
                    picked.append(pools[kind].pop(0))
        runs = self.args.process_runs

        def timed(cmd: list[str], check: bool = False) -> tuple[float, float]:
            """Median wall and CPU ms of `runs` runs of cmd (after one untimed warm-up run)."""
            run_quick(cmd, self.env)  # warm-up: file cache, .pyc files
            walls, cpus = [], []
            for _ in range(runs):
                wall, rc, err, cpu = run_quick(cmd, self.env)
                if check and rc not in (0, 1):
                    raise BenchError(f"{shlex.join(cmd)} failed (exit {rc}): {err.strip()[-300:]}")
                walls.append(wall)
                cpus.append(cpu)
            return round(statistics.median(walls) * 1000, 1), round(statistics.median(cpus) * 1000, 1)

        floors = {}
        for name, cmd in (
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("newsgrep --version", [*self.ng, "--version"]),
        ):
            floors[name], floors[name + " cpu"] = timed(cmd)
        rows = []
        for q in picked:
            row: dict = {"query": q.text, "kind": q.kind}
            ng_cmd = [*self.ng, "search", q.text, "--index", str(self.ix), "--color", "never"]
            row["newsgrep_ms"], row["newsgrep_cpu_ms"] = timed(ng_cmd, check=True)
            row["rg_ms"] = row["rg_cpu_ms"] = None
            if self.rg:
                rg_cmd = [self.rg, "-i", "-l", *[a for w in q.words for a in ("-e", w)], str(self.corpus)]
                row["rg_ms"], row["rg_cpu_ms"] = timed(rg_cmd)
            rows.append(row)

        def median_of(key: str) -> float | None:
            values = [r[key] for r in rows if r[key] is not None]
            return round(statistics.median(values), 1) if values else None

        self.results["process"] = {
            "runs_each": runs,
            "floors_ms": {k: v for k, v in floors.items() if not k.endswith(" cpu")},
            "floors_cpu_ms": {k[: -len(" cpu")]: v for k, v in floors.items() if k.endswith(" cpu")},
            "queries": rows,
            **{f"{key}_median": median_of(key) for key in ("newsgrep_ms", "newsgrep_cpu_ms", "rg_ms", "rg_cpu_ms")},
        }

    # ---- incremental -----------------------------------------------------------------------------------
    def _write_new(self, count: int, tag: str) -> list[Path]:
        rng = random.Random(f"{self.args.seed}-{tag}")
        written = []
        for i in range(count):
            doc = rng.choice(self.docs)
            self.new_files += 1
            marker = f"zqbench{self.new_files:05d}"
            sentences = re.split(r"(?<=[.!?])\s+", doc.body.strip())
            rng.shuffle(sentences)
            body = " ".join(sentences) + f"\n\nBenchmark update {marker}: this copy was changed by bench.py."
            path = self.extra / f"{tag}-{i:03d}.txt"
            path.write_text(f"Update {marker}: {doc.title}\n\n{body}\n", encoding="utf-8")
            written.append(path)
        return written

    def _update(self, what: str) -> dict:
        cmd = [*self.ng, "index", "--index", str(self.ix), "--json"]
        run = run_measured(cmd, self.env, self.args.timeout).check(f"newsgrep index ({what})")
        report = run.json_line()
        return {
            "wall_s": run.wall,
            "inner_s": report.get("seconds"),
            "added": report.get("added"),
            "updated": report.get("updated"),
            "unchanged": report.get("unchanged"),
            "peak_tree_rss_mb": run.peak_rss / MB,
        }

    def incremental(self) -> None:
        progress("incremental reindexing")
        repeats = self.args.incremental_repeats
        cases: dict[str, list[dict]] = {
            "add 10 new files": [],
            "touch 10 files (same content)": [],
            "nothing changed": [],
        }
        added: list[Path] = []
        for r in range(repeats):
            added += self._write_new(10, f"inc{r}")
            cases["add 10 new files"].append(self._update("10 new files"))
        for r in range(repeats):
            for path in added[-10:]:
                when = time.time() + 10 + r
                os.utime(path, (when, when))
            cases["touch 10 files (same content)"].append(self._update("touched files"))
        for _ in range(repeats):
            cases["nothing changed"].append(self._update("no change"))
        figures = {}
        for name, runs in cases.items():
            figures[name] = {
                "runs": len(runs),
                "wall_s_median": round(statistics.median(r["wall_s"] for r in runs), 3),
                "inner_s_median": _median([r["inner_s"] for r in runs]),
                "added": [r["added"] for r in runs],
                "unchanged": [r["unchanged"] for r in runs],
                "peak_tree_rss_mb": round(max(r["peak_tree_rss_mb"] for r in runs), 1),
            }
        if any(a != 10 for a in figures["add 10 new files"]["added"]):
            figures["warning"] = "an incremental run did not report 10 added files"
        self.results["incremental"] = figures

    def many_incremental(self, queries: list[Query]) -> None:
        count = self.args.many_incremental
        before = self.stats().get("segments")
        walls, inners = [], []
        for i in range(count):
            if i % 10 == 0:
                progress(f"many incremental: run {i + 1}/{count}")
            self._write_new(1, f"many{i:03d}")
            run = self._update("1 new file")
            walls.append(run["wall_s"])
            if run["inner_s"] is not None:
                inners.append(run["inner_s"])
        after = self.stats()
        self.queries(queries, label="queries_after_many")
        self.results["many_incremental"] = {
            "runs": count,
            "wall_s_median": round(statistics.median(walls), 3),
            "wall_s_max": round(max(walls), 3),
            "wall_s_first": round(walls[0], 3),
            "wall_s_last": round(walls[-1], 3),
            "inner_s_median": _median(inners),
            "segments_before": before,
            "segments_after": after.get("segments"),
            "articles_after": after.get("articles"),
        }

    # ---- profiles ----------------------------------------------------------------------------------------
    def profile(self, queries: list[Query], files: list[Path]) -> None:
        out = Path(self.args.out or self.tmp / "profile")
        out.mkdir(parents=True, exist_ok=True)
        subset = files[: self.args.profile_files]
        root = self.tmp / "profile-corpus"
        link_subset(self.corpus, subset, root)
        progress(f"profiling newsgrep index over {len(subset):,} files")
        ix = self.tmp / "profile-index"
        prof = out / "index.prof"
        cmd = _profiled_newsgrep(prof, "index", str(root), "--index", str(ix), "-q")
        run = run_measured(cmd, self.env, self.args.timeout).check("profiled newsgrep index")
        self.emit()
        self.emit(f"PROFILE newsgrep index, {len(subset):,} files, {run.wall:.1f} s under cProfile ({prof})")
        self.emit(_pstats(prof, "cumulative", 25))
        self.emit(_pstats(prof, "tottime", 20))
        query = next((q for q in queries if q.kind == "words"), queries[0])
        prof = out / "search.prof"
        cmd = _profiled_newsgrep(prof, "search", query.text, "--index", str(self.ix))
        run_measured(cmd, self.env, self.args.timeout).check("profiled newsgrep search")
        self.emit(f"PROFILE newsgrep search {query.text!r} ({prof})")
        self.emit(_pstats(prof, "cumulative", 25))
        import cProfile

        prof = out / "search-inprocess.prof"
        run_one = newsgrep_runner(self.ix)
        profiler = cProfile.Profile()
        profiler.enable()
        for q in queries:
            with contextlib.suppress(Exception):
                run_one(q)
        profiler.disable()
        profiler.dump_stats(str(prof))
        self.emit(f"PROFILE in-process search() × {len(queries)} ({prof})")
        self.emit(_pstats(prof, "cumulative", 25))
        self.emit(_pstats(prof, "tottime", 15))
        cmd = [sys.executable, "-X", "importtime", "-m", "newsgrep", "search", query.text, "--index", str(self.ix)]
        run_quick(cmd, self.env)
        wall, _, err, _ = run_quick(cmd, self.env)
        (out / "search.importtime.txt").write_text(err)
        self.emit(importtime_report(err, wall))

    # ---- report ------------------------------------------------------------------------------------------
    def report(self) -> None:
        r = self.results
        self.results["meta"]["load_end"] = [round(x, 2) for x in os.getloadavg()]
        names = {"newsgrep": "newsgrep", "naive": "naive Whoosh (1 writer)", "fts5": "SQLite FTS5 (porter)"}
        if "index" in r:
            rows = []
            for key, v in r["index"].items():
                rows.append(
                    [
                        names[key],
                        v["articles"],
                        v["wall_s"],
                        v["inner_s"],
                        v["articles_per_s"],
                        v["cpu_s"],
                        v["articles_per_cpu_s"],
                        v["peak_tree_rss_mb"],
                        v["peak_tree_pss_mb"],
                        v["max_process_rss_mb"],
                        v["max_processes"],
                        v["size_mb"],
                    ]
                )
            self.emit()
            self.emit(
                table(
                    "FULL INDEX (one process each; RSS/PSS: peak sum over the process tree, sampled every 0.1 s)",
                    [
                        "",
                        "articles",
                        "wall s",
                        "in-run s",
                        "articles/s",
                        "CPU s",
                        "art/CPU s",
                        "RSS MB",
                        "PSS MB",
                        "max 1-proc MB",
                        "procs",
                        "size MB",
                    ],
                    rows,
                )
            )
            ng = r["index"].get("newsgrep", {})
            if ng.get("segments") is not None:
                self.emit(
                    f"  newsgrep: {ng.get('passages') or 0:,} passages beside the articles, "
                    f"{ng['segments']} segment(s), {ng.get('skipped') or 0} file(s) skipped"
                )
            counts = {v["articles"] for v in r["index"].values()}
            if len(counts) > 1:
                self.emit("  note: the engines counted different numbers of articles (readers differ)")
        for label, title in (
            ("queries", "QUERIES in-process"),
            ("queries_after_many", "QUERIES after many incremental runs"),
        ):
            if label not in r or not r[label]:
                continue
            rows = []
            for key, v in r[label].items():
                rows.append(
                    [
                        names[key],
                        v["n"],
                        v["p50_ms"],
                        v["p95_ms"],
                        v["mean_ms"],
                        v["max_ms"],
                        v.get("cpu_p50_ms"),
                        v.get("cpu_p95_ms"),
                        v["zero_hits"],
                        v["errors"],
                    ]
                )
            self.emit()
            self.emit(
                table(
                    f"{title}, ms (after 3 warm-up queries)",
                    ["", "n", "p50", "p95", "mean", "max", "CPU p50", "CPU p95", "0 hits", "errors"],
                    rows,
                )
            )
            if label == "queries":
                self.emit(
                    "  newsgrep: search(limit=10, passages=3), highlights included, index opened per call;\n"
                    "  naive: parse + search(limit=10) + hit.highlights('body') for each hit, one searcher;\n"
                    "  FTS5: MATCH (quoted tokens, title: column filter, dates as WHERE) + snippet(), LIMIT 10"
                )
            for key, v in r[label].items():
                if v.get("first_error"):
                    self.emit(f"  {key} first error: {v['first_error'][:200]}")
            if "open_index_ms" in r[label].get("newsgrep", {}):
                opened = fmt(r[label]["newsgrep"]["open_index_ms"], 2)
                self.emit(f"  newsgrep index open + searcher + close, median: {opened} ms")
            kinds = [k for k in KINDS if any(k in v["by_kind"] for v in r[label].values())]
            header = ["kind"] + [f"{key} {p}" for key in r[label] for p in ("p50", "p95")]
            rows = []
            for k in kinds:
                row = [f"{k} (n={max(v['by_kind'].get(k, {}).get('n', 0) for v in r[label].values())})"]
                for v in r[label].values():
                    bk = v["by_kind"].get(k)
                    row += [bk["p50_ms"], bk["p95_ms"]] if bk else [None, None]
                rows.append(row)
            self.emit(table("  by kind (ms):", header, rows))
        if "process" in r:
            p = r["process"]
            rows = [[name, ms, p["floors_cpu_ms"][name], None, None, None] for name, ms in p["floors_ms"].items()]
            for q in p["queries"] + [
                {"kind": "median", "query": "", **{k[:-7]: v for k, v in p.items() if k.endswith("_median")}}
            ]:
                rows.append(
                    [
                        f"{q['kind']}: {q['query']}"[:60] if q["query"] else q["kind"],
                        q["newsgrep_ms"],
                        q["newsgrep_cpu_ms"],
                        q["rg_ms"],
                        q["rg_cpu_ms"],
                        _r(ratio(q["rg_ms"], q["newsgrep_ms"])),
                    ]
                )
            self.emit()
            rg_note = "" if self.rg else " (rg not found: install ripgrep for that column)"
            self.emit(
                table(
                    f"PROCESSES, ms (median of {p['runs_each']} runs, warm cache, output to a pipe){rg_note}",
                    ["", "newsgrep search", "CPU", "rg -i -l", "CPU", "rg/newsgrep wall"],
                    rows,
                )
            )
        if "incremental" in r:
            rows = []
            for name, v in r["incremental"].items():
                if isinstance(v, dict):
                    rows.append(
                        [
                            name,
                            v["runs"],
                            v["wall_s_median"],
                            v["inner_s_median"],
                            v["peak_tree_rss_mb"],
                            ",".join(str(a) for a in v["added"]),
                        ]
                    )
            self.emit()
            self.emit(
                table(
                    "INCREMENTAL `newsgrep index` (no paths: re-scan the roots), one process each",
                    ["", "runs", "wall s (median)", "in-run s", "RSS MB", "added"],
                    rows,
                )
            )
            if r["incremental"].get("warning"):
                self.emit(f"  WARNING: {r['incremental']['warning']}")
        if "many_incremental" in r:
            m = r["many_incremental"]
            self.emit()
            self.emit(
                f"MANY INCREMENTAL: {m['runs']} runs × 1 new file: wall median {m['wall_s_median']:.2f} s "
                f"(first {m['wall_s_first']:.2f}, last {m['wall_s_last']:.2f}, max {m['wall_s_max']:.2f}); "
                f"segments {m['segments_before']} -> {m['segments_after']}; {fmt(m['articles_after'])} articles"
            )
        self.ratios()
        load = self.results["meta"]
        self.emit()
        self.emit(
            f"load average at start {load['load_start'][0]}, at end {load['load_end'][0]} "
            f"({load['cpus']} CPUs): a one-process run whose wall time is well above its CPU time was waiting "
            "(for I/O, or for other work on the machine)"
        )

    RATIOS = (
        # key in the JSON, label, numerator path, denominator path (paths into self.results)
        ("index_rate_vs_naive", "newsgrep articles/s ÷ naive Whoosh articles/s",
         "index.newsgrep.articles_per_s", "index.naive.articles_per_s"),
        ("index_rate_vs_fts5", "newsgrep articles/s ÷ FTS5 articles/s",
         "index.newsgrep.articles_per_s", "index.fts5.articles_per_s"),
        ("index_cpu_rate_vs_naive", "newsgrep articles/CPU s ÷ naive Whoosh articles/CPU s",
         "index.newsgrep.articles_per_cpu_s", "index.naive.articles_per_cpu_s"),
        ("size_vs_naive", "newsgrep index size ÷ naive Whoosh size", "index.newsgrep.size_mb", "index.naive.size_mb"),
        ("size_vs_fts5", "newsgrep index size ÷ FTS5 size", "index.newsgrep.size_mb", "index.fts5.size_mb"),
        ("rss_vs_naive", "newsgrep peak RSS ÷ naive Whoosh peak RSS",
         "index.newsgrep.peak_tree_rss_mb", "index.naive.peak_tree_rss_mb"),
        ("p50_vs_naive", "newsgrep query p50 ÷ naive Whoosh p50", "queries.newsgrep.p50_ms", "queries.naive.p50_ms"),
        ("cpu_p50_vs_naive", "newsgrep query CPU p50 ÷ naive Whoosh CPU p50",
         "queries.newsgrep.cpu_p50_ms", "queries.naive.cpu_p50_ms"),
        ("p95_vs_naive", "newsgrep query p95 ÷ naive Whoosh p95", "queries.newsgrep.p95_ms", "queries.naive.p95_ms"),
        ("p50_vs_fts5", "newsgrep query p50 ÷ FTS5 p50", "queries.newsgrep.p50_ms", "queries.fts5.p50_ms"),
        ("p95_vs_fts5", "newsgrep query p95 ÷ FTS5 p95", "queries.newsgrep.p95_ms", "queries.fts5.p95_ms"),
        ("rg_vs_process", "rg wall ÷ newsgrep search process wall (medians)",
         "process.rg_ms_median", "process.newsgrep_ms_median"),
        ("process_vs_version", "newsgrep search process ÷ `newsgrep --version`",
         "process.newsgrep_ms_median", "process.floors_ms.newsgrep --version"),
        ("add10_vs_full", "reindex after +10 files ÷ full index (wall)",
         "incremental.add 10 new files.wall_s_median", "index.newsgrep.wall_s"),
        ("nochange_vs_full", "reindex with no change ÷ full index (wall)",
         "incremental.nothing changed.wall_s_median", "index.newsgrep.wall_s"),
        ("p50_after_many", "query p50 after many incremental runs ÷ before",
         "queries_after_many.newsgrep.p50_ms", "queries.newsgrep.p50_ms"),
        ("p95_after_many", "query p95 after many incremental runs ÷ before",
         "queries_after_many.newsgrep.p95_ms", "queries.newsgrep.p95_ms"),
        ("cpu_p50_after_many", "query CPU p50 after many incremental runs ÷ before",
         "queries_after_many.newsgrep.cpu_p50_ms", "queries.newsgrep.cpu_p50_ms"),
    )  # fmt: skip

    def _get(self, path: str):
        value = self.results
        for key in path.split("."):  # keys hold spaces, never dots
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    def ratios(self) -> None:
        figures, rows = {}, []
        for key, label, num, den in self.RATIOS:
            a, b = self._get(num), self._get(den)
            x = ratio(a, b)
            figures[key] = round(x, 3) if x is not None else None
            if x is not None:
                rows.append([label, a, b, _r(x)])
        self.results["ratios"] = figures
        if rows:
            self.emit()
            self.emit(table("RATIOS", ["", "a", "b", "a ÷ b"], rows))

    def run(self) -> None:
        files = corpus_files(self.corpus)
        if not files:
            raise BenchError(f"no article files (.txt, .html, .json, .jsonl) under {self.corpus}")
        self.describe(files)
        queries = self.query_set(files)
        self.index_full()
        if not self.args.skip_naive:
            self.index_baseline("naive")
        if not self.args.skip_fts:
            self.index_baseline("fts5")
        if not self.args.skip_queries:
            self.queries(queries)
        if not self.args.skip_process:
            if not self.rg:
                progress("rg not found: the rg column is skipped (apt-get install ripgrep)")
            self.processes(queries)
        if not self.args.skip_incremental:
            self.incremental()
        if self.args.many_incremental:
            self.many_incremental(queries)
        self.report()
        if self.args.profile:
            self.profile(queries, files)


def _split_path(path: str) -> list[str]:
    """ "a.b c.d" -> ["a", "b c", "d"]: dots separate keys (keys may hold spaces, not dots)."""
    return path.split(".")


def _r(x):
    return f"{x:.3g}" if x is not None else "-"


def _ms(seconds: float | None) -> float | None:
    return round(seconds * 1000, 3) if seconds is not None else None


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def _git(args: list[str]) -> str:
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def link_subset(corpus: Path, files: list[Path], dest: Path) -> None:
    """A folder holding `files` (hard links where possible, else copies) under their paths relative to corpus."""
    for path in files:
        target = dest / (path.relative_to(corpus) if corpus.is_dir() else path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def _profiled_newsgrep(prof: Path, *args: str) -> list[str]:
    """The command running `newsgrep ARGS` under cProfile, its stats written to `prof`."""
    return [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "newsgrep", *args]


def _pstats(path: Path, sort: str, limit: int) -> str:
    import io
    import pstats

    buf = io.StringIO()
    stats = pstats.Stats(str(path), stream=buf)
    stats.strip_dirs().sort_stats(sort).print_stats(limit)
    lines = buf.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    total = next((line.strip() for line in lines if "function calls" in line), "")
    return f"  top {limit} by {sort} ({total})\n" + "\n".join("  " + line for line in lines[start:] if line.strip())


def _wrapped(items: list[str], width: int = 100) -> list[str]:
    lines, line = [], ""
    for item in items:
        if line and len(line) + len(item) + 2 > width:
            lines.append("    " + line.rstrip(", "))
            line = ""
        line += item + ", "
    if line:
        lines.append("    " + line.rstrip(", "))
    return lines


def importtime_report(stderr: str, wall: float) -> str:
    """`-X importtime` output summarised: total, per top-level package (self time), slowest imports."""
    rows = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    if not rows:
        return "  (no -X importtime output)"
    total = sum(r[0] for r in rows)
    by_package: dict[str, int] = {}
    for self_us, _, _, name in rows:
        by_package[name.split(".")[0]] = by_package.get(name.split(".")[0], 0) + self_us
    top = sorted(by_package.items(), key=lambda kv: -kv[1])[:15]
    lines = [
        f"IMPORT TIME of `newsgrep search` (-X importtime): {total / 1000:.1f} ms of {wall * 1000:.0f} ms wall, "
        f"{len(rows)} modules"
    ]
    lines.append("  self time (ms) by top-level package:")
    lines += _wrapped([f"{k} {v / 1000:.1f}" for k, v in top])
    slow = sorted((r for r in rows if r[2] <= 2), key=lambda r: -r[1])[:20]
    lines.append("  slowest imports (cumulative ms, nesting depth ≤ 2):")
    lines += _wrapped([f"{n} {c / 1000:.1f}" for _, c, _, n in slow])
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Comparing with an earlier run
# --------------------------------------------------------------------------------------------------


def _flatten(d, prefix="") -> dict[str, float]:
    flat = {}
    if isinstance(d, dict):
        for k, v in d.items():
            flat.update(_flatten(v, f"{prefix}{k}."))
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        flat[prefix.rstrip(".")] = d
    return flat


COMPARED = re.compile(
    r"^(index\.\w+\.(wall_s|cpu_s|articles_per_s|articles_per_cpu_s|peak_tree_rss_mb|size_mb)|"
    r"queries\w*\.\w+\.(cpu_)?(p50_ms|p95_ms)|"
    r"process\.\w+_median|incremental\.[^.]+\.wall_s_median|many_incremental\.(wall_s_median|segments_after)|"
    r"ratios\..*)$"
)


def compare(old_path: Path, new: dict) -> str:
    try:
        old = json.loads(old_path.read_text())
    except (OSError, ValueError) as exc:
        return f"cannot compare with {old_path}: {exc}"
    a, b = _flatten(old), _flatten(new)
    rows = [[k, a[k], b[k], _r(ratio(b[k], a[k]))] for k in b if k in a and COMPARED.match(k)]
    meta = old.get("meta", {})
    when, git, where = (meta.get(k, "?") for k in ("when", "git", "measured_corpus"))
    head = f"COMPARED with {old_path} ({when}, {git}, {where})"
    return table(head, ["", "before", "now", "now ÷ before"], rows) if rows else head + ": nothing in common"


# --------------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="bench.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("corpus", type=Path, help="folder (or file) of articles to benchmark on")
    ap.add_argument("--queries", type=int, default=200, help="in-process queries per engine (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the query set and of the new files (default 1)")
    ap.add_argument(
        "--subset",
        type=int,
        metavar="N",
        help="benchmark the first N article files only (hard-linked into a temp folder)",
    )
    ap.add_argument(
        "--out", metavar="DIR", help="write queries.tsv, profiles and the JSON here (default: bench/out with --json)"
    )
    ap.add_argument(
        "--json",
        nargs="?",
        const="",
        metavar="FILE",
        help="also write all figures as JSON (default file: OUT/bench-<corpus>-<time>.json)",
    )
    ap.add_argument(
        "--compare", type=Path, metavar="OLD.json", help="print this run's figures beside an earlier --json run's"
    )
    ap.add_argument("--skip-naive", action="store_true", help="no naive Whoosh baseline")
    ap.add_argument("--skip-fts", action="store_true", help="no SQLite FTS5 baseline")
    ap.add_argument("--skip-queries", action="store_true", help="no in-process query latency")
    ap.add_argument("--skip-process", action="store_true", help="no `newsgrep search` / rg process timings")
    ap.add_argument("--skip-incremental", action="store_true", help="no incremental reindex timings")
    ap.add_argument(
        "--incremental-repeats", type=int, default=3, metavar="N", help="runs of each incremental case (default 3)"
    )
    ap.add_argument(
        "--many-incremental",
        type=int,
        default=0,
        metavar="N",
        help="N runs adding one file each, then segments and query latency",
    )
    ap.add_argument(
        "--process-queries", type=int, default=5, metavar="N", help="queries timed as processes (default 5)"
    )
    ap.add_argument(
        "--process-runs",
        type=int,
        default=5,
        metavar="N",
        help="runs per process timing; the median is kept (default 5)",
    )
    ap.add_argument(
        "--profile", action="store_true", help="also cProfile one index run and one search process, and -X importtime"
    )
    ap.add_argument(
        "--profile-files", type=int, default=3000, metavar="N", help="files indexed under the profiler (default 3000)"
    )
    ap.add_argument(
        "--newsgrep",
        metavar="CMD",
        help="the newsgrep command (default: newsgrep beside this Python, else python -m newsgrep)",
    )
    ap.add_argument("--tmp", type=Path, help="where temporary indexes go (default: the system temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary indexes (their folder is printed)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before a child process is killed (default 900)")
    args = ap.parse_args(argv)
    if args.queries < 1 or args.process_runs < 1 or args.incremental_repeats < 1:
        ap.error("--queries, --process-runs and --incremental-repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    args = parse_args(argv)
    corpus = args.corpus.expanduser()
    if not corpus.exists():
        print(f"bench.py: error: corpus not found: {corpus}", file=sys.stderr)
        return 2
    corpus = corpus.resolve()
    if (args.json == "" or args.profile) and not args.out:  # the default place of the JSON and the profiles
        args.out = str(REPO / "bench" / "out")
    if args.tmp:
        args.tmp.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="newsgrep-bench-", dir=args.tmp))
    bench = None
    try:
        measured = corpus
        if args.subset:
            files = corpus_files(corpus)[: args.subset]
            if not files:
                raise BenchError(f"no article files under {corpus}")
            progress(f"linking the first {len(files):,} files of {corpus}")
            measured = tmp / "corpus"
            link_subset(corpus, files, measured)
        bench = Bench(args, measured, tmp)
        bench.run()
    except BenchError as exc:
        print(f"bench.py: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench.py: interrupted", file=sys.stderr)
        return 130
    finally:
        for pgid in list(_RUNNING):
            _kill_group(pgid)
        if args.keep:
            print(f"bench.py: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.compare:
        bench.emit()
        bench.emit(compare(args.compare, bench.results))
    if args.json is not None:
        path = (
            Path(args.json)
            if args.json
            else Path(args.out)
            / (
                f"bench-{corpus.name}{'-' + str(args.subset) if args.subset else ''}-"
                f"{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
            )
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        bench.results["printed"] = bench.out
        path.write_text(json.dumps(bench.results, indent=2, ensure_ascii=False) + "\n")
        print(f"bench.py: figures written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
