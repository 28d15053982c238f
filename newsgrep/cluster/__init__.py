"""A sharded index on a Dask cluster: the connection to it (`connect`), the sharded build
(newsgrep.cluster.build) and the shards held for searching (newsgrep.cluster.actors)."""
