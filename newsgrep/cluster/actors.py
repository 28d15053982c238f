"""Shards held by Dask actors, one per shard, spread over the cluster's workers: a question to a shard is
one round trip to its actor (a pinned task costs ~20 ms more). An actor whose worker died is created
again, on any worker, at the next question (the shard's files are on a filesystem all workers see)."""

from __future__ import annotations

from typing import Any


class ShardActor:
    """A newsgrep.search.shard.Shard open on a worker, asked by name."""

    def __init__(self, path: str, weighting):
        from newsgrep.search.shard import Shard

        self.shard = Shard(path, weighting)

    def call(self, method: str, args: tuple, kwargs: dict) -> Any:
        return getattr(self.shard, method)(*args, **kwargs)


class ActorShards:
    def __init__(self, address: str, paths: list[str], weighting, budget: float):
        from newsgrep.cluster.connect import open_client

        self.client = open_client(address)
        self.paths, self.weighting, self.budget = paths, weighting, budget
        self.count = len(paths)
        self.actors: list[Any] = [None] * self.count
        self.missing: set[int] = set()

    def _actor(self, number: int):
        if self.actors[number] is None:
            workers = sorted(self.client.scheduler_info()["workers"])
            place = [workers[number % len(workers)]] if workers else None
            future = self.client.submit(
                ShardActor, self.paths[number], self.weighting, actor=True, workers=place, allow_other_workers=True
            )
            self.actors[number] = future.result(timeout=self.budget)
        return self.actors[number]

    def ask(self, method: str, *args, shards: dict[int, tuple] | None = None, **kwargs) -> dict[int, Any]:
        wanted = shards if shards is not None else {n: args for n in range(self.count)}
        pending = {}
        for number, own in wanted.items():
            if number in self.missing:  # it did not answer earlier in this search: not waited for again
                continue
            try:
                pending[number] = self._actor(number).call(method, own, kwargs)
            except Exception:
                self._lost(number)
        answers = {}
        for number, future in pending.items():
            try:
                answers[number] = future.result(timeout=self.budget)
            except TimeoutError:
                self.missing.add(number)
            except Exception:  # its worker died: the actor is made again next time
                self._lost(number)
        return answers

    def _lost(self, number: int) -> None:
        self.missing.add(number)
        self.actors[number] = None

    def close(self) -> None:
        self.actors = [None] * self.count
        self.client.close()
