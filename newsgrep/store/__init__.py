"""The room that owns the index on disk, imported by both pipelines (neither imports the other).

layout.py           the index directory: generations, FORMAT, CURRENT, the writer's lock
schema.py           the Whoosh schema, its field names, the stored-passage record, article ids
analysis.py         the analyzer pickled into the schema (its module path is part of the format)
manifest.py         roots, indexed files, learnt-furniture counts, near-duplicate signatures (SQLite)
duplicates.py       the near-duplicate signature format and its LSH bands
whoosh_internals.py every call into Whoosh's private API, each saying what it replaces and why
stats.py            what an index holds (`newsgrep stats`)
"""
