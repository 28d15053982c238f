"""WARC web archives (WARC/1.0 and 1.1, plain or gzipped), read with FastWARC.

Each HTTP response (or resource record) holding an HTML page is one article, its text and metadata by
trafilatura (html_text.from_html, as for .html files). The record's WARC-Record-ID is its key; its WARC-Target-URI gives
`url` and `source` (the outlet named by the host, as newsgrep names JSON records' sources); WARC-Date is
`crawled`, never `date` (the date is the page's own, from its meta tags, when it states one).

Everything else a crawl holds is counted, not reported one by one: non-HTML responses (by media type),
revisit records, HTML responses with an HTTP status other than success, HTML pages with no article text
(section fronts, error pages). Each kind is one summary `Skip` whose `count` says how many records it
stands for; requests, warcinfo and metadata records are the crawl's plumbing and are not counted.
Damaged records (a wrong Content-Length, a corrupt gzip member, a page over MAX_PAGE_BYTES) are a `Skip`
each, and reading goes on at the next record.

Incremental reads: a WARC only grows by appending records (one gzip member each in a .warc.gz), so the
indexer may pass the file's previous end as `offset` and get only the records appended since, with the
keys a full read gives them; and it reads a big WARC piece by piece (`stop`), through a memory map. A
file caught while a record is being appended ends in an incomplete record: it is left out and reported
as a `Partial` note whose `resume` is the byte to read from next time.

FastWARC 2.0.1's defects, worked around here: `auto_decode="all"` silently ends the iteration after a
chunked, gzip-encoded response (so only "transfer" is asked for, and Content-Encoding is undone here,
bounded); it stops silently at a truncated end, and raises on a damaged record only when parsing the next
header (so the end of an iteration is never trusted: each record's boundaries are checked here, and
reading resumes at the next gzip member or `WARC/1.` line after damage); it panics (a pyo3
PanicException, not an Exception) on an unseekable stream (so it gets `_View`, a seekable zero-copy
reader over the buffer).
"""

from __future__ import annotations

import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass

from newsgrep.formats.fields import as_datetime, compact, source_from_url
from newsgrep.formats.html_text import NoArticleText, from_html, page_text
from newsgrep.formats.records import Partial, Piece, RawRecord, Skip, SkipFile

NAME = "warc"
EXTENSIONS = (".warc", ".warc.gz")
APPENDABLE = True
READ_WHILE_WRITTEN = True
MAX_BYTES = None  # read through a memory map, piece by piece: a crawl's WARC is often a gigabyte

MAX_PAGE_BYTES = 5 * 1024 * 1024  # an HTML page bigger than this (decoded) is not a news article
MAX_ENCODED_BYTES = 20 * 1024 * 1024  # a gzip- or brotli-encoded page, before decoding
MAX_HEADER_BYTES = 64 * 1024
MAX_RESYNCS = 1000  # damaged spots a file may have before the rest of it is given up
MIN_WORDS = 10  # fewer words extracted from a page: a section front or an error page, no article
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP = b"\x1f\x8b\x08"
_WARC = b"WARC/1."
_OK = frozenset(range(200, 300)) - {204, 205, 206}  # 206: a partial page


@dataclass
class _Item:
    """One record, read far enough to decide on it (the payload only for HTML pages)."""

    pos: int  # absolute byte offset of the record (its gzip member) in the file
    kind: str  # "page", "non-html", "revisit", "status", "too-large", "other"
    record_id: str = ""
    uri: str = ""
    crawled: object = None
    detail: str = ""  # media type or HTTP status for the counts
    charset: str | None = None
    payload: bytes = b""


class _View(io.RawIOBase):
    """A seekable read-only file over a bytes-like object (bytes, memoryview, mmap) from `start`, without
    copying it (FastWARC wants a seekable stream)."""

    def __init__(self, buffer, start: int = 0):
        self._view = memoryview(buffer)[start:]
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, min(len(self._view), base + offset))
        return self._pos

    def readinto(self, buffer) -> int:
        n = min(len(buffer), len(self._view) - self._pos)
        buffer[:n] = self._view[self._pos : self._pos + n]
        self._pos += n
        return n


