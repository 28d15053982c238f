"""Markdown articles (.md, .markdown) with Hugo/Jekyll front matter: one article a file.

Front matter: YAML between "---" lines (PyYAML, safe loader), TOML between "+++" lines (the standard
library's tomllib), or a JSON object (Hugo). Fields, by the names Hugo and Jekyll sites use:
title; date (date, publishDate, pubDate, published...; else a Jekyll file name's YYYY-MM-DD- prefix);
author/authors/byline; source/publisher; url/link/canonical_url/permalink (only absolute http(s) URLs:
Hugo's `url` is a path inside the site). Without a front-matter title, a leading "# Heading" is the title.

The body is rendered to text with markdown-it-py (CommonMark, with tables and strikethrough): headings,
emphasis, code spans and links lose their markup (link text kept, the target dropped), images are
dropped, raw HTML blocks are reduced to their text; each paragraph, heading, list item, table row and
code block is one line, blocks separated by blank lines.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re

from newsgrep.formats.decoding import decode
from newsgrep.formats.fields import as_datetime, compact, folder_site, one_line, source_from_url
from newsgrep.formats.html_text import fragment_text
from newsgrep.formats.records import RawRecord, Skip, SkipFile

NAME = "markdown"
EXTENSIONS = (".md", ".markdown")
MAX_FRONT_MATTER = 64 * 1024

_YAML = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_TOML = re.compile(r"\A\+\+\+[ \t]*\r?\n(.*?)^\+\+\+[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_JEKYLL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")
TITLE_KEYS = ("title", "headline")
DATE_KEYS = ("date", "publishdate", "pubdate", "published", "published_at", "publication_date", "created")
BYLINE_KEYS = ("author", "authors", "byline", "creator", "creators")
SOURCE_KEYS = ("source", "publisher", "outlet", "site", "site_name", "sitename")
URL_KEYS = ("canonical_url", "canonicalurl", "canonical", "original_url", "source_url", "url", "link", "permalink")


def read(path: str, data: bytes, skips: list[Skip]) -> list[RawRecord]:
    text = decode(bytes(data))
    meta, body, problem = split_front_matter(text)
    if problem:
        skips.append(Skip(f"{path}:front matter", f"front matter ignored ({problem})", 0))
    fields = front_matter_fields(meta)
    if "date" not in fields:
        match = _JEKYLL_DATE.match(os.path.basename(path))
        if match:
            try:
                year, month, day = (int(g) for g in match.groups())
                fields["date"] = dt.datetime(year, month, day)
            except ValueError:
                pass
    rendered, heading = render(body)
    if "title" not in fields and heading:
        fields["title"] = heading
    if not rendered.strip() and "title" not in fields:
        raise SkipFile("no text (front matter only)" if meta else "no text")
    return [RawRecord(path, "", rendered, fields, folder_site(path))]


def split_front_matter(text: str) -> tuple[dict, str, str | None]:
    """(front matter as a dict, the Markdown after it, a problem with the front matter or None)."""
    text = text.lstrip("\ufeff")
    for pattern, kind in ((_YAML, "YAML"), (_TOML, "TOML")):
        match = pattern.match(text)
        if not match:
            continue
        block, body = match.group(1), text[match.end() :]
        if len(block) > MAX_FRONT_MATTER:
            return {}, body, f"{kind} front matter over {MAX_FRONT_MATTER // 1024} KB"
        try:
            meta = _load_yaml(block) if kind == "YAML" else _load_toml(block)
        except Exception as exc:  # noqa: BLE001 - yaml.YAMLError, tomllib.TOMLDecodeError, ValueError...
            first = str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__
            return {}, body, f"invalid {kind}: {first}"
        if meta is None:
            return {}, body, None
        if not isinstance(meta, dict):
            return {}, body, f"{kind} front matter is not a mapping"
        return meta, body, None
    if text.startswith("{"):
        try:
            meta, end = json.JSONDecoder().raw_decode(text[: MAX_FRONT_MATTER + 1])
        except (ValueError, RecursionError):
            return {}, text, None  # not JSON front matter: a Markdown text starting with a brace
        if isinstance(meta, dict) and text[end : end + 1] in ("\n", "\r", ""):
            return meta, text[end:], None
    return {}, text, None


def _load_yaml(block: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(block, Loader=loader)  # noqa: S506 - a safe loader


def _load_toml(block: str):
    import tomllib

    return tomllib.loads(block)


def front_matter_fields(meta: dict) -> dict:
    """title/date/byline/source/url from a front matter mapping (keys compared in lower case)."""
    lowered: dict[str, object] = {}
    for key, value in meta.items():
        if isinstance(key, str):
            lowered.setdefault(key.strip().lower(), value)
    fields: dict = {}
    title = _first(lowered, TITLE_KEYS, _text)
    date = _first(lowered, DATE_KEYS, _date)
    byline = _first(lowered, BYLINE_KEYS, _names)
    url = _first(lowered, URL_KEYS, _url)
    source = _first(lowered, SOURCE_KEYS, _text)
    if source and _url(source):  # "source: https://..." is where the article came from
        url = url or _url(source)
        source = source_from_url(source)
    if not source and url:
        source = source_from_url(url)
    fields.update(title=title, date=date, byline=byline, source=source, url=url)
    return compact(fields)


def _first(meta: dict, keys: tuple[str, ...], convert):
    for key in keys:
        if key in meta:
            value = convert(meta[key])
            if value:
                return value
    return None


def _text(value) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return one_line(value) or None
    return None


def _date(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return as_datetime(value)
    if isinstance(value, str) and value.strip():
        return value.strip()[:100]
    return None


def _names(value) -> str | None:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:20]:
        if isinstance(item, dict):
            item = item.get("name") or item.get("display_name") or item.get("title")
        name = _text(item)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None


def _url(value) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        if re.match(r"https?://\S+$", value):
            return value
    return None


# -- Markdown to text ------------------------------------------------------------------------------------
_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return _PARSER


def render(markdown: str) -> tuple[str, str | None]:
    """(the text, one block a line with blank lines between; the leading H1's text or None)."""
    tokens = _parser().parse(markdown)
    blocks: list[str] = []
    heading = None
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            text = _inline(token.children or [])
            if row is not None:
                row.append(text)
            elif text:
                blocks.append(text)
                if (
                    heading is None
                    and len(blocks) == 1
                    and i > 0
                    and tokens[i - 1].type == "heading_open"
                    and tokens[i - 1].tag == "h1"
                ):
                    heading = text
        elif kind in ("fence", "code_block"):
            code = token.content.strip("\n")
            if code.strip():
                blocks.append(code)
        elif kind == "html_block":
            text = fragment_text(token.content)
            if text:
                blocks.append(text)
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if row:
                blocks.append(" ".join(cell for cell in row if cell))
            row = None
    return "\n\n".join(blocks), heading


def _inline(children) -> str:
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind == "image":
            continue  # alt text is not the article's text
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append(" ")
        # link_open/close, em/strong/s open/close, html_inline: markup, dropped
    return " ".join("".join(out).split())
