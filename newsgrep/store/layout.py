"""Where an index lives on disk and how it is opened: its directory, generations, format check and lock.

    .newsgrep/
      FORMAT              {"format": ..., "schema": ...}: refused with a hint to rebuild if it differs
      CURRENT             the name of the live generation, replaced atomically
      lock                held (flock) by the one process writing; holds its pid and command
      BUILDING            there during the first build (searches meanwhile say so)
      gen-000001/whoosh/  the Whoosh index
      gen-000001/manifest.sqlite3   roots and indexed files (see newsgrep.store.manifest)

A rebuild writes a new generation beside the live one and switches CURRENT when it is complete, so
searches keep working and a crash mid-rebuild loses nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
import time
from pathlib import Path

from newsgrep.errors import IndexIncompatible, IndexLocked, IndexMissing

DEFAULT_DIRNAME = ".newsgrep"
FORMAT = 1
WHOOSH = "whoosh"  # a generation's Whoosh index folder
MANIFEST = "manifest.sqlite3"  # a generation's manifest
BUILDING = "BUILDING"  # there while a first build runs: searches say their results may be partial


def resolve_index_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--index DIR, else $NEWSGREP_INDEX, else the nearest .newsgrep in this or a parent directory,
    else ./.newsgrep (where a first `newsgrep index` creates it)."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    env = os.environ.get("NEWSGREP_INDEX")
    if env:
        return Path(env).expanduser().absolute()
    here = Path.cwd()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_DIRNAME
        if (candidate / "CURRENT").is_file() or (candidate / SHARDS).is_file():
            return candidate
    return here / DEFAULT_DIRNAME


def index_found_above(explicit: str | os.PathLike | None = None) -> Path | None:
    """The index that commands run here would use when it was found in a parent folder of this one (not
    given with --index or $NEWSGREP_INDEX, not ./.newsgrep), else None: `newsgrep index` says so."""
    if explicit or os.environ.get("NEWSGREP_INDEX"):
        return None
    found = resolve_index_dir()
    return found if found.parent != Path.cwd() else None


def _format_record() -> dict:
    from newsgrep.store.schema import SCHEMA_VERSION

    return {"format": FORMAT, "schema": SCHEMA_VERSION}


class IndexDir:
    """An index directory, existing or about to be created."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    # reading -----------------------------------------------------------------------------------------
    def exists(self) -> bool:
        return (self.path / "CURRENT").is_file()

    def check_format(self) -> None:
        if not self.exists() and ShardsRecord.at(self.path):
            raise IndexIncompatible(
                f"{self.path} is a sharded index: this command "
                f"reads one shard at a time (--index {self.path / SHARDS_FOLDER / '00'}, ...)"
            )
        if not self.exists():
            raise IndexMissing(
                f"no index at {self.path} (create one with `newsgrep index PATH`, "
                "or point --index or NEWSGREP_INDEX at one)"
            )
        try:
            found = json.loads((self.path / "FORMAT").read_text())
        except (OSError, ValueError):
            found = None
        if found != _format_record():
            raise IndexIncompatible(
                f"the index at {self.path} was written by an incompatible version of newsgrep "
                f"(format {found}, this version reads {_format_record()}): run `newsgrep index --rebuild`"
            )

    def building(self) -> bool:
        """Whether the index is in its first build (its BUILDING mark is there and its writer runs:
        a first build that died leaves the mark, and a lock nobody holds)."""
        if not (self.path / BUILDING).exists():
            return False
        try:
            fd = os.open(self.path / "lock", os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def mark_building(self, building: bool) -> None:
        """Sets or clears the mark of a first build (the writer holds the lock)."""
        mark = self.path / BUILDING
        if building:
            mark.touch()
        else:
            mark.unlink(missing_ok=True)

    def current(self, check: bool = True) -> Path:
        """The live generation's directory (`check`: refuse an index of another format)."""
        if check:
            self.check_format()
        name = (self.path / "CURRENT").read_text().strip()
        gen = self.path / name
        if not gen.is_dir():
            raise IndexIncompatible(f"the index at {self.path} is damaged (no {name}/): run `newsgrep index --rebuild`")
        return gen

    def manifest_path(self, gen: Path | None = None) -> Path:
        """The manifest of `gen` (default: the live generation)."""
        return (gen or self.current()) / MANIFEST

    def open_whoosh(self):
        """The live Whoosh index, for reading."""
        from whoosh import index as whoosh_index

        for attempt in range(3):
            gen = self.current()
            try:
                return whoosh_index.open_dir(str(whoosh_path(gen)))
            except FileNotFoundError:
                if attempt == 2:
                    raise
                time.sleep(0.05)  # a rebuild switched generations under us; read CURRENT again
            except (ModuleNotFoundError, AttributeError, ImportError) as exc:
                raise IndexIncompatible(
                    f"the index at {self.path} cannot be read by this version of newsgrep ({exc}): "
                    "run `newsgrep index --rebuild`"
                ) from exc
            except whoosh_index.EmptyIndexError as exc:
                raise IndexIncompatible(
                    f"the index at {self.path} is damaged ({exc}): run `newsgrep index --rebuild`"
                ) from exc
        raise AssertionError("unreachable")

    # writing (callers hold the lock) ------------------------------------------------------------------
    def generations(self) -> list[Path]:
        return sorted(p for p in self.path.glob("gen-*") if p.is_dir())

    def new_generation(self) -> Path:
        """Creates an empty generation directory (not yet live) with an empty Whoosh index in it."""
        from whoosh import index as whoosh_index

        from newsgrep.store.schema import build_schema

        self.path.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name.split("-")[1]) for p in self.generations()]
        gen = self.path / f"gen-{max(numbers, default=0) + 1:06d}"
        whoosh_path(gen).mkdir(parents=True)
        whoosh_index.create_in(str(whoosh_path(gen)), build_schema())
        return gen

    def make_live(self, gen: Path) -> None:
        """Switches CURRENT to `gen` atomically and removes every other generation."""
        _write_atomic(self.path / "FORMAT", json.dumps(_format_record()) + "\n")
        _write_atomic(self.path / "CURRENT", gen.name + "\n")
        self.remove_stale_generations()

    def remove_stale_generations(self) -> None:
        live = (self.path / "CURRENT").read_text().strip() if (self.path / "CURRENT").is_file() else None
        for gen in self.generations():
            if gen.name != live:
                shutil.rmtree(gen, ignore_errors=True)

    @contextlib.contextmanager
    def lock(self, wait: float | None = None):
        """Holds the writer lock: one indexing process per index. `wait` is seconds to wait (None: fail at
        once, float('inf'): wait forever). The kernel drops the lock when its holder dies, so a killed
        run never leaves a lock behind."""
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        _HELD_LOCKS.add(fd)
        try:
            deadline = time.monotonic() + (wait or 0)
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if wait is None or time.monotonic() >= deadline:
                        raise IndexLocked(
                            f"the index at {self.path} is being written by another newsgrep "
                            f"({_holder(fd)}): wait for it, or run again with --wait"
                        ) from None
                    time.sleep(0.1)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}: {' '.join(sys.argv)[:200]}".encode(), 0)
            yield self
        finally:
            _HELD_LOCKS.discard(fd)
            os.close(fd)


