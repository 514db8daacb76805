"""Blending ranked lists from different retrievers into one ranking.

Each retriever (full text, fuzzy, and later the neural embedder) returns its own list with
scores in 0..1. The blend is a weighted mean of those scores. Lists whose scores only mean
something relative to their own best (BM25 divided by its upper bound is small for long
queries) are scaled so their best is 1 first.

Reciprocal-rank fusion was measured too (bench/bench_search.py): on natural-language queries
it let the weak fuzzy list reorder the full-text top ranks (CoSQA MRR@10 0.35 -> 0.31 even at
weight 0.1), while the score blend keeps full text's order unless fuzzy has real evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RankedList:
    """One retriever's answer: (document, score 0..1) best first, and its weight in the blend."""

    name: str
    ranking: Sequence[tuple[int, float]]
    weight: float = 1.0
    relative: bool = False
    """Scale this list so that its best document scores 1 before blending."""


def blend_scores(lists: Sequence[RankedList]) -> list[tuple[int, float]]:
    """(doc, weighted mean score 0..1) best first. Lists that found nothing take no part, so a
    query only fuzzy matching can answer (all words misspelt) is not scaled down."""
    active = [rl for rl in lists if rl.ranking and rl.weight > 0.0]
    total = sum(rl.weight for rl in active)
    if not total:
        return []
    fused: dict[int, float] = {}
    first_seen: dict[int, int] = {}
    for rl in active:
        scale = 1.0
        if rl.relative:
            top = max(score for _, score in rl.ranking)
            scale = 1.0 / top if top > 0.0 else 0.0
        for doc, score in rl.ranking:
            fused[doc] = fused.get(doc, 0.0) + rl.weight * score * scale
            first_seen.setdefault(doc, len(first_seen))
    ranked = sorted(fused.items(), key=lambda kv: (-kv[1], first_seen[kv[0]]))
    return [(doc, min(1.0, score / total)) for doc, score in ranked]
