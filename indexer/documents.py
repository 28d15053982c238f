"""Turns clean articles into Whoosh documents: the body analysed once, its passages placed on the
token positions, the key terms and the near-duplicate signature. The writer calls this in-process for
small batches; indexing worker processes call it for big ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from newsgrep.indexer.passages import split_passages
from newsgrep.indexer.records import Article
from newsgrep.store import duplicates
from newsgrep.store.analysis import analysed_words
from newsgrep.store.schema import STORED_KEY_TERMS, StoredPassage, document_fields


@dataclass(frozen=True)
class Indexed:
    """What the manifest keeps of an article once it is in a segment."""

    id: str
    passages: int
    signature: bytes  # packed (duplicates.pack): a tenth of the memory of the list


PROGRESS_EVERY = 50  # articles between two calls of `on_written`


def add_articles(
    writer, articles: list[Article], analyzer, on_written: Callable[[int], None] | None = None
) -> list[Indexed]:
    """Adds each article as one document to a Whoosh writer; `on_written(n)` hears of every n added."""
    indexed = []
    for number, article in enumerate(articles, 1):
        # The body is analysed once, here: Whoosh indexes the list of words (positions 0, 1, ...),
        # the headline's words first (so that a plain search of the body field finds them; they
        # belong to no passage).
        heading = [(w, -1, stop) for w, _, stop in analysed_words(analyzer, article.title)] if article.titled else []
        tokens = heading + analysed_words(analyzer, article.body)
        words = [word for word, _, _ in tokens]
        content = [word for word, _, stopped in tokens if not stopped]  # key terms and copies: no stop words
        passages = split_passages(
            article, [(position, start, stop) for position, (_, start, stop) in enumerate(tokens)]
        )
        writer.add_document(
            **document_fields(
                article_id=article.id,
                file=article.path,
                path=article.path,
                key=article.key,
                title=article.title,
                titled=article.titled,
                words=words,
                body=article.body,
                passages=[StoredPassage(p.start, p.end, p.first_pos, p.length) for p in passages],
                terms=key_terms(content),
                date=article.date,
                source=article.source,
                byline=article.byline,
                url=article.url,
                crawled=article.crawled,
            )
        )
        indexed.append(Indexed(article.id, len(passages), duplicates.pack(duplicates.signature(content))))
        if on_written and number % PROGRESS_EVERY == 0:
            on_written(PROGRESS_EVERY)
    if on_written and len(articles) % PROGRESS_EVERY:
        on_written(len(articles) % PROGRESS_EVERY)
    return indexed


def key_terms(words: list[str], count: int = STORED_KEY_TERMS) -> list[tuple[str, int]]:
    """The article's most frequent stems with their counts (ties: first seen first)."""
    return Counter(words).most_common(count)
