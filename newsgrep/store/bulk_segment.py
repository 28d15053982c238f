"""Writes a batch of documents as one Whoosh W3 segment in bulk: the same files, byte for byte, as
Whoosh's SegmentWriter writes for the same `add_document` calls, at a fraction of its cost.

Whoosh's writer handles every posting in Python several times (the format's word values, the posting
pool and its sort, W3FieldWriter.add and W3PostingsWriter.add_posting). Here a field given as a list of
already-analysed words (the body: see schema.document_fields) becomes arrays of term ids and positions;
all of a segment's postings of that field are ordered by one stable argsort and written as posting
blocks that encode exactly as `W3PostingsWriter._write_block` encodes them (up to 128 postings,
pickled, zlib-compressed, after their pickled block info). Every other field goes through Whoosh's
own `field.index`, and the stored fields, lengths and columns through Whoosh's own per-document writer.
The terms table is Whoosh's own OrderedHashWriter.

This mirrors private parts of whoosh-reloaded's W3 codec (pinned <2.8 in pyproject.toml);
tests/test_bulk_segment.py compares every file of a segment with Whoosh's, so a change in Whoosh's
encoding fails there, and NEWSGREP_SEGMENT_WRITER=whoosh in the environment goes back to Whoosh's
writer (`segment_writer`).
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib
from array import array
from collections import defaultdict

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length, length_to_byte

from newsgrep.store.analysis import ContentLengthPositions

_UINT = struct.Struct("!I").pack  # whoosh.system.pack_uint
_INT = struct.Struct("!i").pack  # whoosh.system.pack_int
_USHORT = struct.Struct("!H").pack  # whoosh.system.pack_ushort
_LONG = struct.Struct("!q").pack  # whoosh.system.pack_long


WRITER_SETTING = "NEWSGREP_SEGMENT_WRITER"  # "whoosh": Whoosh's own SegmentWriter (the fallback)


def bulk_enabled() -> bool:
    """Whether new segments are written by the bulk writer (the default) rather than Whoosh's."""
    return os.environ.get(WRITER_SETTING, "bulk").strip().lower() != "whoosh"


MAX_WORDS = 4_000_000  # words of a segment held in memory (~32 bytes each at its peak) before it is written


def segment_writer(ix, **whoosh_options):
    """A writer of new segments, not taking the index's lock: bulk writers, or (with the setting) Whoosh's
    SegmentWriter with `whoosh_options`. Both take `add_document`; `finish_segments` closes it."""
    if bulk_enabled():
        return BulkSegments(ix)
    from newsgrep.store import whoosh_internals

    return whoosh_internals.segment_writer(ix, **whoosh_options)


def finish_segments(writer) -> list:
    """The segments a writer from `segment_writer` wrote, closed, for a table of contents."""
    if isinstance(writer, BulkSegments):
        return writer.finish()
    from newsgrep.store import whoosh_internals

    return [whoosh_internals.finalize_segment(writer)]


class BulkSegments:
    """Bulk writers one after the other: the segment being filled is written once it holds `max_words`
    words, so that memory stays bounded however many documents come (as Whoosh's writer spills its
    postings to disk past `limitmb`)."""

    def __init__(self, ix, max_words: int = MAX_WORDS):
        self.ix, self.max_words = ix, max_words
        self.written: list = []
        self.writer: BulkSegmentWriter | None = None
        self.is_closed = False

    def add_document(self, **fields) -> None:
        if self.writer is None:
            self.writer = BulkSegmentWriter(self.ix)
        self.writer.add_document(**fields)
        if self.writer.words() >= self.max_words:
            self.written.append(self.writer.finish())
            self.writer = None

    def doc_count(self) -> int:
        return sum(s.doc_count_all() for s in self.written) + (self.writer.doc_count() if self.writer else 0)

    def finish(self) -> list:
        if self.writer is not None and self.writer.doc_count():
            self.written.append(self.writer.finish())
        elif self.writer is not None:
            self.writer.cancel()
        self.writer, self.is_closed = None, True
        return self.written

    def cancel(self) -> None:
        """Removes the files of every segment written or being written."""
        if self.writer is not None:
            self.writer.cancel()
        for segment in self.written:
            for name in list(self.ix.storage.list()):
                if name.startswith(segment.make_filename("")):
                    self.ix.storage.delete_file(name)
        self.writer, self.written, self.is_closed = None, [], True


