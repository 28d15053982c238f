from pathlib import Path

import pytest

from newsgrep.formats.decoding import decode
from newsgrep.formats.records import Skip, SkipFile
from newsgrep.indexer.records import SourceFile
from newsgrep.indexer.sources import find_files, raw_records


def _source(path: Path) -> SourceFile:
    st = path.stat()
    return SourceFile(str(path), str(path.parent), st.st_size, st.st_mtime_ns)


def test_utf8_and_bom_encodings_decode():
    text = "Calderón’s “pact” — 45,000 troops"
    assert decode(text.encode("utf-8")) == text
    assert decode("\ufeff".encode() + text.encode("utf-8")) == text
    assert decode(text.encode("utf-16")) == text


@pytest.mark.parametrize(
    "encoding, text",
    [
        ("cp1252", "Le président a déclaré que l’économie française était à un tournant décisif. " * 5),
        ("latin-1", "Müller sagte, die Regierung werde die Steuern für Familien senken. " * 3),
        ("cp1251", "Президент России заявил, что экономика страны находится на переломном этапе. " * 3),
        ("iso8859-7", "Ο πρωθυπουργός της Ελλάδας δήλωσε ότι η οικονομία βρίσκεται σε κρίσιμο σημείο. " * 3),
        ("shift_jis", "日本政府は経済対策を発表した。首相は記者会見で説明した。" * 3),
        ("cp1252", "Chelsea paid a transfer fee for Mutu, a £15.8m signing from Parma. " + "Plain ASCII text. " * 40),
    ],
)
def test_non_utf8_text_is_detected_not_mangled(encoding, text):
    assert decode(text.encode(encoding)) == text


def test_binary_file_is_refused():
    with pytest.raises(SkipFile, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_empty_file_is_a_skip(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n ")
    with pytest.raises(SkipFile, match="empty"):
        raw_records(_source(path), path.read_bytes(), [])


def test_jsonl_bad_lines_are_skipped_and_good_ones_kept(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "a1", "title": "One", "text": "First."}\nnot json\n[1, 2]\n{"title": "Two", "text": "Second."}\n'
    )
    skips: list[Skip] = []
    records = raw_records(_source(path), path.read_bytes(), skips)
    assert [r.key for r in records] == ["a1", "line 4"]
    assert len({(r.path, r.key) for r in records}) == 2
    assert [s.path.rsplit(":", 1)[1] for s in skips] == ["2", "3"]


def test_find_files_skips_hidden_unknown_and_readme(tmp_path):
    (tmp_path / "a.txt").write_text("A\n\nbody")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "README.TXT").write_text("about the dataset")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "b.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.json").write_text("{}")
    found = sorted(Path(f.path).name for f in find_files(str(tmp_path), []))
    assert found == ["a.txt", "c.json"]


def test_symlink_loops_do_not_hang(tmp_path):
    (tmp_path / "a.txt").write_text("A\n\nbody")
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    skips: list[Skip] = []
    found = [Path(f.path).name for f in find_files(str(tmp_path), skips)]
    assert found == ["a.txt"]
    assert [Path(s.path).name for s in skips] == ["self.txt"]
