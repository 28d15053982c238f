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
