"""E-mail messages (.eml, RFC 5322/MIME), read with the standard library's `email` package: one article
a file. Subject is the title, From the byline (the display name, else the address), Date the date,
Archived-At (RFC 5064) the url (and its host the source); the text is the text/plain body, else the
HTML body through trafilatura (falling back to the light fragment reader for short HTML mails it
refuses). Attachments are not read. mbox.py reads mailboxes with the same per-message code.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from newsgrep.formats.decoding import decode_declared
from newsgrep.formats.fields import as_datetime, compact, folder_site, one_line, source_from_url
from newsgrep.formats.html_text import NoArticleText, fragment_text, from_html
from newsgrep.formats.records import RawRecord, Skip, SkipFile

NAME = "eml"
EXTENSIONS = (".eml",)
MAX_PART_BYTES = 10 * 1024 * 1024
_KNOWN = ("from", "subject", "date", "message-id", "to", "mime-version", "received", "return-path")


class NotAMessage(Exception):
    pass


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    if not bytes(data[:4096]).strip():
        raise SkipFile("empty file")
    try:
        text, fields = message_article(parse(bytes(data)))
    except NotAMessage as exc:
        raise SkipFile(str(exc)) from None
    return [RawRecord(path, "", text, fields, folder_site(path))]


def parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def message_article(message: EmailMessage) -> tuple[str, dict]:
    """(text, fields) of one parsed message; NotAMessage says why there is no article."""
    names = {str(name).lower() for name in message.keys()}
    if not names.intersection(_KNOWN):
        raise NotAMessage("not an e-mail message (no From, Subject, Date or other mail headers)")
    fields = {
        "title": _header_text(message, "subject"),
        "byline": _sender(message),
        "date": _date(message),
        "url": _archived_at(message),
    }
    if fields["url"]:
        fields["source"] = source_from_url(fields["url"])  # the outlet whose archive holds the message
    text = _body(message)
    if not text.strip() and not fields["title"]:
        raise NotAMessage("no text part and no subject")
    return text, compact(fields)


def sender_domain(message: EmailMessage) -> str:
    try:
        addresses = message["from"].addresses if message["from"] is not None else ()
        return addresses[0].domain.lower() if addresses else ""
    except (AttributeError, IndexError, TypeError, ValueError):
        return ""


def _header_text(message: EmailMessage, name: str) -> str | None:
    try:
        value = message[name]
    except (TypeError, ValueError, IndexError, AttributeError):  # a malformed header the policy chokes on
        return None
    return one_line(value) if value else None


def _sender(message: EmailMessage) -> str | None:
    try:
        header = message["from"]
        addresses = header.addresses if header is not None else ()
    except (AttributeError, TypeError, ValueError, IndexError):
        return _header_text(message, "from")
    for address in addresses:
        name = one_line(address.display_name or "") or address.addr_spec
        if name:
            return name
    return _header_text(message, "from")


def _date(message: EmailMessage):
    try:
        header = message["date"]
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    if header is None:
        return None
    when = getattr(header, "datetime", None)
    return as_datetime(when) if when is not None else (one_line(header) or None)


def _archived_at(message: EmailMessage) -> str | None:
    value = _header_text(message, "archived-at")
    if value:
        value = value.strip("<>")
        return value if value.startswith(("http://", "https://")) else None
    return None


def _body(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, TypeError, ValueError, AttributeError):
        part = None
    if part is None:
        if message.get_content_maintype() == "text" and not message.is_multipart():
            part = message  # text/enriched, text/markdown ...
        else:
            return ""
    text = _part_text(part).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "html":
        try:
            text, _ = from_html(text)  # newsletters: whole pages with furniture
        except NoArticleText:
            text = fragment_text(text)  # a short HTML mail trafilatura refuses
    return text.strip()


def _part_text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    if len(payload) > MAX_PART_BYTES:
        payload = payload[:MAX_PART_BYTES]
    try:
        return decode_declared(payload, part.get_content_charset())
    except SkipFile:
        return ""
