"""A page's options read from its address (the options of `newsgrep search`, plus paging and the
timeline's period), and the addresses a page links to: the next page, a narrower period, one source, an
article, an original file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from urllib.parse import urlencode

from newsgrep.errors import QueryError

MAX_DEPTH = 1000  # offset + limit at most: a page asks the Searcher for every hit up to its last one
PAGE_SIZE = 10
MAX_LIMIT = 100
MAX_PASSAGES = 20
TIMELINE_PERIODS = ("day", "month", "year")
FACETS = ("source",)
_TRUE = ("1", "true", "on", "yes")


@dataclass(frozen=True)
class SearchRequest:
    """The options of one search, under the names `newsgrep search` gives them (`or`, `no-collapse`,
    `passages`, `by` are its `--or`, `--no-collapse`, `--passages`, `--by`)."""

    q: str = ""
    since: str = ""
    until: str = ""
    sort: str = "relevance"
    any_word: bool = False  # or=1
    no_collapse: bool = False  # no-collapse=1
    passages: int = 3
    offset: int = 0
    limit: int = PAGE_SIZE
    by: str = ""  # count the matches per source ("source"), as --by source does
    period: str = ""  # the timeline's bars: day, month or year ("": chosen from the dates)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> SearchRequest:
        """Reads the options from an address's query string; raises QueryError for values out of range.
        Names it does not know (a token, say) are left alone."""
        request = cls(
            q=args.get("q", "").strip(),
            since=args.get("since", "").strip(),
            until=args.get("until", "").strip(),
            sort=args.get("sort", "relevance") or "relevance",
            any_word=args.get("or", "").lower() in _TRUE,
            no_collapse=args.get("no-collapse", "").lower() in _TRUE,
            passages=_number(args, "passages", 3, 1, MAX_PASSAGES),
            offset=_number(args, "offset", 0, 0, MAX_DEPTH - 1),
            limit=_number(args, "limit", PAGE_SIZE, 1, MAX_LIMIT),
            by=args.get("by", ""),
            period=args.get("period", ""),
        )
        if request.sort not in ("relevance", "date"):
            raise QueryError(f"cannot sort by {request.sort!r} (relevance or date)")
        if request.by and request.by not in FACETS:
            raise QueryError(f"cannot count matches by {request.by!r} ({', '.join(FACETS)})")
        if request.period and request.period not in TIMELINE_PERIODS:
            raise QueryError(f"cannot count by {request.period!r} ({', '.join(TIMELINE_PERIODS)})")
        if request.offset + request.limit > MAX_DEPTH:
            raise QueryError(f"offset + limit may not pass {MAX_DEPTH}: narrow the query instead")
        return request

    def search_options(self) -> dict:
        """Searcher.search's keyword arguments for every hit up to this page's last (paging is done on
        the hits it gives: when the Searcher takes an offset, pass it instead)."""
        return {
            "limit": self.offset + self.limit,
            "passages": self.passages,
            "operator": "or" if self.any_word else "and",
            "since": self.since or None,
            "until": self.until or None,
            "collapse": not self.no_collapse,
            "sort": self.sort,
            "facets": (self.by,) if self.by else (),
        }

    def form(self) -> dict[str, str | bool]:
        """The search form's fields."""
        return {
            "q": self.q,
            "since": self.since,
            "until": self.until,
            "sort": self.sort,
            "any_word": self.any_word,
            "no_collapse": self.no_collapse,
        }

    def address(self, path: str = "/", **changes) -> str:
        """The address of this search with `changes`, naming only what differs from the defaults."""
        changed = replace(self, **changes)
        defaults = asdict(SearchRequest())
        names = {"any_word": "or", "no_collapse": "no-collapse"}
        args = {}
        for name, value in asdict(changed).items():
            if value != defaults[name]:
                args[names.get(name, name)] = "1" if value is True else str(value)
        return f"{path}?{urlencode(args)}" if args else path


class PageLinks:
    """The addresses a page links to, kept from one search (newsgrep.render.html.Links)."""

    def __init__(self, request: SearchRequest, fallback: bool = False):
        self.request = request
        self.fallback = fallback  # the search ran with any of the words: so must a narrowed one

    def query(self, text: str) -> str:
        return self.request.address(q=text, offset=0)

    def page(self, offset: int) -> str:
        return self.request.address(offset=max(offset, 0))

    def period(self, label: str) -> str:
        """This search within the period of a timeline bar ("2009", "2009-07", "2009-07-16"), its bars one
        step finer; "" for the whole period."""
        return self.request.address(since=label, until=label, offset=0, period="")

    def by(self, period: str) -> str:
        return self.request.address(period=period)

    def source(self, name: str) -> str | None:
        """This search kept to one source: the query AND source:"name" (visible and editable in the box),
        with any of the words if that is how the counts were made."""
        name = " ".join(name.replace('"', " ").replace("\\", " ").split())
        if not name or not self.request.q:
            return None
        query = f'({self.request.q}) AND source:"{name}"'
        return self.request.address(q=query, any_word=self.request.any_word or self.fallback, offset=0)

    def article(self, article_id: str, passage: int | None = None) -> str:
        args = {"id": article_id, **({"q": self.request.q} if self.request.q else {})}
        return f"/article?{urlencode(args)}" + (f"#p{passage}" if passage is not None else "")

    def file(self, article_id: str) -> str:
        return f"/file?{urlencode({'id': article_id})}"


def _number(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = args.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {text!r}") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}, not {value}")
    return value
