"""Man pages from the click commands (click-man, a build-time tool: `pip install click-man`), one for
`newsgrep` and one per command (`newsgrep-search.1`, ...): `make man`, or
`python -m newsgrep.cli.manpages DIR`."""

from __future__ import annotations

import sys
from pathlib import Path


def write_man_pages(target: str | Path) -> list[Path]:
    """Writes the pages into `target` and returns their paths."""
    from click_man.core import write_man_pages as write

    from newsgrep import __version__
    from newsgrep.cli import load_commands

    Path(target).mkdir(parents=True, exist_ok=True)
    write("newsgrep", load_commands(), version=__version__, target_dir=str(target))
    return sorted(Path(target).glob("newsgrep*.1"))


if __name__ == "__main__":
    for page in write_man_pages(sys.argv[1] if len(sys.argv) > 1 else "man"):
        print(page)
