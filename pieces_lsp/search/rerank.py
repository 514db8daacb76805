"""Token matching: the hybrid's head re-ranked by how well each query word finds its match.

A snippet's vector is the average of its tokens, so one strong match ("iterable") is diluted by
everything else the snippet says, and two snippets about the same topic score alike whether or
not they do what the query asks. Late interaction (ColBERT's MaxSim) scores each query token
against its best-matching token of the snippet instead, weighted by how much the token matters
to the query, and averages that. It is too slow for a whole library but cheap for the top
RERANK_DEPTH of the blend: the snippets' token vectors come from the same embedder (its document
tower, one vector per vocabulary entry, computed once), and their token ids are cached.

The depth and the weight were chosen on held-out training pairs (`bench/tune_hybrid.py
--rerank`), never on the eval sets: hybrid MRR@10 0.622 -> 0.630 there with the blend as it was
(0.634 -> 0.641 on the second held-out group), 0.633 (0.642) with neural weighing 2.0; flat from
depth 30 to 50, best at weight 0.5 of 0.3-1.0.

The embedder reads these vectors from a trained matching head when its graph has one
(models/embed/match.py). The head trained in session 8 won on both held-out groups (0.633 ->
0.639, 0.642 -> 0.649 at weight 1.0) but not on CoSQA (hybrid 0.469 -> 0.462, CoNaLa 0.635 ->
0.639), so the shipped graph has none; see models/embed/MODEL_CARD.md.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

RERANK_DEPTH = 30
TOKEN_MATCH_WEIGHT = 0.5
_CACHE_SIZE = 4096
"""Token ids kept per snippet text (a few KB each): the same snippets head many searches."""


class TokenMatcher:
    """MaxSim scores of a query against snippets, with the snippets' token ids cached by the key
    of the text they were read from (so an edited snippet is tokenized again)."""

    def __init__(self, embedder: Any) -> None:
        self._embedder = embedder
        self._ids: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _token_ids(self, docs: Sequence[tuple[str, Callable[[], str]]]) -> list[np.ndarray]:
        got: dict[str, np.ndarray] = {}
        with self._lock:
            for key, _ in docs:
                ids = self._ids.get(key)
                if ids is not None:
                    self._ids.move_to_end(key)
                    got[key] = ids
        missing = [(key, text) for key, text in docs if key not in got]
        if missing:  # tokenized outside the lock: other searches need not wait
            fresh = self._embedder.token_ids([text() for _, text in missing])
            with self._lock:
                for (key, _), ids in zip(missing, fresh, strict=True):
                    got[key] = self._ids[key] = ids
                while len(self._ids) > _CACHE_SIZE:
                    self._ids.popitem(last=False)
        return [got[key] for key, _ in docs]

    def scores(self, query: str, docs: Sequence[tuple[str, Callable[[], str]]]) -> list[float]:
        """For each (text key, text) snippet: the query's tokens' best cosines with its tokens,
        weighted by the query tokens' weights (0..1; 0 for a snippet or query without words)."""
        if not docs:
            return []
        qv, qw = self._embedder.query_tokens(query)
        if not len(qw):
            return [0.0] * len(docs)
        vocab = self._embedder.document_token_vectors()
        ids = self._token_ids(docs)
        sizes = [len(x) for x in ids]
        out = [0.0] * len(docs)
        if not sum(sizes):
            return out
        sims = qv @ vocab[np.concatenate(ids)].T  # (query tokens, all snippets' tokens)
        starts = np.cumsum([0, *sizes[:-1]])
        nonempty = [i for i, n in enumerate(sizes) if n]
        best = np.maximum.reduceat(sims, starts[nonempty], axis=1)  # per snippet
        for col, i in enumerate(nonempty):
            out[i] = max(0.0, float(best[:, col] @ qw))
        return out


def rerank(
    ranking: list[tuple[int, float]],
    matches: Callable[[list[int]], list[float]],
    *,
    depth: int = RERANK_DEPTH,
    weight: float = TOKEN_MATCH_WEIGHT,
) -> tuple[list[tuple[int, float]], dict[int, float]]:
    """The ranking with its head re-scored as (score + weight x token match) / (1 + weight),
    and each head document's token match. The tail is scaled the same way with a match of 0,
    so it stays below any head document; scores stay in 0..1."""
    head = ranking[:depth]
    if not head or weight <= 0.0:
        return ranking, {}
    got = matches([d for d, _ in head])
    found = dict(zip((d for d, _ in head), got, strict=True))
    scale = 1.0 / (1.0 + weight)
    rescored = [(d, (s + weight * found[d]) * scale) for d, s in head]
    rescored.sort(key=lambda ds: -ds[1])
    return rescored + [(d, s * scale) for d, s in ranking[depth:]], found