_WORD_FORMATS = (Positions, ContentLengthPositions)  # whose word values _WordsField reproduces


class _Ids(dict):
    """A word -> term id table that numbers new words as they come."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []  # by id

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        self.words.append(word)
        return number


class _Block:
    """What W3TermInfo.add_block reads of a block (W3PostingsWriter's own statistics methods)."""

    __slots__ = ("_weights", "_count", "_first", "_last", "_minlength", "_maxlength", "_maxweight")

    def __init__(self, weights: array, ids: list[int], lengths: list[int], maxweight: float) -> None:
        self._weights = weights
        self._count = len(ids)
        self._first, self._last = ids[0], ids[-1]
        self._minlength = min(lengths) if lengths else None
        self._maxlength = max(lengths) if lengths else 0
        self._maxweight = maxweight

    def __len__(self) -> int:
        return self._count

    def min_id(self) -> int:
        return self._first

    def max_id(self) -> int:
        return self._last

    def min_length(self) -> int | None:
        return self._minlength

    def max_length(self) -> int:
        return self._maxlength

    def max_weight(self) -> float:
        return self._maxweight


class _WordsField:
    """The postings of one field given as lists of words: term ids and positions, in document order."""

    def __init__(self, stops: frozenset[str]):
        self.ids = _Ids()
        self.stops = stops
        self.stop_flags = bytearray()  # term id -> 1 when its frequency leaves the length out
        self.any_stop = False
        self.count = 0  # words added
        self.terms: list[np.ndarray] = []
        self.docs: list[np.ndarray] = []

    def add(self, docnum: int, words: list[str]) -> int:
        """Adds a document's words; returns the field's length in it (what Whoosh's format counts)."""
        ids = self.ids
        terms = np.fromiter(map(ids.__getitem__, words), dtype=np.int32, count=len(words))
        flags = self.stop_flags
        if len(ids) > len(flags):
            stops = self.stops
            new = [word in stops for word in ids.words[len(flags) :]]
            flags.extend(new)
            self.any_stop = self.any_stop or any(new)
        self.terms.append(terms)
        self.docs.append(np.full(len(words), docnum, dtype=np.int32))
        self.count += len(words)
        if not self.any_stop:
            return len(words)
        return len(words) - int(np.frombuffer(flags, dtype=np.uint8)[terms].sum())

    def _sorted(self):
        """The field's postings, one per (term, document), ordered by term bytes then document: the terms'
        bytes, and arrays of each posting's term, document, count and first word (into `gaps`), with
        `gaps` the gaps between the positions of each posting's words."""
        terms = np.concatenate(self.terms)
        docs = np.concatenate(self.docs)
        self.terms, self.docs = [], []
        positions = _positions(docs)
        encoded = [word.encode("utf-8") for word in self.ids.words]
        order = sorted(range(len(encoded)), key=encoded.__getitem__)
        rank = np.empty(len(encoded), dtype=np.int32)
        rank[order] = np.arange(len(encoded), dtype=np.int32)
        perm = np.argsort(rank[terms], kind="stable")  # by term, then document and position as added
        terms, docs, positions = terms[perm], docs[perm], positions[perm]
        del perm
        new = np.empty(len(terms), dtype=bool)
        new[:1] = True
        new[1:] = (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(new)
        counts = np.diff(np.append(starts, len(terms)))
        gaps = positions.copy()
        gaps[1:] -= positions[:-1]
        gaps[starts] = positions[starts]
        return encoded, terms[starts], docs[starts], counts, starts, gaps

    def postings(self):
        """(term bytes, [doc], [weight], [value]) for each term in the order of its bytes."""
        if not self.count:
            return
        encoded, term_of, posting_docs, counts, starts, gaps = self._sorted()
        values = _position_values(starts, counts, gaps)
        weights = counts.astype(np.float64).tolist()
        posting_docs = posting_docs.tolist()
        edges = [0, *(np.flatnonzero(np.diff(term_of)) + 1).tolist(), len(starts)]
        for number, term in enumerate(term_of[edges[:-1]].tolist()):
            a, b = edges[number], edges[number + 1]
            yield encoded[term], posting_docs[a:b], weights[a:b], values[a:b]

    def write(self, postfile, table, key: bytes, length_bytes: np.ndarray, compression: int, limit: int) -> None:
        """Writes the field's posting lists and term infos, as `_write_postings` would, with the
        per-block and per-term statistics computed for all blocks at once. `length_bytes`: each
        document's length byte in this field (0: no length)."""
        if not self.count:
            return
        encoded, term_of, docs, counts, starts, gaps = self._sorted()
        total = len(docs)
        term_starts = np.flatnonzero(np.diff(term_of, prepend=-1))
        term_ends = np.append(term_starts[1:], total)
        dfs = term_ends - term_starts
        within = np.arange(total) - np.repeat(term_starts, dfs)  # a posting's rank in its term's list
        block_starts = np.flatnonzero(within % limit == 0)
        block_ends = np.append(block_starts[1:], total)
        doc_gaps = docs.copy()
        doc_gaps[1:] -= docs[:-1]
        doc_gaps[block_starts] = docs[block_starts]  # W3PostingsWriter delta-encodes the ids of each block
        lbytes = length_bytes[docs].astype(np.int32)
        no_length = np.where(lbytes > 0, lbytes, 256)
        block_maxcount = np.maximum.reduceat(counts, block_starts).tolist()
        block_mincount = np.minimum.reduceat(counts, block_starts).tolist()
        block_minlb = np.minimum.reduceat(no_length, block_starts)
        block_minlb = np.where(block_minlb == 256, 0, block_minlb).tolist()
        block_maxlb = np.maximum.reduceat(lbytes, block_starts).tolist()
        term_minlb = np.minimum.reduceat(no_length, term_starts)
        term_minlb = np.where(term_minlb == 256, 0, term_minlb).tolist()
        term_maxlb = np.maximum.reduceat(lbytes, term_starts).tolist()
        term_weight = np.add.reduceat(counts, term_starts).tolist()
        term_maxcount = np.maximum.reduceat(counts, term_starts).tolist()
        blocks_of_term = np.diff(np.searchsorted(block_starts, np.append(term_starts, total))).tolist()
        dumps, compress, pack_info = pickle.dumps, zlib.compress, W3TermInfo._struct.pack
        block_starts_list, block_ends_list = block_starts.tolist(), block_ends.tolist()
        block = 0
        chunk_end = 0
        values: list[bytes] = []
        doc_list: list[int] = []
        gap_list: list[int] = []
        weight_list: list[float] = []
        value_base = 0
        for term_number, term in enumerate(term_of[term_starts].tolist()):
            first_posting = term_starts[term_number]
            if first_posting >= chunk_end:  # the values of the next postings, a chunk at a time
                chunk_end = min(total, first_posting + _VALUE_CHUNK)
                chunk_end = int(term_ends[np.searchsorted(term_ends, chunk_end, side="left")])
                values = _position_values(starts[first_posting:chunk_end], counts[first_posting:chunk_end], gaps)
                value_base = int(first_posting)
                doc_list = docs[value_base:chunk_end].tolist()
                gap_list = doc_gaps[value_base:chunk_end].tolist()
                weight_list = counts[value_base:chunk_end].astype(np.float64).tolist()
            start = postfile.tell()
            parts = [WHOOSH3_HEADER_MAGIC]
            blocks = blocks_of_term[term_number]
            for number in range(block, block + blocks):
                a, b = block_starts_list[number] - value_base, block_ends_list[number] - value_base
                heaviest = block_maxcount[number]
                mini_weights: float | tuple | None
                if heaviest == 1:
                    mini_weights = None
                elif block_mincount[number] == heaviest:
                    mini_weights = float(heaviest)
                else:
                    mini_weights = tuple(weight_list[a:b])
                data = dumps((tuple(gap_list[a:b]), mini_weights, tuple(values[a:b])), 2)
                if compression:
                    data = compress(data, compression)
                head = dumps(
                    (b - a, doc_list[b - 1], float(heaviest), compression, block_minlb[number], block_maxlb[number]),
                    2,
                )
                size = len(head) + len(data)
                parts.append(_INT(-size if number == block + blocks - 1 else size))
                parts.append(head)
                parts.append(data)
            block += blocks
            written = b"".join(parts)
            postfile.write(written)
            a, b = int(first_posting) - value_base, int(term_ends[term_number]) - value_base
            info = pack_info(
                0,
                float(term_weight[term_number]),
                b - a,
                term_minlb[term_number],
                term_maxlb[term_number],
                float(term_maxcount[term_number]),
                doc_list[a],
                doc_list[b - 1],
            )
            table.add(key + encoded[term], info + _LONG(start) + _INT(len(written)))


_VALUE_CHUNK = 1 << 16  # postings whose values are made at a time


def _positions(docs: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each document of a run of document numbers (entoken's positions)."""
    index = np.arange(len(docs), dtype=np.int32)
    if not len(docs):
        return index
    first = np.empty(len(docs), dtype=bool)
    first[0] = True
    first[1:] = docs[1:] != docs[:-1]
    starts = np.flatnonzero(first)
    base = np.repeat(starts, np.diff(np.append(starts, len(docs))))
    return index - base.astype(np.int32)


_single: dict[int, bytes] = {}  # a position gap -> the pickle of the list of it


def _position_values(starts: np.ndarray, counts: np.ndarray, gaps: np.ndarray) -> list[bytes]:
    """Positions.encode of each posting: its count, then a protocol 2 pickle of its position gaps. Each
    value a bytes object of its own, as Whoosh's are: a block's pickle memoises values by identity."""
    dumps = pickle.dumps
    values: list[bytes] = [b""] * len(starts)
    single = _single
    one = _UINT(1)
    gap_list = gaps.tolist()
    for number, (start, count) in enumerate(zip(starts.tolist(), counts.tolist(), strict=True)):
        if count == 1:
            gap = gap_list[start]
            pickled = single.get(gap)
            if pickled is None:
                pickled = single[gap] = dumps([gap], 2)
            values[number] = one + pickled
        else:
            values[number] = _UINT(count) + dumps(gap_list[start : start + count], 2)
    return values


class BulkSegmentWriter:
    """Takes documents as Whoosh's writer does (`add_document(**fields)`) and writes them as one new
    segment of the index on `finish()`, which returns the segment for a table of contents."""

    def __init__(self, ix, codec=None):
        from whoosh.codec import default_codec

        self.codec = codec or default_codec()
        self.storage, self.schema, self.indexname = ix.storage, ix.schema, ix.indexname
        self.segment = self.codec.new_segment(self.storage, self.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        self.is_closed = False
        self._postings: dict[str, dict[bytes, list]] = defaultdict(lambda: defaultdict(list))
        self._words: dict[str, _WordsField] = {}
        self._lengths: dict[str, dict[int, int]] = defaultdict(dict)

    def add_document(self, **fields) -> None:
        """SegmentWriter.add_document's steps, without its per-posting work for fields of words."""
        schema, perdoc, docnum = self.schema, self.perdoc, self.docnum
        if "_boost" in fields or any(name.endswith("_boost") for name in fields):
            raise ValueError("boosts are not supported by the bulk writer")
        names = sorted(name for name in fields if not name.startswith("_"))
        for name in names:
            if name not in schema:
                raise ValueError(f"No field named {name!r} in {schema}")
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    if isinstance(value, list) and type(field.format) in _WORD_FORMATS and field.scorable:
                        length = self._words_field(name, field).add(docnum, value)
                    else:
                        postings = self._postings[name]
                        for term, frequency, weight, encoded in field.index(value):
                            if field.scorable:
                                length += frequency
                            postings[term].append((docnum, weight * 1.0, encoded))
                if length:
                    self._lengths[name][docnum] = length
                stored = fields.get("_stored_" + name, value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                column = field.column_type
                if column and stored is not None:
                    perdoc.add_column_value(name, column, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self.docnum += 1

    def _words_field(self, name: str, field) -> _WordsField:
        words = self._words.get(name)
        if words is None:
            words = self._words[name] = _WordsField(getattr(field.format, "stop_stems", frozenset()))
        return words

    def doc_count(self) -> int:
        return self.docnum

    def words(self) -> int:
        """Words of list-valued fields (the body) held in memory."""
        return sum(words.count for words in self._words.values())

    def finish(self):
        """Writes the postings and the terms table, closes the files; the segment."""
        self.perdoc.close()
        fields = self.codec.field_writer(self.storage, self.segment)
        try:
            for name in sorted(set(self._postings) | set(self._words)):
                if not self._postings.get(name) and not (name in self._words and self._words[name].count):
                    continue
                field = self.schema[name]
                fields.start_field(name, field)
                self._write_field(fields, name, field)
                fields.finish_field()
        finally:
            fields.close()
        self.segment.set_doc_count(self.docnum)
        self.is_closed = True
        return self.segment

    def cancel(self) -> None:
        """Closes the segment's files and removes them."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self.is_closed = True
        prefix = self.segment.make_filename("")
        for name in list(self.storage.list()):
            if name.startswith(prefix):
                try:
                    self.storage.delete_file(name)
                except OSError:
                    pass

    def _write_field(self, fields, name: str, field) -> None:
        lengths = self._lengths.get(name, {})
        words = self._words.get(name)
        if words is not None and not self._postings.get(name):
            length_bytes = np.zeros(self.docnum, dtype=np.uint8)
            for doc, length in lengths.items():
                length_bytes[doc] = length_to_byte(length)
            table, compression, limit = fields._tindex, self.codec._compression, self.codec._blocklimit
            words.write(fields._postfile, table, _USHORT(fields._fieldid), length_bytes, compression, limit)
            del self._words[name]
            return
        quantised = {doc: byte_to_length(length_to_byte(length)) for doc, length in lengths.items()}
        terms = _merged(self._postings.pop(name, {}), self._words.pop(name, None))
        key = _USHORT(fields._fieldid)
        fixed = field.format.fixed_value_size()
        postfile, table = fields._postfile, fields._tindex
        compression, limit = self.codec._compression, self.codec._blocklimit
        for term, docs, weights, values in terms:
            info = _write_postings(postfile, docs, weights, values, quantised, fixed, compression, limit)
            table.add(key + term, info.to_bytes())


def _merged(postings: dict[bytes, list], words: _WordsField | None):
    """A field's terms in byte order with their postings in document order, from both sources."""
    listed = words.postings() if words is not None else iter(())
    if not postings:
        yield from listed
        return
    from_index = {term: _unzipped(items) for term, items in postings.items()}
    for term, docs, weights, values in listed:
        other = from_index.pop(term, None)
        if other is not None:
            merged = sorted(zip(docs + other[0], weights + other[1], values + other[2], strict=True))
            docs, weights, values = (list(column) for column in zip(*merged, strict=True))
        from_index[term] = (docs, weights, values)
    for term in sorted(from_index):
        yield (term, *from_index[term])


def _unzipped(items: list) -> tuple[list, list, list]:
    docs, weights, values = zip(*items, strict=True)
    return list(docs), list(weights), list(values)


def _write_postings(postfile, docs, weights, values, lengths, fixed, compression, limit) -> W3TermInfo:
    """One term's posting list as W3PostingsWriter writes it: its blocks and its term info."""
    info = W3TermInfo()
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    total = len(docs)
    dumps, compress = pickle.dumps, zlib.compress
    for first in range(0, total, limit):
        end = min(first + limit, total)
        ids = docs[first:end]
        block_weights = array("f", weights[first:end])
        block_lengths = [length for length in map(lengths.get, ids) if length]
        heaviest = max(weights[first:end])
        block = _Block(block_weights, ids, block_lengths, heaviest if heaviest > 0 else 0)
        info.add_block(block)
        gaps = [ids[0], *(b - a for a, b in zip(ids, ids[1:], strict=False))]
        if all(w == 1.0 for w in block_weights):
            mini_weights = None
        elif all(w == block_weights[0] for w in block_weights):
            mini_weights = block_weights[0]
        else:
            mini_weights = tuple(block_weights)
        kept = [value for value in values[first:end] if value]
        mini_values: tuple | bytes | None
        if fixed is None or fixed < 0:
            mini_values = tuple(kept)
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(kept)
        data = dumps((tuple(gaps), mini_weights, mini_values), 2)
        if compression:
            data = compress(data, compression)
        head = dumps(
            (
                end - first,
                ids[-1],
                block._maxweight,
                compression,
                length_to_byte(block._minlength),
                length_to_byte(block._maxlength),
            ),
            2,
        )
        size = len(head) + len(data)
        postfile.write(_INT(-size if end == total else size))
        postfile.write(head)
        postfile.write(data)
    info.set_extent(start, postfile.tell() - start)
    return info
