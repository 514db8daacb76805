"""Experiment (not shipped): re-ranking the head of the hybrid blend with a learned linear model.

Measured with `bench/train_rerank.py` on held-out training pairs: the best weights (MRR@10
coordinate ascent) moved the blend's MRR@10 by +0.004 on the fitting packages and +0.002 on the
checking packages, within noise, so the product keeps the plain blend. Kept here so the
experiment can be re-run (for instance after an embedder change).

The blend (`SearchService._blend`) adds each list's scaled score; it cannot see evidence that
no single retriever scores, such as the query's words being the very name the snippet defines
(`"python check if a variable is iterable"` -> `def is_iterable(...)`), or the two lists
agreeing. A pairwise logistic model over a dozen such features reorders the blend's top
`RERANK_DEPTH`; everything below keeps the blend's order, so the cost is bounded (a few
microseconds a candidate) whatever the library's size.

Were it shipped, the weights would be data (`grammars/rerank.json`), learnt by
`bench/train_rerank.py` on held-out training pairs (packages the embedder never saw), never on
the eval sets; without the file, or when its feature list does not match, `rerank` keeps the
blend's order.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from pieces_lsp.resources import grammars_dir
from pieces_lsp.search import text

if TYPE_CHECKING:
    from pieces_lsp.search.index import SnippetIndex
    from pieces_lsp.search.retrievers import Query, Retrieved

RERANK_DEPTH = 30
"""How many of the blend's best are re-scored: the right answer is in the blend's top 30 for
most queries that find it at all, and the model is only trained on that head."""

FEATURES = (
    "fused",
    "fused_rank",
    "fulltext",
    "fulltext_rank",
    "neural",
    "neural_rel",
    "neural_rank",
    "fuzzy",
    "name",
    "name_all",
    "title",
    "tags",
    "length",
)
"""The feature vector, in the order of the weights file."""

_DEFINED = re.compile(
    r"\b(?:def|class|function|func|fn|fun|sub|proc|procedure)\s+([A-Za-z_$][\w$]*)"
)
_HEAD_CHARS = 2000


def defined_name(content: str) -> str | None:
    """The first name a snippet defines (`def`, `class`, `function`, ...), if any."""
    m = _DEFINED.search(content[:_HEAD_CHARS])
    return m.group(1) if m else None


def _rank_feature(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (1.0 + rank)


def features(
    index: SnippetIndex,
    query: Query,
    lists: Sequence[Retrieved],
    fused: Sequence[tuple[int, float]],
) -> np.ndarray:
    """(len(fused), len(FEATURES)) float32: one row per candidate, in `fused`'s order."""
    by_name = {rl.name: rl for rl in lists}
    pos: dict[str, dict[int, tuple[int, float]]] = {
        name: {d: (r, s) for r, (d, s) in enumerate(rl.ranking)} for name, rl in by_name.items()
    }
    ft_top = (
        max((s for _, s in by_name["fulltext"].ranking), default=0.0)
        if "fulltext" in by_name
        else 0.0
    )
    nn = by_name.get("neural")
    nn_top = nn.ranking[0][1] if nn is not None and nn.ranking else 0.0
    qterms = {t for t, _ in query.terms}
    out = np.zeros((len(fused), len(FEATURES)), dtype=np.float32)
    for row, (d, score) in enumerate(fused):
        doc = index.by_num(d)
        ft_r, ft_s = pos.get("fulltext", {}).get(d, (None, 0.0))
        nn_r, nn_s = pos.get("neural", {}).get(d, (None, 0.0))
        _, fz_s = pos.get("fuzzy", {}).get(d, (None, 0.0))
        name_terms = _name_terms(defined_name(doc.snippet.content) or "")
        hit = len(qterms & name_terms)
        out[row] = (
            score,
            _rank_feature(row),
            ft_s / ft_top if ft_top > 0.0 else 0.0,
            _rank_feature(ft_r),
            nn_s,
            nn_s / nn_top if nn_top > 0.0 else 0.0,
            _rank_feature(nn_r),
            fz_s,
            hit / len(qterms) if qterms else 0.0,
            1.0 if name_terms and hit == len(name_terms) else 0.0,
            len(qterms & doc.title_terms) / len(qterms) if qterms else 0.0,
            len(qterms & doc.tag_terms) / len(qterms) if qterms else 0.0,
            math.log1p(len(doc.snippet.content)) / 10.0,
        )
    return out


@lru_cache(maxsize=4096)
def _name_terms(name: str) -> frozenset[str]:
    return frozenset(text.terms(name)) if name else frozenset()


@lru_cache(maxsize=1)
def _weights() -> np.ndarray | None:
    path = grammars_dir() / "rerank.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tuple(data.get("features", ())) != FEATURES:
        return None
    return np.asarray(data["weights"], dtype=np.float32)


def rerank(
    index: SnippetIndex,
    query: Query,
    lists: Sequence[Retrieved],
    fused: list[tuple[int, float]],
    weights: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """`fused` with its head re-ordered by the model; scores stay in 0..1 and descending (the
    head's scores are the blend's own head scores handed out in the new order, so nothing
    below the head can overtake it and what a score means does not change)."""
    w = _weights() if weights is None else weights
    if w is None or len(fused) < 2:
        return fused
    head = fused[:RERANK_DEPTH]
    x = features(index, query, lists, head)
    order = np.argsort(-(x @ w), kind="stable")
    return [(head[i][0], head[k][1]) for k, i in enumerate(order)] + fused[RERANK_DEPTH:]
