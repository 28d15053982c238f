"""Where results may come from: the paths given after a query (`newsgrep search QUERY PATH...`, as
`rg PATTERN PATH...`), `-g/--glob` patterns and the query's `path:` field, as a Whoosh query that every
matching article must also match. A folder is a term of the `folders` field (every folder a file lies
in is indexed with it): one posting list, whatever the folder holds. A glob is `FilesLike`, which reads
the index's column of file paths and keeps the documents whose path matches. (Measured on 2,425
articles, a folder of 511 files: Whoosh's Prefix and Wildcard queries over the file terms, one posting
list per file, took 1.1-1.4 s a search; see the issue-13 note for these.)

- a path that exists: that file, or every file under that folder (an indexed prefix of the path);
- `path:VALUE` in a query: an absolute path (or one starting with ./, ../ or ~) is taken as a path;
  otherwise VALUE names folders anywhere in the path, as Recoll's `dir:` does:
  `path:bbc/sport` keeps files under any folder `bbc/sport`. Several `path:` values: any of them.
- a glob as ripgrep's `-g`: without a `/` it matches the file's name (`*.html`, `2009-*`), with one the
  end of its path (`sport/*.txt`); `!GLOB` leaves the matching files out. Several globs: a file must
  match one of the positive ones (if any) and none of the negated ones.
"""

from __future__ import annotations

import os
import re

from whoosh import query as wq

from newsgrep.errors import QueryError
from newsgrep.store.schema import F

# path:VALUE or path:"VALUE" outside quotes (a quoted phrase is matched whole, and kept)
_PATH_FIELD = re.compile(r'(?<![\w.])path:(?:"([^"]*)"|([^\s)"]*))|"[^"]*"')


def split_path_fields(text: str) -> tuple[str, list[str]]:
    """The query without its `path:` values, and the values."""
    values: list[str] = []

    def take(match: re.Match) -> str:
        if not match.group().startswith("path:"):
            return match.group()  # a phrase
        value = match.group(1) if match.group(1) is not None else match.group(2)
        if not value.strip():
            raise QueryError("path: needs a folder or file name after it (as in path:bbc/sport)")
        values.append(value)
        return " "

    return _PATH_FIELD.sub(take, text), values


def path_field_query(values: list[str]) -> wq.Query | None:
    """The filter of a query's `path:` values (any of them)."""
    if not values:
        return None
    queries = []
    for value in values:
        if os.path.isabs(value) or value.startswith(("./", "../", "~")) or value in (".", ".."):
            queries.append(_under(os.path.abspath(os.path.expanduser(value))))
        else:
            inner = value.strip("/")  # a folder of that name anywhere (few folder terms to look through)
            queries.append(wq.Wildcard(F.FOLDERS, f"*/{inner}"))
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def scope_query(paths: list[str] | tuple[str, ...] = (), globs: list[str] | tuple[str, ...] = ()) -> wq.Query | None:
    """The filter of paths given beside a query (files or folders; relative to the current folder) and of
    `-g` globs. None when neither restricts anything."""
    parts: list[wq.Query] = []
    if paths:
        under = [_under(os.path.abspath(path)) for path in paths]
        parts.append(under[0] if len(under) == 1 else wq.Or(under))
    positive = [_glob(g) for g in globs if not g.startswith("!")]
    negative = [_glob(g[1:]) for g in globs if g.startswith("!") and len(g) > 1]
    if positive:
        parts.append(positive[0] if len(positive) == 1 else wq.Or(positive))
    if negative:
        parts.append(wq.Not(negative[0] if len(negative) == 1 else wq.Or(negative)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _under(path: str) -> wq.Query:
    """The file at `path`, or every file under the folder at `path` (existing or not: an index may hold
    files that are gone from the disk until the next `newsgrep index`)."""
    if os.path.isfile(path):
        return wq.Term(F.FILE, path)
    return wq.Term(F.FOLDERS, path.rstrip(os.sep) or os.sep)


def _glob(pattern: str) -> wq.Query:
    if not pattern:
        raise QueryError("an empty --glob matches nothing")
    if "/" in pattern:
        return FilesLike("glob", pattern if pattern.startswith("/") else "*/" + pattern.lstrip("/"))
    return FilesLike("glob", "*/" + pattern)


class FilesLike(wq.Query):
    """The documents whose file path matches a glob (`kind` "glob", fnmatch's syntax, `*` crossing
    folders), read from the `file` column of each segment: one pass over the paths, no posting lists.
    It scores nothing (weight 0): it only narrows what the query it is joined to finds."""

    def __init__(self, kind: str, pattern: str):
        self.kind, self.pattern = kind, pattern
        self.fieldname = F.FILE
        self.boost = 1.0

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.kind!r}, {self.pattern!r})"

    def __str__(self) -> str:
        return f"file:{self.kind}({self.pattern})"

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and (self.kind, self.pattern) == (other.kind, other.pattern)

    def __hash__(self) -> int:
        return hash((type(self), self.kind, self.pattern))

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader) -> int:
        return ixreader.doc_count()

    def _accepts(self):
        import fnmatch

        return re.compile(fnmatch.translate(self.pattern)).match

    def matcher(self, searcher, context=None):
        from whoosh.matching import ListMatcher, NullMatcher

        reader = searcher.reader()
        if not reader.has_column(F.FILE):
            return NullMatcher()
        accepts = self._accepts()
        deleted = reader.has_deletions()
        found = [
            docnum
            for docnum, path in enumerate(reader.column_reader(F.FILE))  # in bulk: a fifth of the time by item
            if accepts(path) and not (deleted and reader.is_deleted(docnum))
        ]
        return ListMatcher(found, all_weights=0.0) if found else NullMatcher()


def query_and_paths(arguments: list[str] | tuple[str, ...]) -> tuple[str, list[str]]:
    """`newsgrep search QUERY [PATH...]`'s arguments as (query, paths), as a ripgrep user types them: the
    first argument is the query; each later one that exists on disk is a path and is never read as
    words; a later one that does not exist is a query word (`newsgrep search drug cartel`) unless it
    looks like a path (has a `/`, or starts with `.` or `~`), which is an error, as in ripgrep."""
    from newsgrep.errors import PathMissing

    if not arguments:
        raise QueryError("empty query")
    words, paths = [arguments[0]], []
    for argument in arguments[1:]:
        if argument and os.path.exists(os.path.expanduser(argument)):
            paths.append(os.path.expanduser(argument))
        elif "/" in argument or argument.startswith((".", "~")):
            raise PathMissing(f"no such file or folder: {argument} (to search for it, put it in the query's quotes)")
        else:
            words.append(argument)
    return " ".join(words), paths
