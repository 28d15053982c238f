"""newsgrep's search pipeline: query text -> parse -> candidates -> passages -> stories -> highlights -> results.

    searcher.py   the Searcher every command asks (search, similar, timeline, count_by, suggest, articles)
    backend.py    the operations an index must provide (the seam for a second backend)
    local.py      the local backend: a Whoosh index on this machine
    settings.py   every knob of the ranking (Ranking)
    parse.py / dates.py            query text -> Whoosh queries
    passage_scores.py / stories.py / highlight.py / suggest.py / timeline.py    the shared steps
    results.py    the plain results the printers print      evaluate.py   `newsgrep eval`

It reads the index through newsgrep.store and a backend; it never imports newsgrep.indexer.
"""
