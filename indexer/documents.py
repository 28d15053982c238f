"""Turns clean articles into Whoosh documents: the body analysed once, its passages placed on the
token positions, the key terms and the near-duplicate signature. The writer calls this in-process for
small batches; indexing worker processes call it for big ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from indexer.duplicates import pack, signature
from indexer.passages import split_passages
from indexer.records import Article, Passage

KEY_TERMS = 40


@dataclass(frozen=True)
class Indexed:
    """What the manifest keeps of an article once it is in a segment."""

    id: str
    passages: int
    signature: bytes  # packed (indexer.duplicates.pack): a tenth of the memory of the list


def add_articles(writer, articles: list[Article], analyzer) -> list[Indexed]:
    """Adds each article as one document to a Whoosh writer."""
    indexed = []
    for article in articles:
        # The body is analysed once, here: Whoosh indexes the list of words (positions 0, 1, ...),
        # the headline's words first (so that a plain search of the body field finds them; they
        # belong to no passage).
        heading = [(t.text, -1) for t in analyzer(article.title)] if article.titled else []
        tokens = heading + [(t.text, t.startchar) for t in analyzer(article.body, chars=True)]
        words = [word for word, _ in tokens]
        passages = split_passages(article, [(position, start) for position, (_, start) in enumerate(tokens)])
        _add_document(writer, article, words, passages, key_terms(words))
        indexed.append(Indexed(article.id, len(passages), pack(signature(words))))
    return indexed


def key_terms(words: list[str], count: int = KEY_TERMS) -> list[tuple[str, int]]:
    """The article's most frequent stems with their counts (ties: first seen first)."""
    return Counter(words).most_common(count)


def _add_document(
    writer, article: Article, words: list[str], passages: list[Passage], terms: list[tuple[str, int]]
) -> None:
    fields = {
        "id": article.id,
        "terms": terms,
        "file": article.path,
        "title": article.title if article.titled else "",
        "body": words,  # already analyzed: Whoosh indexes a list of words as they are
        "_stored_body": article.body,
        "passages": [(p.start, p.end, p.first_pos, p.length) for p in passages],
        "path": article.path,
        "key": article.key,
    }
    if not article.titled:
        fields["_stored_title"] = article.title
    if article.date is not None:
        fields["date"] = article.date
    if article.source:
        fields["source"] = article.source
        fields["outlet"] = article.source.lower()
    if article.byline:
        fields["byline"] = article.byline
    writer.add_document(**fields)