_HELD_LOCKS: set[int] = set()  # descriptors of the locks this process holds


def _drop_inherited_locks() -> None:
    """In a forked child (an indexing worker): closes its copies of the parent's lock descriptors, so
    that the lock is the parent's alone and goes when the parent dies, even while workers still run.
    (Closing a copy releases nothing: the lock is released when the last copy is closed.)"""
    for fd in list(_HELD_LOCKS):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


def whoosh_path(gen: Path) -> Path:
    """The Whoosh index folder of a generation."""
    return gen / WHOOSH


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "pid unknown"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# a sharded index ---------------------------------------------------------------------------------------
SHARDS = "SHARDS"  # in a sharded index's top folder: its shards (each an ordinary index), roots, cluster
SHARDS_FOLDER = "shards"


class ShardsRecord:
    """A sharded index's top folder: `SHARDS` (JSON: shard count, shard folders relative to the top folder,
    roots, the cluster's address if one was given, schema version) and `shards/00`, `shards/01`, ... each
    an ordinary newsgrep index. A file belongs to the shard `shard_of(path, count)` names."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    @staticmethod
    def at(path: str | os.PathLike) -> bool:
        return (Path(path) / SHARDS).is_file()

    def create(self, count: int, cluster: str | None) -> None:
        if count < 1:
            raise ValueError("a sharded index has one shard or more")
        shards = [f"{SHARDS_FOLDER}/{n:02d}" for n in range(count)]
        self.path.mkdir(parents=True, exist_ok=True)
        self.write({"shards": shards, "count": count, "roots": [], "cluster": cluster})

    def read(self) -> dict:
        from newsgrep.store.schema import SCHEMA_VERSION

        try:
            record = json.loads((self.path / SHARDS).read_text())
            count, shards = int(record["count"]), list(record["shards"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexIncompatible(f"the sharded index at {self.path} is damaged ({SHARDS}: {exc})") from None
        if count != len(shards) or record.get("schema") != SCHEMA_VERSION:
            raise IndexIncompatible(
                f"the sharded index at {self.path} was written by an incompatible version of newsgrep "
                f"(schema {record.get('schema')}, this version reads {SCHEMA_VERSION}): build it again"
            )
        return record

    def write(self, record: dict) -> None:
        from newsgrep.store.schema import SCHEMA_VERSION

        _write_atomic(self.path / SHARDS, json.dumps({**record, "schema": SCHEMA_VERSION}, indent=1) + "\n")

    def shard_paths(self) -> list[Path]:
        return [self.path / shard for shard in self.read()["shards"]]


def shard_of(path: str, count: int) -> int:
    """The shard a file belongs to: a hash of its absolute path that every process and machine agrees on
    (Python's `hash()` of a str differs from one process to the next)."""
    import hashlib

    digest = hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count
