"""Per-page rules for page furniture: navigation, share/print/sign-in lines, copyright and disclaimer
lines, browser notices, and the link lists that follow the end of an article.

Rules see one page at a time; what only shows as furniture by recurring across a site's pages is
`learnt_furniture`'s job. Furniture lines are not thrown away blind: a copyright or disclaimer line
names the outlet, which is kept as a clue to the article's source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_WORDS = r"(?:share|print|e-?mail|tweet|save|comments?|subscribe|sign in|sign up|sign out|log ?in|log out|register"
_ACTIONS = re.compile(
    _WORDS + r"|print sponsor|advertisement|advertising|skip to (?:main )?content|back to top|read more|see also"
    r"|(?:image|media|video) caption|getty images|map updated|menu|search|home|top stories"
    r"|(?:related|more|other|latest|top|recommended) (?:stories|articles|links|news|content|topics|videos|coverage)"
    r"|most (?:read|popular|viewed|shared|watched)|follow us(?: on .*)?|(?:share|follow) (?:this|on|via) .*"
    r"|(?:\w+ )?navigation|(?:\w+ )?(?:site )?(?:map|index)|(?:terms of use|privacy policy|cookie policy|contact us)"
    r"(?: \| .*)?)\W*",
    re.I,
)
_COPYRIGHT = re.compile(
    r"(?:copyright\s*(?:©|\(c\))?|©|\(c\)\s*(?=\d{4}))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*(?:the\s+)?"
    r"(?P<owner>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})?",
    re.I,
)
_DISCLAIMER = re.compile(
    r"(?:the\s+)?(?P<owner>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})\s+is not responsible for the content of external",
    re.I,
)
_BROWSER = re.compile(
    r".*(?:best viewed (?:in|with)|enable javascript|javascript is (?:disabled|required)|upgrade your browser"
    r"|style sheets \(css\)|cookies? to (?:give|improve|ensure)|we use cookies).*",
    re.I,
)
# Words of site menus ("Americas Africa Europe Middle East South Asia Asia Pacific").
_SECTIONS = frozenset(
    "home news world uk us u.s. business politics sport sports technology tech science health entertainment arts "
    "culture opinion video videos audio live weather travel style money markets economy education environment "
    "americas africa europe asia pacific middle east south north latin america australia canada india china "
    "england scotland wales ireland local national international features blogs podcasts magazine".split()
)
# Lines after which nothing belongs to the article when they come in its second half.
_END_MARKERS = re.compile(
    r"(?:print sponsor|share this(?: article| story| page)?|related (?:stories|articles|links|content|internet links)"
    r"|more (?:stories|news) (?:from|on|about) .*|(?:\w+ )?navigation|sign in|copyright\b.*|©.*"
    r"|.* is not responsible for the content of external .*)\W*",
    re.I,
)


@dataclass
class Clues:
    """What furniture lines tell about the page: the outlet named by a copyright or disclaimer line."""

    owner: str | None = None
    dropped: list[str] = field(default_factory=list)


def is_menu(line: str) -> bool:
    words = line.replace("&", " ").replace("|", " ").split()
    if len(words) < 4 or any(ch in line for ch in '.,;:!?"“”'):
        return False
    known = sum(w.lower() in _SECTIONS for w in words)
    return known >= 0.8 * len(words) and all(w[0].isupper() for w in words)


def furniture_reason(line: str) -> str | None:
    """Why this one line is page furniture, or None if it is not."""
    text = line.strip()
    if not text:
        return None
    if _ACTIONS.fullmatch(text):
        return "action"
    if _COPYRIGHT.match(text) and len(text.split()) <= 25:
        return "copyright"
    if _DISCLAIMER.match(text):
        return "disclaimer"
    if _BROWSER.fullmatch(text):
        return "browser"
    if is_menu(text):
        return "menu"
    return None


def strip_page_furniture(lines: list[str]) -> tuple[list[str], Clues]:
    """Lines without furniture (blank lines kept, to keep paragraphs), and the clues found in it."""
    clues = Clues()
    kept: list[str] = []
    content = [i for i, line in enumerate(lines) if line.strip()]
    half = content[len(content) // 2] if content else 0
    cut = None
    for i, line in enumerate(lines):
        text = line.strip()
        reason = furniture_reason(text)
        if reason in ("copyright", "disclaimer") and clues.owner is None:
            match = (_COPYRIGHT if reason == "copyright" else _DISCLAIMER).match(text)
            owner = match.group("owner") if match else None
            if owner and owner.lower() not in ("all", "rights", "reserved"):
                clues.owner = owner.rstrip(".")
        if cut is None and i > half and _END_MARKERS.fullmatch(text):
            cut = i
        if cut is not None or reason:
            if text:
                clues.dropped.append(text)
            continue
        kept.append(line)
    return kept, clues
