"""What an indexing run did: the result of `newsgrep index` and of each run of `newsgrep watch`."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from newsgrep.formats.records import Skip


@dataclass
class IndexReport:
    """What an indexing run did, in files (a feed or an archive counts once) and in articles."""

    index: str
    roots: list[str]
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0  # skips reported (a file, a record, or a summary of many records: "412 non-HTML responses")
    refreshed: int = 0  # files re-extracted because lines they carry became (or stopped being) furniture
    deferred: int = 0  # files still being written (see `settle`), left for the next run
    grown: int = 0  # appendable files (web archives, JSON Lines, mailboxes) that grew: only their new records read
    articles: int = 0  # articles in the index after the run
    seconds: float = 0.0
    skips: list[Skip] = field(default_factory=list)  # and notes (count 0): part of a file ignored, or left for later
    rebuilt: bool = False
    # Files not read because a format's optional libraries are missing: {extra: {ending: files}}.
    missing_extras: dict[str, dict[str, int]] = field(default_factory=dict)
    ignored: Counter[str] = field(default_factory=Counter)  # files of formats not read, by extension

    def skip(self, *skips: Skip) -> None:
        self.skips.extend(skips)
        self.skipped += sum(1 for s in skips if s.count)

    def need_extra(self, extra: str, ending: str) -> None:
        files = self.missing_extras.setdefault(extra, {})
        files[ending] = files.get(ending, 0) + 1

    def extra_notes(self) -> list[str]:
        """One line per missing extra: "install newsgrep[documents] to read 12 .pdf and 3 .docx files"."""
        notes = []
        for extra, files in sorted(self.missing_extras.items()):
            most_first = sorted(files.items(), key=lambda item: (-item[1], item[0]))
            counts = [f"{count} {ending}" for ending, count in most_first]
            listed = counts[0] if len(counts) == 1 else ", ".join(counts[:-1]) + " and " + counts[-1]
            notes.append(f"install newsgrep[{extra}] to read {listed} file{'s' if sum(files.values()) > 1 else ''}")
        return notes

    def to_dict(self) -> dict:
        report = asdict(self)
        report["skips"] = [{"path": s.path, "reason": s.reason, "count": s.count} for s in self.skips]
        report["missing_extras"] = [
            {"extra": extra, "files": files, "message": note}
            for (extra, files), note in zip(sorted(self.missing_extras.items()), self.extra_notes(), strict=True)
        ]
        report["ignored"] = dict(self.ignored.most_common())
        return report
