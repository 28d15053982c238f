"""A real Dask cluster on 127.0.0.1 for the sharded-index tests: a `dask scheduler` and `dask worker`
processes (each with its nanny, which restarts a killed worker), on free ports, dashboards on loopback,
stopped by the test that started them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class DaskCluster:
    def __init__(self, folder: Path, workers: int = 2):
        self.folder = folder
        self.port = free_port()
        self.address = f"tcp://{LOOPBACK}:{self.port}"
        dask = str(Path(sys.executable).with_name("dask"))
        env = dict(os.environ)
        common = ["--dashboard-address", f"{LOOPBACK}:0"]
        self.scheduler = self._start(
            [dask, "scheduler", "--host", LOOPBACK, "--port", str(self.port), *common], "scheduler", env
        )
        self.workers = [
            self._start(
                [dask, "worker", self.address, "--host", LOOPBACK, "--nthreads", "1", "--name", f"w{n}", *common],
                f"worker{n}",
                env,
            )
            for n in range(workers)
        ]
        self.wait_for(workers)

    def _start(self, command: list[str], name: str, env) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def wait_for(self, workers: int, timeout: float = 90) -> None:
        from distributed import Client

        with Client(self.address, timeout=timeout) as client:
            client.wait_for_workers(workers, timeout=timeout)

    def worker_process(self, n: int) -> int:
        """The pid of worker `n`'s worker process (the child of its nanny)."""
        import psutil

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            children = [  # the nanny's worker runs under multiprocessing (not its resource tracker)
                c
                for c in psutil.Process(self.workers[n].pid).children(recursive=True)
                if "spawn_main" in " ".join(c.cmdline())
            ]
            if children:
                return children[-1].pid
            time.sleep(0.2)
        raise AssertionError(f"worker {n} has no worker process")

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            try:
                os.killpg(process.pid, signal.SIGCONT)
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in [*self.workers, self.scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
