"""Start-up time: Whoosh imports two modules that newsgrep never uses. `whoosh.compat` imports
`urllib.request` (with http.client and email: ~20 ms) for a download helper, and `whoosh.reading` the
cached-property backport (which imports asyncio: ~10 ms) for one cached attribute. A search is mostly
start-up, so the command line gives Whoosh a stand-in for the first while it imports and the standard
library's functools.cached_property for the second; both behave the same for what Whoosh uses."""

from __future__ import annotations

import functools
import sys
import types


def trim_whoosh_imports() -> None:
    if "whoosh.compat" in sys.modules:
        return
    if "cached_property" not in sys.modules:
        backport = types.ModuleType("cached_property")
        backport.cached_property = functools.cached_property
        sys.modules["cached_property"] = backport
    if "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request")

    def urlretrieve(*args, **kwargs):  # never called by newsgrep; the real one if anything does
        from urllib.request import urlretrieve as real

        return real(*args, **kwargs)

    stand_in.urlretrieve = urlretrieve
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]
