"""Makes the format tests' files from three Wikinews articles of the bundled corpus: WARCs (warcio), feeds,
Markdown, PDFs (reportlab), Word documents (python-docx) and e-mail. Nothing but the articles is stored."""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
from dataclasses import dataclass

from tests.conftest import CORPUS

ARTICLES = CORPUS / "wikinews"
NAMES = ("wikinews-100018.txt", "wikinews-51129.txt", "wikinews-99152.txt")  # Armenia, Poland, Moldova


@dataclass
class Article:
    name: str
    title: str
    date: str  # YYYY-MM-DD
    url: str
    paragraphs: list[str]


def articles() -> list[Article]:
    """The three articles the format tests wrap into every format."""
    return [_article(name) for name in NAMES]


def wikinews(start: int = 0, count: int = 200) -> list[Article]:
    """Articles of the bundled corpus's Wikinews folder, in name order."""
    return [_article(p.name) for p in sorted(ARTICLES.glob("*.txt"))[start : start + count]]


def _article(name: str) -> Article:
    """A Wikinews file (title, date and address on its first three lines, then the text), its text cut
    into paragraphs of three sentences."""
    title, date, url, _, *rest = (ARTICLES / name).read_text(encoding="utf-8").split("\n")
    text = " ".join(" ".join(rest).split())
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text)
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return Article(name.removesuffix(".txt"), title, date, url, paragraphs)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


# -- HTML pages and WARCs -----------------------------------------------------------------------------------
def page(article: Article, author: str = "Jane Reporter", site: str = "Wikinews", nav: bool = True) -> str:
    e = html.escape
    body = "\n".join(f"<p>{e(p)}</p>" for p in article.paragraphs)
    furniture = (
        '<header><nav><ul><li><a href="/">Main page</a></li>'
        '<li><a href="/wiki/Portal">Portals</a></li></ul></nav></header>'
        if nav
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(article.title)} - {e(site)}</title>
<meta property="og:title" content="{e(article.title)}">
<meta property="og:site_name" content="{e(site)}">
<meta name="author" content="{e(author)}">
<meta property="article:published_time" content="{article.date}T09:30:00Z">
</head><body>{furniture}
<main><article><h1>{e(article.title)}</h1>
{body}
</article></main>
<footer><p>All text is available under the Creative Commons Attribution 2.5 License.</p></footer>
</body></html>"""


@dataclass
class Rec:
    """One WARC record to write."""

    type: str = "response"
    uri: str = ""
    payload: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"  # the HTTP (or resource record's) Content-Type
    status: str = "200 OK"
    record_id: str | None = None
    date: str = "2024-05-01T12:00:00Z"
    http_extra: tuple = ()
    raw_http: bytes | None = None  # an HTTP response block written as is (chunked, gzip-encoded...)


def write_warc(stream, records: list[Rec], gzip: bool = True, version: str = "1.1", warcinfo: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(stream, gzip=gzip, warc_version=version)
    if warcinfo:
        writer.write_record(writer.create_warcinfo_record("test.warc.gz", {"software": "tests"}))
    for rec in records:
        headers = {"WARC-Date": rec.date}
        if rec.record_id:
            headers["WARC-Record-ID"] = f"<{rec.record_id}>"
        if rec.type == "response" and rec.raw_http is not None:
            record = writer.create_warc_record(
                rec.uri,
                "response",
                payload=io.BytesIO(rec.raw_http),
                warc_content_type="application/http; msgtype=response",
                warc_headers_dict=headers,
            )
        elif rec.type == "response":
            http = [("Content-Length", str(len(rec.payload))), *rec.http_extra]
            if rec.content_type:
                http.insert(0, ("Content-Type", rec.content_type))
            record = writer.create_warc_record(
                rec.uri,
                "response",
                payload=io.BytesIO(rec.payload),
                http_headers=StatusAndHeaders(rec.status, http, protocol="HTTP/1.1"),
                warc_headers_dict=headers,
            )
        elif rec.type == "resource":
            record = writer.create_warc_record(
                rec.uri,
                "resource",
                payload=io.BytesIO(rec.payload),
                warc_content_type=rec.content_type,
                warc_headers_dict=headers,
            )
        elif rec.type == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
            record = writer.create_warc_record(
                rec.uri, "request", payload=io.BytesIO(b""), http_headers=http, warc_headers_dict=headers
            )
        elif rec.type == "revisit":
            record = writer.create_revisit_record(rec.uri, "sha1:AAAA", rec.uri, "2024-04-01T00:00:00Z")
            for name, value in headers.items():
                record.rec_headers.replace_header(name, value)
        else:
            record = writer.create_warc_record(
                rec.uri,
                rec.type,
                payload=io.BytesIO(rec.payload),
                warc_content_type=rec.content_type or "text/plain",
                warc_headers_dict=headers,
            )
        writer.write_record(record)


def warc_bytes(records: list[Rec], gzip: bool = True, version: str = "1.1", warcinfo: bool = True) -> bytes:
    out = io.BytesIO()
    write_warc(out, records, gzip, version, warcinfo)
    return out.getvalue()


def page_records(items: list[Article], start: int = 0) -> list[Rec]:
    """A response record (with a request after it) per article, with fixed record ids."""
    out = []
    for i, article in enumerate(items, start):
        out.append(
            Rec(
                uri=article.url,
                payload=page(article).encode("utf-8"),
                record_id=f"urn:uuid:00000000-0000-0000-0000-{i:012d}",
            )
        )
        out.append(Rec(type="request", uri=article.url, record_id=f"urn:uuid:11111111-0000-0000-0000-{i:012d}"))
    return out


def chunked_gzip_http(body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    import gzip

    packed = gzip.compress(body)
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(packed[i : i + 100]), packed[i : i + 100]) for i in range(0, len(packed), 100)
    )
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Encoding: gzip\r\n\r\n" + chunks + b"0\r\n\r\n"
    )


def gzip_members(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each gzip member."""
    import zlib

    spans, pos = [], 0
    while pos < len(data):
        d = zlib.decompressobj(31)
        d.decompress(data[pos:])
        end = len(data) - len(d.unused_data)
        spans.append((pos, end))
        pos = end
    return spans


