"""JSON files: one article (an object), or a list of them; and the mapping of a JSON object's fields,
which JSON Lines feeds share."""

from __future__ import annotations

import json

from newsgrep.formats.decoding import decode
from newsgrep.formats.fields import source_from_url
from newsgrep.formats.records import RawRecord, Skip, SkipFile

NAME = "json"
EXTENSIONS = (".json",)

TITLE = ("title", "headline", "name")
BODY = ("text", "body", "content", "article", "story", "description", "summary")
DATE = ("date", "published", "published_at", "publishedAt", "pubdate", "datetime", "time", "created")
SOURCE = ("source", "outlet", "publisher", "site", "site_name", "feed")
URL = ("url", "link", "source_url", "href")
BYLINE = ("byline", "author", "authors", "creator")
_KEYS = ("id", "guid", "uuid", "docid", "url", "link")


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    try:
        value = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise SkipFile(f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise SkipFile("invalid JSON (nested too deeply)") from None
    objects = value if isinstance(value, list) else [value]
    return records(path, [(str(i + 1), obj) for i, obj in enumerate(objects)], skips, single=len(objects) == 1)


def records(path: str, numbered: list[tuple[str, object]], skips: list[Skip], single: bool) -> list[RawRecord]:
    """The articles of a file's JSON objects, numbered (by line, or by place in a list); objects without
    article text become skips."""
    found: list[RawRecord] = []
    seen: set[str] = set()
    for number, obj in numbered:
        if not isinstance(obj, dict):
            skips.append(Skip(f"{path}:{number}", f"not a JSON object ({type(obj).__name__})"))
            continue
        key = "" if single else _record_key(obj, number, seen)
        seen.add(key)
        fields = _fields(obj)
        text = fields.pop("text", None)
        if text is None:
            skips.append(Skip(f"{path}:{key}" if key else path, f"no text field (looked for {', '.join(BODY)})"))
            continue
        found.append(RawRecord(path, key, text, fields, _site(path, obj), "" if single else f"line {number}"))
    return found


def _site(path: str, obj: dict) -> str:
    """A feed's articles share furniture by the source they name (one file may mix outlets)."""
    source = obj.get("source") or obj.get("publisher")
    return f"{path}#{source}" if isinstance(source, str) else path


def _record_key(obj: dict, number: str, seen: set[str]) -> str:
    """A feed record's key: its own id field if it has a unique one, else its line number."""
    for name in _KEYS:
        value = obj.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            key = str(value).strip()
            if key not in seen:
                return key
    return f"line {number}"


def _fields(obj: dict) -> dict:
    found: dict = {}
    body = _first(obj, BODY)
    if isinstance(body, str) and body.strip():
        found["text"] = body
    for name, names in (("title", TITLE), ("date", DATE), ("byline", BYLINE), ("url", URL)):
        value = _first(obj, names)
        if value is not None:
            found[name] = value
    source = _first(obj, SOURCE)
    if not isinstance(source, str) and isinstance(found.get("url"), str):
        source = source_from_url(found["url"])
    if isinstance(source, str):
        found["source"] = source
    return found


def _first(obj: dict, names: tuple[str, ...]):
    for name in names:
        value = obj.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, (str, int)))
        if isinstance(value, dict):
            value = value.get("name") or value.get("title")
        if value not in (None, "") and not isinstance(value, bool):
            return value
    return None
