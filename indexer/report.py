"""What an indexing run did: the result of `newsgrep index` and of each run of `newsgrep watch`."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from newsgrep.formats.records import Skip


@dataclass
class IndexReport:
    """What an indexing run did, in files (a feed file counts once) and in articles."""

    index: str
    roots: list[str]
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    refreshed: int = 0  # files re-extracted because lines they carry became (or stopped being) furniture
    deferred: int = 0  # files still being written (see `settle`), left for the next run
    articles: int = 0  # articles in the index after the run
    seconds: float = 0.0
    skips: list[Skip] = field(default_factory=list)
    rebuilt: bool = False
    ignored: Counter[str] = field(default_factory=Counter)  # files of formats not read, by extension

    def skip(self, *skips: Skip) -> None:
        self.skips.extend(skips)
        self.skipped += len(skips)

    def to_dict(self) -> dict:
        report = asdict(self)
        report["skips"] = [{"path": s.path, "reason": s.reason} for s in self.skips]
        report["ignored"] = dict(self.ignored.most_common())
        return report
