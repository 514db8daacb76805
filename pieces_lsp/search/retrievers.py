"""Retrievers: one per way of matching a query, each returning its own ranked list.

`SearchService` runs one retriever per search mode and blends several for "hybrid". The
neural embedder will be a third `Retriever` registered beside these two: nothing else in the
service has to change for it to join the blend.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol

from pieces_lsp.search import text
from pieces_lsp.search.fuzzy import WordMatch
from pieces_lsp.search.index import SnippetIndex


@dataclass(frozen=True, slots=True)
class Query:
    """A query analysed once for every retriever."""

    raw: str
    terms: list[tuple[str, str]]
    """(index term, the query word it came from) for full text."""
    words: list[str]
    """Lower-cased words and identifier parts for fuzzy matching."""

    @classmethod
    def parse(cls, raw: str) -> Query:
        words = sorted(text.fuzzy_words(raw), key=raw.lower().find)
        content_words = [w for w in words if w not in text.STOP_WORDS]
        return cls(raw=raw, terms=text.query_terms(raw), words=content_words or words)


@dataclass(slots=True)
class Retrieved:
    """A ranked list of (document number, score 0..1), best first, plus per-document notes a
    retriever can give to explain its matches."""

    name: str
    ranking: list[tuple[int, float]]
    matches: dict[int, list[WordMatch]] = field(default_factory=dict)


class Retriever(Protocol):
    name: str

    def retrieve(
        self, index: SnippetIndex, query: Query, allowed: AbstractSet[int] | None, depth: int
    ) -> Retrieved: ...


class FullTextRetriever:
    """BM25 over title, description, tags, split identifiers and code words."""

    name = "fulltext"

    def retrieve(
        self, index: SnippetIndex, query: Query, allowed: AbstractSet[int] | None, depth: int
    ) -> Retrieved:
        weighted = [(t, 1.0) for t, _ in query.terms]
        bound = index.fulltext.upper_bound(weighted)
        if bound <= 0.0:
            return Retrieved(self.name, [])
        top = index.fulltext.top(
            weighted, depth, allowed, max_postings=index.fulltext.pruning_threshold()
        )
        return Retrieved(self.name, [(d, min(1.0, s / bound)) for d, s in top])


FUZZY_COMMON_MIN = 200


class FuzzyRetriever:
    """Typo-tolerant word matching on titles, tags, descriptions and identifiers."""

    name = "fuzzy"

    def retrieve(
        self, index: SnippetIndex, query: Query, allowed: AbstractSet[int] | None, depth: int
    ) -> Retrieved:
        # A word in a tenth of the library (the language tag, "data") hardly tells snippets
        # apart, and scoring it touches all of them: skip it once the library is large (the
        # same cut completion makes).
        common = max(FUZZY_COMMON_MIN, len(index) // 10)
        found = index.fuzzy.scores(query.words, allowed, max_docs=common)
        top = found.top(depth)
        return Retrieved(self.name, top, found.matches_for([d for d, _ in top]))