# -- feeds --------------------------------------------------------------------------------------------------
def rss(items: list[Article]) -> bytes:
    e = html.escape
    parts = []
    for i, a in enumerate(items):
        day = dt.date.fromisoformat(a.date)
        content = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        parts.append(f"""<item>
  <title>{e(a.title)}</title>
  <link>{e(a.url)}</link>
  <guid isPermaLink="false">wikinews-{i}</guid>
  <pubDate>{day.strftime("%a, %d %b %Y")} 10:37:00 +0100</pubDate>
  <dc:creator>Reporter {i}</dc:creator>
  <description>{e(a.paragraphs[0][:120])}…</description>
  <content:encoded><![CDATA[{content}<script>alert(1)</script>]]></content:encoded>
</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Wikinews - Latest</title><link>https://en.wikinews.org/</link><description>News</description>
{"".join(parts)}
</channel></rss>""".encode()


def atom(items: list[Article]) -> bytes:
    e = html.escape
    parts = []
    for i, a in enumerate(items):
        content = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
        parts.append(f"""<entry>
  <title type="html">{e(e(a.title))}</title>
  <link rel="alternate" href="{e(a.url)}"/>
  <id>tag:wikinews.org,{a.date}:{i}</id>
  <published>{a.date}T23:30:00-05:00</published>
  <updated>2024-01-01T00:00:00Z</updated>
  <author><name>Author A{i}</name></author><author><name>Author B{i}</name></author>
  <summary>{e(a.paragraphs[0][:80])}</summary>
  <content type="html">{e(content)}</content>
</entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wikinews Atom</title><id>urn:x</id>
<updated>2024-01-01T00:00:00Z</updated>
{"".join(parts)}
</feed>""".encode()


# -- PDF and Word ---------------------------------------------------------------------------------------------
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def pdf_font() -> str:
    """DejaVu Serif where the system has it (Debian's fonts-dejavu-core: Latin, Greek, Cyrillic), else
    reportlab's own Vera, which has Latin-1 only (see latin1_only())."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if os.path.exists(DEJAVU):
        pdfmetrics.registerFont(TTFont("Body", DEJAVU))
    else:
        pdfmetrics.registerFont(TTFont("Body", os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))
    return "Body"


def latin1_only() -> bool:
    return not os.path.exists(DEJAVU)


def pdf_words(text: str) -> list[str]:
    """The words a PDF made by pdf() can give back: all, or with Vera only the Latin-1 ones."""
    return words(re.sub(r"[^\x00-\xff]", " ", text)) if latin1_only() else words(text)


def pdf(
    items: list[Article],
    title=None,
    author=None,
    created=None,
    columns: int = 1,
    font: str | None = None,
    encrypt=None,
    running_head: str | None = "Wikinews — World",
) -> bytes:
    """A PDF of the articles (reportlab platypus), paragraphs justified, with a running head and page numbers."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    font = font or pdf_font()
    out = io.BytesIO()
    width, height = A4
    margin, gap = 60, 20
    col = (width - 2 * margin - (columns - 1) * gap) / columns
    frames = [
        Frame(margin + i * (col + gap), margin, col, height - 2 * margin - 20, id=f"c{i}") for i in range(columns)
    ]

    def furniture(canvas, doc):
        if running_head:
            canvas.setFont(font, 8)
            canvas.drawString(margin, height - margin + 5, running_head)
            canvas.drawRightString(width - margin, margin - 25, f"Page {doc.page}")

    info = {"title": title, "author": author}
    doc = BaseDocTemplate(out, pagesize=A4, encrypt=encrypt, **{k: v for k, v in info.items() if v is not None})
    doc.addPageTemplates([PageTemplate(frames=frames, onPage=furniture)])
    body = ParagraphStyle("b", fontName=font, fontSize=10, leading=13, alignment=TA_JUSTIFY, spaceAfter=6)
    head = ParagraphStyle("h", fontName=font, fontSize=15, leading=18, spaceAfter=8)
    story = []
    for a in items:
        story.append(Paragraph(html.escape(a.title), head))
        story.extend(Paragraph(html.escape(p), body) for p in a.paragraphs)
    if created is not None:
        from reportlab.pdfbase import pdfdoc

        doc._created = created
        original = pdfdoc.PDFDate.format

        def fixed(self, document):
            return f"(D:{created.strftime('%Y%m%d%H%M%S')}-05'00')".encode()

        pdfdoc.PDFDate.format = fixed
        try:
            doc.build(story)
        finally:
            pdfdoc.PDFDate.format = original
    else:
        doc.build(story)
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A 'scanned' page: an image of text, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(40, 760, 24):
        draw.text((40, y), "Scanned newspaper text that has no text layer " * 2, fill=0)
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.drawImage(ImageReader(image), 40, 40, width=500, height=700)
    c.showPage()
    c.save()
    return out.getvalue()


def docx(
    items: list[Article],
    title=None,
    author=None,
    created=None,
    table: list[list[str]] | None = None,
    title_style: bool = False,
) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    core = document.core_properties
    core.title = title or ""
    core.author = author or ""
    if created is not None:
        core.created = created
    for a in items:
        document.add_paragraph(a.title, style="Title" if title_style else "Heading 1")
        for p in a.paragraphs:
            document.add_paragraph(p)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- e-mail ----------------------------------------------------------------------------------------------------
def eml(
    article: Article,
    html_only: bool = False,
    message_id: str | None = "<a1@news.example.org>",
    sender: str = '"Renata Beger" <renata@news.example.org>',
    date: str = "Wed, 27 Sep 2006 23:15:00 -0400",
) -> bytes:
    from email.message import EmailMessage
    from email.policy import SMTP

    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = "desk@example.org"
    message["Subject"] = article.title
    message["Date"] = date
    if message_id:
        message["Message-ID"] = message_id
    message["Archived-At"] = f"<{article.url}>"
    page_html = page(article, nav=False)
    if html_only:
        message.set_content(page_html, subtype="html", charset="utf-8", cte="quoted-printable")
    else:
        message.set_content("\n\n".join(article.paragraphs) + "\n", charset="utf-8", cte="quoted-printable")
        message.add_alternative(page_html, subtype="html")
        message.add_attachment(b"%PDF-1.4 not really", maintype="application", subtype="pdf", filename="a.pdf")
    return bytes(message)


def mbox(messages: list[bytes]) -> bytes:
    """An mboxrd mailbox: a From_ line before each message, body lines starting "From " quoted."""
    out = []
    for i, data in enumerate(messages):
        body = re.sub(rb"^(>*From )", rb">\1", data.replace(b"\r\n", b"\n"), flags=re.M)
        out.append(b"From sender%d@example.org Mon Jul 16 10:%02d:00 2009\n" % (i, i) + body.rstrip(b"\n") + b"\n\n")
    return b"".join(out)
