"""Child processes measured: wall time, CPU time, and the peak RSS/PSS of the whole process tree (sampled
from /proc, children included), plus the kernel's max RSS of the largest single process."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

from harness import BenchError

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_RUNNING: set[int] = set()  # process groups of children in flight (killed if the benchmark is interrupted)


@dataclass
class Run:
    cmd: list[str]
    rc: int
    wall: float
    stdout: str
    stderr: str
    cpu: float = 0.0  # user + system seconds of the process and its waited-for descendants
    peak_rss: int = 0  # bytes, sampled sum over the process tree
    peak_pss: int = 0
    maxrss: int = 0  # bytes, the kernel's max RSS of the largest single process in the tree
    procs: int = 0

    def check(self, what: str) -> Run:
        """The run itself, unless it failed (exit status other than 0 or 1): then BenchError."""
        if self.rc not in (0, 1):
            tail = (self.stderr or self.stdout).strip().splitlines()[-3:]
            raise BenchError(f"{what} failed (exit {self.rc}): {' | '.join(tail)}\n  command: {shlex.join(self.cmd)}")
        return self

    def json_line(self) -> dict:
        """The last JSON object printed on a line of stdout ({} if none)."""
        for line in reversed(self.stdout.strip().splitlines()):
            with contextlib.suppress(ValueError):
                value = json.loads(line)
                if isinstance(value, dict):
                    return value
        return {}


class TreeSampler(threading.Thread):
    """Samples the summed RSS (and PSS: shared pages counted once) of a process and its descendants."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = self.max_procs = 0
        self.halt = threading.Event()

    def run(self) -> None:
        while True:
            sizes = [_rss_pss(p) for p in _tree(self.pid)]
            self.peak_rss = max(self.peak_rss, sum(s[0] for s in sizes))
            self.peak_pss = max(self.peak_pss, sum(s[1] for s in sizes))
            self.max_procs = max(self.max_procs, sum(1 for s in sizes if s[0]))
            if self.halt.wait(self.interval):
                return


def run_measured(cmd: list[str], env: dict[str, str], timeout: float, cwd: str | None = None) -> Run:
    """Runs cmd to completion, sampling its process tree; kills its process group after `timeout` s."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True)
        _RUNNING.add(proc.pid)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.halt.set()
            sampler.join()
            _RUNNING.discard(proc.pid)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(cmd, proc.returncode, wall, out.read(), err.read())
    run.cpu = usage.ru_utime + usage.ru_stime
    run.maxrss = usage.ru_maxrss * 1024
    run.peak_rss, run.peak_pss, run.procs = sampler.peak_rss, sampler.peak_pss, sampler.max_procs
    if run.rc == -signal.SIGKILL and wall >= timeout:
        raise BenchError(f"timed out after {timeout:.0f} s: {shlex.join(cmd)}")
    return run


def run_quick(cmd: list[str], env: dict[str, str], timeout: float = 120) -> tuple[float, int, str, float]:
    """(wall s, exit code, stderr, CPU s) of one short process, its output read through a pipe (as a pager
    or a script would). CPU is user + system time of the process and its children (children of this
    benchmark run one at a time, so the RUSAGE_CHILDREN difference is this process's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, done.returncode, done.stderr, cpu


def kill_running() -> None:
    """Kills the process groups of measured children still running (the benchmark was interrupted)."""
    for pgid in list(_RUNNING):
        _kill_group(pgid)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += _children(p)
    return pids


def _rss_pss(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0, 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pss = rss
    return rss, pss
