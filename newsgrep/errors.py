"""The errors newsgrep reports to users as one line (and exit code 2), never as a traceback."""


class NewsgrepError(Exception):
    """A problem the user can act on; its message is the whole report."""


class IndexMissing(NewsgrepError):
    pass


class IndexLocked(NewsgrepError):
    pass


class IndexIncompatible(NewsgrepError):
    pass


class QueryError(NewsgrepError):
    pass


class PathMissing(NewsgrepError):
    pass


def storage_problem(exc: BaseException) -> str | None:
    """The one line that names a full disk or a folder that cannot be written (from an OSError, or
    SQLite's own words for them), or None for any other error."""
    import errno
    import sqlite3

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full while writing {exc.filename or 'the index'}: free space and run again"
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        where = exc.filename or "the index"
        return f"cannot write {where}: {(exc.strerror or str(exc)).lower()} (writing needs a writable index folder)"
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc)
        if "disk is full" in text or "disk I/O error" in text:
            return "disk full (or failing) while writing the index's manifest: free space and run again"
        if "readonly database" in text or "unable to open database" in text:
            return f"cannot write the index's manifest: {text} (writing needs a writable index folder)"
    return None
