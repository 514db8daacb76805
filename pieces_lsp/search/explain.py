"""The `why` of a hit: a short sentence a person can check at a glance.

Built from what the index already knows about the hit (its title, tag and description terms,
whether the code contains a term, and the fuzzy matcher's word pairs), so explaining costs
nothing like a second search. Only query words and vocabulary words appear in it, never code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from pieces_lsp.search import text
from pieces_lsp.search.fuzzy import WordMatch
from pieces_lsp.search.index import IndexedDoc, SnippetIndex
from pieces_lsp.search.retrievers import Query

MAX_WORDS = 3
MAX_PARTS = 3


def _quoted(words: Sequence[str]) -> str:
    unique: list[str] = []
    for w in words:
        if w.lower() not in (u.lower() for u in unique):
            unique.append(w)
    return ", ".join(f'"{w}"' for w in unique[:MAX_WORDS])


def _term_parts(
    index: SnippetIndex, doc: IndexedDoc, terms: Sequence[tuple[str, str]]
) -> tuple[list[str], set[str]]:
    """Explanations for exact term matches, by field (title, tag, description, code), and the
    query words they covered."""
    parts: list[str] = []
    covered: set[str] = set()
    title = [w for t, w in terms if t in doc.title_terms]
    if title:
        parts.append(f"title matches {_quoted(title)}")
        covered.update(w.lower() for w in title)
    wanted = {t for t, _ in terms}
    tags = [tag for tag in doc.snippet.tags if wanted.intersection(text.terms(tag))]
    if tags:
        parts.append(("tags " if len(tags) > 1 else "tag ") + ", ".join(tags[:MAX_WORDS]))
        tag_terms = {t for tag in tags for t in text.terms(tag)}
        covered.update(w.lower() for t, w in terms if t in tag_terms)
    desc = [w for t, w in terms if t in doc.description_terms and w.lower() not in covered]
    if desc:
        parts.append(f"description matches {_quoted(desc)}")
        covered.update(w.lower() for w in desc)
    code = [
        w
        for t, w in terms
        if w.lower() not in covered
        and t not in doc.title_terms
        and t not in doc.tag_terms
        and t not in doc.description_terms
        and index.fulltext.has(doc.num, t)
    ]
    if code:
        parts.append(f"code mentions {_quoted(code)}")
        covered.update(w.lower() for w in code)
    return parts, covered


NEURAL_RANK_SHOWN = 10


def explain(
    index: SnippetIndex,
    doc: IndexedDoc,
    query: Query,
    matches: Mapping[int, list[WordMatch]],
    neural: tuple[int, float] | None = None,
) -> str:
    parts, covered = _term_parts(index, doc, query.terms)
    if neural is not None and neural[0] <= NEURAL_RANK_SHOWN:
        parts.insert(0, f"meaning matches (rank {neural[0]}, similarity {neural[1]:.2f})")
    fuzzy = [
        m
        for m in matches.get(doc.num, [])
        if m.similarity < 1.0 and m.query_word not in covered and m.matched not in covered
    ]
    if fuzzy:
        parts.append(", ".join(f'"{m.query_word}" ≈ {m.matched}' for m in fuzzy[:MAX_WORDS]))
    elif not parts and matches.get(doc.num):
        words = [m.query_word for m in matches[doc.num]]
        parts.append(f"names match {_quoted(words)}")
    return ", ".join(parts[:MAX_PARTS]) or "related wording"


def explain_completion(
    index: SnippetIndex,
    doc: IndexedDoc,
    terms: Sequence[tuple[str, str]],
    language: str | None,
    now: datetime,
    relevance: float | None,
) -> str:
    parts: list[str] = []
    if relevance:
        found, _ = _term_parts(index, doc, terms)
        parts.extend(found[:2] or ["matches the word at the cursor"])
    if language and doc.snippet.language == language:
        parts.append(f"same language ({language})")
    uses = doc.snippet.inserted_count
    if uses > 0:
        parts.append(f"used {uses} time{'s' if uses != 1 else ''}")
    elif doc.usage(now) > 0.0:
        parts.append("used recently")
    return ", ".join(parts) or "in your library"