def read(path: str, data, skips: list[Skip]) -> list[RawRecord]:
    """The HTML pages archived in a WARC file's bytes."""
    return read_from(path, data, skips).records


def read_from(path: str, data, skips: list[Skip], offset: int = 0, stop: int | None = None) -> Piece:
    """The HTML pages archived in a WARC file's bytes (bytes or a memory map), from byte `offset` on (a
    record boundary), up to the first record that starts at or after byte `stop`."""
    size = len(data)
    if not 0 <= offset <= size:
        raise SkipFile(f"cannot read from byte {offset}: the file has {size} bytes")
    if size == 0:
        raise SkipFile("empty file")
    start = offset + _blank_prefix(data, offset)
    if start >= size:
        if offset:
            return Piece([], size)
        raise SkipFile("empty file")
    head = bytes(data[start : start + 8])
    gz = head.startswith(_GZIP)
    if not gz and not head.startswith(_WARC):
        if offset:
            raise SkipFile(f"no WARC record starts at byte {offset} (was the file rewritten?)")
        raise SkipFile("not a WARC file (no WARC/1.x record or gzip member at its start)")
    reader = _Reader(path, data, gz, skips, stop)
    # One gzip member per record is the norm (and what makes offsets meaningful); a WARC gzipped whole
    # (gzip file.warc) is read too, in one pass, without resynchronisation or incremental reads.
    reader.per_record = not gz or _record_end(data, start, gz)[0] != "multi"
    if offset and not reader.per_record:
        raise SkipFile("cannot read from an offset: this .warc.gz is compressed as a whole, not per record")
    reader.run(start)
    summary = reader.summary()
    if not reader.records and not offset and reader.partial is None and reader.end is None:
        reasons = "; ".join(s.reason for s in summary) or "no response records"
        raise SkipFile(f"no article in the WARC ({reasons})")
    skips.extend(summary)
    end = size
    if reader.partial is not None:
        skips.append(reader.partial)
        end = reader.partial.resume
    elif reader.end is not None:
        end = reader.end
    return Piece(reader.records, end)


