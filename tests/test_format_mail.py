"""E-mail (newsgrep.formats.eml and .mbox, the standard library): messages, mailboxes, appends, malformed mail."""

import datetime as dt

import pytest

from newsgrep import formats
from newsgrep.formats import eml, mbox
from newsgrep.formats.records import SkipFile
from tests import format_builders as b
from tests.conftest import bounded


def test_eml_golden(arts):
    skips = []
    (record,) = formats.read_records("/mail/tip.eml", b.eml(arts[1]), skips)
    assert not skips and record.key == "" and record.site == "/mail"
    assert record.fields == {
        "title": arts[1].title,
        "byline": "Renata Beger",
        "date": dt.datetime(2006, 9, 27, 23, 15),  # as the sender wrote it (-0400), offset dropped
        "url": arts[1].url,  # Archived-At
        "source": "wikinews",  # its host
    }
    assert record.text.split("\n\n") == arts[1].paragraphs  # the text/plain part; not the HTML, not the attachment


def test_eml_html_only_goes_through_the_html_path(arts):
    (record,) = formats.read_records("/mail/a.eml", b.eml(arts[2], html_only=True, sender="news@wikinews.org"), [])
    assert record.fields["byline"] == "news@wikinews.org"  # no display name: the address
    assert record.text.split("\n") == [arts[2].title, *arts[2].paragraphs]  # footer dropped by trafilatura


def test_eml_short_html_mail_falls_back_to_fragment_text():
    data = (
        b"From: a@b.org\r\nSubject: =?utf-8?q?Caf=C3=A9_news?=\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Short <b>note</b>.</p>"
    )
    (record,) = formats.read_records("/m/x.eml", data, [])
    assert record.fields == {"title": "Café news", "byline": "a@b.org"} and record.text == "Short note."


def test_eml_wrong_charset_declaration():
    data = "From: a@b.org\nSubject: Prices\nContent-Type: text/plain; charset=klingon\n\nA \u00a3600 rise.\n".encode(
        "cp1252"
    )
    (record,) = formats.read_records("/m/x.eml", data, [])
    assert record.text.strip() == "A \u00a3600 rise."


def test_mbox_golden(arts):
    box = b.mbox(
        [
            b.eml(arts[0], message_id="<m0@example.org>"),
            b.eml(arts[1], message_id=None),
            b.eml(arts[2], html_only=True, message_id="<m2@example.org>", sender='"Wikinews" <news@wikinews.org>'),
        ]
    )
    skips = []
    records = formats.read_records("/mail/inbox.mbox", box, skips)
    second = box.index(b"\nFrom sender1@") + 1
    assert [r.key for r in records] == ["m0@example.org", f"@{second}", "m2@example.org"]
    assert [r.fields["title"] for r in records] == [a.title for a in arts]
    assert [r.fields["byline"] for r in records] == ["Renata Beger", "Renata Beger", "Wikinews"]
    assert [r.site for r in records] == ["/mail/inbox.mbox#news.example.org"] * 2 + ["/mail/inbox.mbox#wikinews.org"]
    assert records[0].text.split("\n\n") == arts[0].paragraphs and not skips


def test_mbox_from_lines_in_bodies_are_unquoted():
    body = (
        b"From: a@b.org\nSubject: Quoting\nMessage-ID: <q@b>\n\n"
        b"First line.\nFrom here on, the body.\n>From quoted already.\n"
    )
    box = b.mbox([body])
    assert b"\n>From here on" in box
    (record,) = formats.read_records("/m/q.mbox", box, [])
    assert record.text.split("\n") == ["First line.", "From here on, the body.", ">From quoted already."]


def test_mbox_incremental_append(arts, tmp_path):
    target = tmp_path / "inbox.mbox"
    target.write_bytes(b.mbox([b.eml(arts[0], message_id="<m0@x>"), b.eml(arts[1], message_id=None)]))
    old_size = target.stat().st_size
    with open(target, "ab") as f:  # delivery of one more message
        f.write(b.mbox([b.eml(arts[2], message_id=None)]).replace(b"From sender0@", b"From sender9@"))
    data = target.read_bytes()
    full = formats.read_records(str(target), data, [])
    new = mbox.read_from(str(target), data, [], old_size).records
    assert [(r.key, r.text, r.fields) for r in new] == [(r.key, r.text, r.fields) for r in full[2:]]
    assert new[0].key == f"@{old_size}"
    with pytest.raises(SkipFile, match="no message starts at byte 5"):
        mbox.read_from(str(target), data, [], 5)


def test_mbox_bad_message_is_one_skip(arts):
    box = b.mbox([b.eml(arts[0], message_id="<ok@x>"), b"just some words, no headers\n\nat all\n"])
    skips = []
    records = formats.read_records("/m/b.mbox", box, skips)
    assert [r.key for r in records] == ["ok@x"]
    assert len(skips) == 1 and skips[0].reason.startswith("not an e-mail message")


@pytest.mark.parametrize(
    "module,data,reason",
    [
        (eml, b"", "empty file"),
        (eml, b"\n\n", "empty file"),
        (eml, b"no headers here, just text", "not an e-mail message"),
        (eml, bytes(range(256)) * 40, "not an e-mail message"),
        (mbox, b"", "empty file"),
        (mbox, b"From: a@b.org\nSubject: an .eml named .mbox\n\nBody\n", "not an mbox file"),
        (mbox, bytes(range(256)) * 40, "not an mbox file"),
    ],
)
def test_garbage_and_empty(module, data, reason):
    with bounded(5, 50), pytest.raises(SkipFile, match=reason):
        formats.read_records(f"/m/x.{module.NAME}", data, [])


def test_malformed_headers_do_not_raise():
    data = (
        b'From: <<<@@@>>> "unclosed\r\nSubject: =?utf-8?b?!!!notbase64?=\r\nDate: 99 Foo 2024 99:99:99 +9999\r\n'
        b'Message-ID: <<>>\r\nContent-Type: multipart/alternative; boundary="zz"\r\n\r\n--zz\r\n'
        b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n--zz--\r\n'
    )
    with bounded(5, 50):
        try:
            records = formats.read_records("/m/x.eml", data, [])
        except SkipFile:
            return
    assert len(records) == 1
