"""Fails loudly when whoosh-reloaded's internals that newsgrep.store.whoosh_internals relies on change:
each private name is there with the shape newsgrep calls it with, and the steps work together."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, STORED, Schema
from whoosh.writing import SegmentWriter

from newsgrep.store import whoosh_internals


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_installed_whoosh_is_a_tested_version():
    installed = tuple(int(part) for part in version("whoosh-reloaded").split(".")[:3])
    lowest, untested = whoosh_internals.TESTED_WHOOSH
    assert lowest <= installed < untested, f"whoosh-reloaded {installed}: check newsgrep.store.whoosh_internals"


def test_private_names_have_the_shapes_newsgrep_calls():
    assert _parameters(SegmentWriter.__init__)[:3] == ["self", "ix", "poolclass"]
    assert "_lk" in _parameters(SegmentWriter.__init__)
    assert _parameters(SegmentWriter._merge_segments) == ["self", "mergetype", "optimize", "merge"]
    for name in ("_finalize_segment", "_close_segment", "_finish"):
        assert _parameters(getattr(SegmentWriter, name)) == ["self"]
    assert _parameters(whoosh_index.clean_files) == ["storage", "indexname", "gen", "segments"]
    assert _parameters(whoosh_index.TOC.__init__)[:4] == ["self", "schema", "segments", "generation"]
    assert _parameters(whoosh_index.FileIndex._segments) == ["self"]
    assert isinstance(wq.qcore._NullQuery, type)


def _index(tmp_path):
    return whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True), note=STORED))


def test_a_segment_written_apart_is_committed_with_deletions_and_cleaning_spares_the_rest(tmp_path):
    ix = _index(tmp_path)
    first = ix.writer()
    first.add_document(id="old", note=1)
    first.add_document(id="gone", note=2)
    first.commit()

    apart = whoosh_internals.segment_writer(ix, compound=False)  # no lock: the committing writer has it
    apart.add_document(id="new", note=3)
    segment = whoosh_internals.finalize_segment(apart)
    spared = "MAIN_inflight0123.trm"  # named like a segment's file: Whoosh's cleaning would remove it
    (tmp_path / spared).write_text("a segment another process is writing")

    committing = ix.writer()
    committing.delete_by_term("id", "gone")
    whoosh_internals.commit_with(committing, [segment], cleanable={name for name in ix.storage.list()} - {spared})

    ix = whoosh_index.open_dir(str(tmp_path))
    with ix.searcher() as searcher:
        assert sorted(fields["id"] for fields in searcher.all_stored_fields()) == ["new", "old"]
    assert whoosh_internals.segment_count(ix) == 2
    assert (tmp_path / spared).exists()


def test_the_null_query_of_the_parser_is_recognised():
    from whoosh.qparser import QueryParser

    parsed = QueryParser("id", Schema(id=ID)).parse("")
    assert whoosh_internals.is_null_query(parsed)
    assert not whoosh_internals.is_null_query(wq.Term("id", "x"))
