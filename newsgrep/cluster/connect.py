"""A Dask client: to the cluster at an address (--cluster, $NEWSGREP_CLUSTER, or the one the index
records), or to a LocalCluster on this machine started for the run. Everything it starts listens on
127.0.0.1 only, its dashboard included."""

from __future__ import annotations

import contextlib
import os

from newsgrep.errors import NewsgrepError

CONNECT_SECONDS = 20


class ClusterError(NewsgrepError):
    pass


def cluster_address(explicit: str | None, recorded: str | None = None) -> str | None:
    """--cluster, else $NEWSGREP_CLUSTER, else the address the index records (None: a local cluster)."""
    return explicit or os.environ.get("NEWSGREP_CLUSTER") or recorded or None


def _dask():
    try:
        import distributed
    except ImportError:
        raise ClusterError("a sharded index needs Dask: pip install 'newsgrep[cluster]'") from None
    return distributed


def open_client(address: str, security=None):
    """A Client to the scheduler at `address` (the caller closes it)."""
    distributed = _dask()
    try:
        return distributed.Client(address, timeout=CONNECT_SECONDS, security=security)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


@contextlib.contextmanager
def client(address: str | None, workers: int | None = None, security=None):
    """A dask.distributed Client to `address`, or to a LocalCluster of `workers` single-threaded worker
    processes (default: one per core) on 127.0.0.1, closed afterwards."""
    distributed = _dask()
    if address:
        dask_client = open_client(address, security)
        try:
            yield dask_client
        finally:
            dask_client.close()
        return
    cluster = distributed.LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,  # logging.ERROR
    )
    try:
        with distributed.Client(cluster) as dask_client:
            yield dask_client
    finally:
        cluster.close()
