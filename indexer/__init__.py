"""newsgrep's indexing pipeline: files -> sources -> extract -> passages -> documents -> segments -> commit.

    build.py      build_index: the lock, the generation, the run     plan.py     which files are new, changed, gone
    pipeline.py   batches through load, clean, index, commit         batch.py    one batch: read, clean, commit
    workers.py    worker processes that write segments               report.py   what a run did
    sources.py    files found and read, handed to their format       extract.py  clean articles (title, date, ...)
    page_furniture.py / learnt_furniture.py   furniture by rules / learnt from a site's articles
    dates.py      dates in articles     passages.py   passages      documents.py  articles -> Whoosh documents
    check.py      `newsgrep check`      watch.py      `newsgrep watch`

It reads files through newsgrep.formats and writes the index through newsgrep.store; it never imports
newsgrep.search.
"""
