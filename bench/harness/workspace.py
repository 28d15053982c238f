"""One benchmark run's workspace: its options, the corpus measured, the temporary folder and what is in
it, the commands run (newsgrep, rg), the children's environment and the console the steps print to."""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from harness.baselines import baseline_path
from harness.checkout import child_env, newsgrep_command
from harness.console import Console


@dataclass
class Workspace:
    args: argparse.Namespace
    corpus: Path  # the files measured (the corpus, or a linked subset of it)
    tmp: Path  # removed at the end unless --keep
    console: Console = field(default_factory=Console)
    env: dict[str, str] = field(default_factory=child_env)
    newsgrep: list[str] = field(default_factory=list)
    rg: str | None = None

    @classmethod
    def create(cls, args: argparse.Namespace, corpus: Path, tmp: Path) -> Workspace:
        return cls(args, corpus, tmp, newsgrep=newsgrep_command(args.newsgrep), rg=shutil.which("rg"))

    @property
    def index(self) -> Path:
        """newsgrep's index."""
        return self.tmp / "newsgrep-index"

    @property
    def extra(self) -> Path:
        """A second root of the index, where incremental runs add articles (the corpus is never written to)."""
        return self.tmp / "extra"

    def baseline(self, kind: str) -> Path:
        """A baseline's index ("naive" or "fts5")."""
        return baseline_path(self.tmp, kind)

    def emit(self, text: str = "") -> None:
        self.console.emit(text)