class _Reader:
    def __init__(self, path: str, data, gz: bool, skips: list[Skip], stop: int | None):
        self.path, self.data, self.gz, self.skips, self.stop = path, data, gz, skips, stop
        self.end: int | None = None  # where the read stopped before the end of the data (at `stop`)
        self.per_record = True
        self.records: list[RawRecord] = []
        self.seen: set[str] = set()
        self.number = 0  # records seen, for keys when offsets mean nothing
        self.non_html: Counter = Counter()
        self.status: Counter = Counter()
        self.revisits = 0
        self.no_article: list[str] = []
        self.partial: Partial | None = None

    # -- the pass over the records, resynchronising after damage ----------------------------------------
    def run(self, pos: int) -> None:
        import fastwarc.warc as fw

        size = len(self.data)
        for _ in range(MAX_RESYNCS):
            pending: _Item | None = None
            try:
                # auto_decode="transfer", not "all": FastWARC 2.0.1 stops the iteration silently after a
                # chunked, gzip-encoded response when it decodes both; Content-Encoding is undone here.
                iterator = fw.ArchiveIterator(
                    _View(self.data, pos), parse_http=True, auto_decode="transfer", max_header_len=MAX_HEADER_BYTES
                )
                for record in iterator:
                    at = pos + record.stream_pos
                    if self.stop is not None and self.per_record and at >= self.stop and at > pos:
                        if pending is not None:
                            self._take(pending)
                        self.end = at
                        return
                    item = self._item(record, pos)
                    if pending is not None:
                        self._take(pending)
                    pending = item
            except (KeyboardInterrupt, SystemExit, GeneratorExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - OSError from FastWARC, or a pyo3 PanicException
                error = str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__
                if not self.per_record:
                    if pending is not None:
                        self._take(pending)
                    self.skips.append(
                        Skip(f"{self.path}@{pos}", f"unreadable WARC data, the rest of the file is lost ({error})")
                    )
                    return
                # FastWARC yields a record before it knows where it ends: the error may be the
                # pending record's (a wrong Content-Length) or the next one's.
                bad = pos
                if pending is not None:
                    state, end = _record_end(self.data, pending.pos, self.gz)
                    if state == "ok":
                        self._take(pending)
                        bad = end
                    elif state == "truncated":
                        self._truncated(pending.pos)
                        return
                    else:
                        bad = pending.pos
                bad += _blank_prefix(self.data, bad)
                if bad >= size:
                    return
                state, end = _record_end(self.data, bad, self.gz)
                if state == "truncated":
                    self._truncated(bad)
                    return
                following = _next_start(self.data, bad + 1, self.gz)
                where = f"bytes {bad}-{following}" if following is not None else f"bytes {bad}-{size} (end)"
                self.skips.append(Skip(f"{self.path}@{bad}", f"damaged WARC record, {where} skipped ({error})"))
                if following is None:
                    return
                pos = following
                continue
            if pending is None:
                return
            if not self.per_record:
                self._take(pending)
                return
            state, end = _record_end(self.data, pending.pos, self.gz)
            if state == "truncated":
                self._truncated(pending.pos)
                return
            if state != "ok":  # "bad", or "multi": a member holding several records
                following = _next_start(self.data, pending.pos + 1, self.gz)
                where = f"bytes {pending.pos}-{following if following is not None else f'{size} (end)'}"
                self.skips.append(
                    Skip(f"{self.path}@{pending.pos}", f"damaged WARC record (wrong Content-Length?), {where} skipped")
                )
                if following is None:
                    return
                pos = following
                continue
            self._take(pending)
            end += _blank_prefix(self.data, end)
            if end >= size or end <= pos:
                return
            pos = end  # the library stopped before the end of the data without an error: go on from there
        self.skips.append(
            Skip(f"{self.path}@{pos}", f"too many damaged records (over {MAX_RESYNCS}): the rest is skipped")
        )

    def _truncated(self, pos: int) -> None:
        self.partial = Partial(
            f"{self.path}@{pos}", f"incomplete last record at byte {pos} (still being written?)", resume=pos
        )

    # -- one record ------------------------------------------------------------------------------------
    def _item(self, record, base: int) -> _Item:
        import fastwarc.warc as fw

        self.number += 1
        rtype = record.record_type
        pos = base + record.stream_pos
        headers = record.headers
        item = _Item(
            pos,
            "other",
            (record.record_id or "").strip().strip("<>"),
            (headers.get("WARC-Target-URI") or "").strip().strip("<>"),
        )
        if rtype == fw.WarcRecordType.revisit:
            item.kind = "revisit"
            return item
        if rtype not in (fw.WarcRecordType.response, fw.WarcRecordType.resource):
            return item  # warcinfo, request, metadata, conversion, continuation: the crawl's plumbing
        try:
            item.crawled = as_datetime(record.record_date)
        except (ValueError, OverflowError):
            item.crawled = None
        encoding = ""
        if rtype == fw.WarcRecordType.response and record.is_http:
            status = record.http_headers.status_code
            media, item.charset = record.http_content_type, record.http_charset
            encoding = (record.http_headers.get("Content-Encoding") or "").strip().lower()
        elif rtype == fw.WarcRecordType.response:  # dns:, ftp: or an unparsable HTTP header block
            status, media = None, (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        else:
            status = 200
            media, item.charset = _media_type(headers.get("Content-Type") or "")
        media = (media or "").lower()
        if media and media not in HTML_TYPES:
            item.kind, item.detail = "non-html", media
            return item
        payload = record.reader.read(
            MAX_PAGE_BYTES + 1 if not encoding or encoding == "identity" else MAX_ENCODED_BYTES
        )
        if encoding and encoding != "identity":
            payload = _decoded(payload, encoding)
            if payload is None:
                item.kind, item.detail = "non-html", f"text/html ({encoding} encoding unreadable)"
                return item
        if not media and not _looks_like_html(payload):
            item.kind, item.detail = "non-html", "unknown type"
            return item
        if status not in _OK:
            item.kind, item.detail = "status", str(status) if status else "no HTTP status"
            return item
        if len(payload) > MAX_PAGE_BYTES:
            item.kind = "too-large"
            return item
        item.kind, item.payload = "page", payload
        return item

    def _key(self, item: _Item) -> tuple[str, str]:
        """(key, fallback key): the record's id, unless it has none or repeats one; else its offset."""
        fallback = f"@{item.pos}" if self.per_record else f"record {self.number}"
        key = item.record_id
        if not key or key in self.seen:
            key = fallback
        self.seen.add(key)
        return key, fallback

    def _take(self, item: _Item) -> None:
        if item.kind == "other":
            return
        if item.kind == "revisit":
            self.revisits += 1
            return
        if item.kind == "non-html":
            self.non_html[item.detail] += 1
            return
        if item.kind == "status":
            self.status[item.detail] += 1
            return
        key, fallback = self._key(item)
        if item.kind == "too-large":
            self.skips.append(Skip(f"{self.path}:{key}", f"HTML page over {MAX_PAGE_BYTES // 2**20} MB ({item.uri})"))
            return
        try:
            page = page_text(item.payload, item.charset)
            text, fields = from_html(page, url=item.uri or None)
        except NoArticleText:
            self.no_article.append(item.uri or key)
            return
        except SkipFile as exc:
            self.skips.append(Skip(f"{self.path}:{key}", f"{exc} ({item.uri})"))
            return
        if len(text.split()) < MIN_WORDS:  # a section front's or an error page's few link words
            self.no_article.append(item.uri or key)
            return
        source = source_from_url(item.uri) if item.uri else None
        fields = dict(fields)
        if item.uri:
            fields["url"] = item.uri
        if source:
            fields["source"] = source
        fields["crawled"] = item.crawled
        site_name = source or fields.get("source") or ""
        self.records.append(RawRecord(self.path, key, text, compact(fields), f"{self.path}#{site_name}", fallback))

    def summary(self) -> list[Skip]:
        out = []
        if self.non_html:
            n = sum(self.non_html.values())
            kinds = ", ".join(f"{t} {c}" for t, c in self.non_html.most_common(5))
            more = ", …" if len(self.non_html) > 5 else ""
            out.append(Skip(f"{self.path}:non-HTML", f"{n} non-HTML responses ({kinds}{more})", n))
        if self.status:
            n = sum(self.status.values())
            codes = ", ".join(f"{s} ×{c}" for s, c in self.status.most_common(5))
            out.append(Skip(f"{self.path}:HTTP status", f"{n} HTML responses without success status ({codes})", n))
        if self.revisits:
            out.append(
                Skip(
                    f"{self.path}:revisits",
                    f"{self.revisits} revisit records (captures of unchanged pages)",
                    self.revisits,
                )
            )
        if self.no_article:
            n = len(self.no_article)
            examples = ", ".join(self.no_article[:3]) + (", …" if n > 3 else "")
            out.append(Skip(f"{self.path}:no article", f"{n} HTML pages with no article text ({examples})", n))
        return out


# -- record boundaries, checked without the library -----------------------------------------------------
_CONTENT_LENGTH = re.compile(rb"\r?\ncontent-length:[ \t]*(\d{1,15})[ \t]*\r?\n", re.I)


def _record_end(data, pos: int, gz: bool) -> tuple[str, int]:
    """("ok", end) when a whole, well-formed record starts at `pos` (in a .warc.gz: exactly one gzip
    member holding exactly one record); ("truncated", 0) when the data ends inside it; ("multi", 0) for a
    gzip member holding more than one record; ("bad", 0) else."""
    if gz:
        return _member_end(data, pos)
    window = bytes(data[pos : pos + MAX_HEADER_BYTES])
    header_end = window.find(b"\r\n\r\n")
    if not window.startswith(_WARC[: len(window)]):
        return "bad", 0
    if header_end < 0:
        return ("truncated", 0) if pos + len(window) >= len(data) else ("bad", 0)
    match = _CONTENT_LENGTH.search(window, 0, header_end + 2)
    if not window.startswith(_WARC) or not match:
        return "bad", 0
    end = pos + header_end + 4 + int(match.group(1))
    if end + 4 > len(data):
        # A record being written is the last one: another record's start after it means a wrong length.
        return ("bad", 0) if _next_start(data, pos + header_end, gz) is not None else ("truncated", 0)
    if bytes(data[end : end + 4]) != b"\r\n\r\n":
        return "bad", 0
    end += 4
    rest = bytes(data[end : end + 16]).lstrip(b"\r\n")
    return ("ok", end) if not rest or rest.startswith(_WARC[: len(rest)]) else ("bad", 0)


def _member_end(data, pos: int) -> tuple[str, int]:
    """The end of the gzip member at `pos`, if it holds exactly one whole record."""
    decompressor = zlib.decompressobj(31)
    header = b""
    expected = None
    produced = 0
    cursor = pos
    chunk = 64 * 1024
    try:
        while not decompressor.eof:
            if cursor >= len(data) and not decompressor.unconsumed_tail:
                return "truncated", 0
            piece = decompressor.unconsumed_tail or bytes(data[cursor : cursor + chunk])
            if not decompressor.unconsumed_tail:
                cursor += len(piece)
            out = decompressor.decompress(piece, 1024 * 1024)
            produced += len(out)
            if expected is None:
                header += out[:MAX_HEADER_BYTES]
                header_end = header.find(b"\r\n\r\n")
                if header_end >= 0:
                    match = _CONTENT_LENGTH.search(header, 0, header_end + 2)
                    if not header.startswith(_WARC) or not match:
                        return "bad", 0
                    expected = header_end + 4 + int(match.group(1)) + 4
                elif len(header) >= MAX_HEADER_BYTES:
                    return "bad", 0
            if expected is not None and produced > expected + 4:
                return "multi", 0  # more than one record in this member: a WARC gzipped whole
    except zlib.error:
        return "bad", 0
    end = cursor - len(decompressor.unused_data)
    if expected is None or not expected - 4 <= produced <= expected + 4:
        return "bad", 0
    return "ok", end


def _next_start(data, pos: int, gz: bool) -> int | None:
    """The next place at or after `pos` where a record may start: a gzip member's magic bytes, or a
    WARC/1.x version line at the start of a line."""
    find = getattr(data, "find", None) or bytes(data).find
    if gz:
        found = find(_GZIP, pos)
        return found if found >= 0 else None
    if pos > 0 and bytes(data[pos - 1 : pos]) == b"\n" and bytes(data[pos : pos + 7]) == _WARC:
        return pos
    found = find(b"\n" + _WARC, pos)
    return found + 1 if found >= 0 else None


def _blank_prefix(data, pos: int) -> int:
    head = bytes(data[pos : pos + 64])
    return len(head) - len(head.lstrip(b"\r\n\t "))


def _media_type(content_type: str) -> tuple[str, str | None]:
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


def _decoded(payload: bytes, encoding: str) -> bytes | None:
    """An HTTP payload with its Content-Encoding undone, at most MAX_PAGE_BYTES + 1 bytes of it (a
    compressed page that inflates further is too large anyway: no gzip bomb gets inflated)."""
    limit = MAX_PAGE_BYTES + 1
    try:
        if encoding in ("gzip", "x-gzip", "deflate"):
            for wbits in (47, -15):  # gzip or zlib header (auto), else raw deflate
                try:
                    return zlib.decompressobj(wbits).decompress(payload, limit)
                except zlib.error:
                    continue
            return None
        if encoding == "br":
            import brotli

            decompressor = brotli.Decompressor()
            out = decompressor.process(payload[: 64 * 1024])  # brotli has no output bound: feed it slowly
            pos = 64 * 1024
            while len(out) <= limit and pos < len(payload):
                out += decompressor.process(payload[pos : pos + 64 * 1024])
                pos += 64 * 1024
            return out[:limit]
    except Exception:  # noqa: BLE001 - zlib.error, brotli.error, ImportError
        return None
    return None


def _looks_like_html(payload: bytes) -> bool:
    head = payload[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]
