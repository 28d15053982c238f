"""One shard of a sharded index, as its searcher sees it: the local backend (newsgrep.search.local) and
the questions a sharded search asks each shard beyond the Backend protocol: its part of the collection
statistics, of the spelling candidates and term frequencies, and of the near-duplicate bands.

Answers are plain data (they travel from a Dask worker to the client)."""

from __future__ import annotations

from whoosh import query as wq

from newsgrep.search.local import LocalBackend
from newsgrep.store.layout import IndexDir
from newsgrep.store.manifest import Manifest


class Shard(LocalBackend):
    def __init__(self, path: str, weighting=None):
        if weighting is None:
            from newsgrep.search.settings import DEFAULT_RANKING

            weighting = DEFAULT_RANKING.weighting()
        super().__init__(IndexDir(path), weighting)

    def state(self) -> tuple[bool, bool, int]:
        """(refreshed: a commit since the last call, in its first build, documents): one round trip."""
        return self.refresh(), self.building(), self.doc_count()

    def term_statistics(self, query: wq.Query):
        """(documents, {scored field: total length}, {(field, term): document frequency}, {repr of a
        prefix, wildcard or fuzzy term: the words it stands for here}) for the terms of `query` in scored
        fields that this shard has (words, phrases' words, expanded wildcards)."""
        reader = self._searcher.reader()
        schema = reader.schema
        frequencies: dict[tuple[str, str], int] = {}
        expansions: dict[str, list[str]] = {}
        fields = set()
        for leaf in query.leaves():
            field = getattr(leaf, "fieldname", None)
            if field is None or field not in schema or not schema[field].scorable:
                continue
            fields.add(field)
            words = []
            for name, text in leaf.existing_terms(reader, phrases=True, expand=True):
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                frequencies[(name, word)] = reader.doc_frequency(name, text)
                words.append(word)
            if isinstance(leaf, wq.MultiTerm):
                expansions[repr(leaf)] = words
        lengths = {name: reader.field_length(name) for name in sorted(fields)}
        return reader.doc_count_all(), lengths, frequencies, expansions

    def collection_frequencies(self, fieldname: str, words: list[str]) -> dict[str, int]:
        """How often each word occurs in `fieldname` over this shard (those it has)."""
        reader = self._searcher.reader()
        field = reader.schema[fieldname]
        found = {}
        for word in words:
            text = field.to_bytes(word)
            if (fieldname, text) in reader:
                found[word] = reader.frequency(fieldname, text)
        return found

    def field_totals(self, fieldname: str) -> tuple[int, int]:
        reader = self._searcher.reader()
        return reader.doc_count_all(), reader.field_length(fieldname)

    def spelling(self, fieldname: str, text: str, maxdist: int, prefix: int) -> dict[str, int]:
        """{index term within `maxdist` edits of `text`: its frequency here}, as Whoosh's ReaderCorrector
        lists them."""
        reader = self._searcher.reader()
        field = reader.schema[fieldname]
        spelled = field.spelling_fieldname(fieldname)
        return {
            term: reader.frequency(fieldname, term)
            for term in reader.terms_within(spelled, text, maxdist, prefix=prefix)
        }

    def candidates_and_bands(self, query: wq.Query, limit: int, **options):
        """`candidates`, with the near-duplicate bands and signatures of the hits (`bands`): the story
        collapse that follows needs them, and they come in the same round trip."""
        found = self.candidates(query, limit, **options)
        ids = [c.article.id for c in found.hits]
        return (found, *self.bands(ids)) if ids else (found, [], {})

    def bands(self, ids: list[str]) -> tuple[list[tuple[str, int]], dict[str, list[int]]]:
        with Manifest(self.index.manifest_path(self._generation), readonly=True) as manifest:
            return manifest.bands(ids), manifest.signatures(ids)

    def band_members(self, keys: list[int]) -> tuple[list[tuple[int, str]], dict[str, list[int]]]:
        with Manifest(self.index.manifest_path(self._generation), readonly=True) as manifest:
            members = manifest.band_members(keys)
            return members, manifest.signatures(sorted({i for _, i in members}))
