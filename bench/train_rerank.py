"""Learn weights for the experimental hybrid re-ranker (bench/rerank_features.py) on held-out
training pairs. Not shipped: see that module for the figures.

The candidates are exactly what the service re-ranks: the head of its own blend (current
constants) for each query of `tune_hybrid.py`'s held-out views (summaries rewritten as web
questions, and as written, over those packages' functions saved as snippets). The model is a
pairwise logistic regression (right answer minus each other candidate, no bias, light L2),
fitted by Newton's method in numpy. It is fitted on `tune_hybrid.HELD_OUT` and checked on
`tune_hybrid.CHECK` (other held-out packages); the eval sets in ../shared/evals are never read.

    python bench/train_rerank.py [PAIRS] [--limit 3000] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

_REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_REPO / "bench"))

import rerank_features as rr  # noqa: E402
import tune_hybrid as th  # noqa: E402

from pieces_lsp.search import neural as neural_module  # noqa: E402
from pieces_lsp.search.retrievers import Retrieved  # noqa: E402

L2 = 1.0


def candidates(pairs: str, packages: str, limit: int):
    """Per query: (features of the blend's head, index of the right one or -1, the head)."""
    rows = th.held_out(pairs, packages, limit)
    floor = neural_module.MIN_SIMILARITY
    svc, index, data = th.collect(rows, th.views_for(rows))
    out = []
    for got in data.values():
        for parsed, (ft, fz, nn), right in got:
            nn = Retrieved(nn.name, [(d, s) for d, s in nn.ranking if s >= floor])
            lists = [ft, fz, nn]
            head = svc._blend(index, parsed, lists)[: rr.RERANK_DEPTH]
            x = rr.features(index, parsed, lists, head)
            pos = next((i for i, (d, _) in enumerate(head) if d in right), -1)
            out.append((x, pos))
    neural_module.MIN_SIMILARITY = floor
    return out


def _obj(items: list) -> np.ndarray:
    arr = np.empty(len(items), dtype=object)
    arr[:] = items
    return arr


def fit(data) -> np.ndarray:
    diffs = np.concatenate(
        [x[pos][None, :] - np.delete(x, pos, axis=0) for x, pos in data if pos >= 0 and len(x) > 1]
    ).astype(np.float64)
    w = np.zeros(diffs.shape[1])
    for _ in range(30):
        z = diffs @ w
        p = 1.0 / (1.0 + np.exp(-z))
        grad = diffs.T @ (p - 1.0) + L2 * w
        hess = (diffs * (p * (1 - p))[:, None]).T @ diffs + L2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def fit_mrr(data, passes: int = 4) -> np.ndarray:
    """Coordinate ascent on MRR@10 itself, starting from the blend's own order (the `fused`
    feature alone): each pass tries, feature by feature, a grid of weights relative to the
    blend's and keeps a change only when it helps. Pairwise logistic loss weighs every pair
    alike and so trades the first ranks for deep ones; this optimises the measured figure."""
    stack = [(x, pos) for x, pos in data if pos >= 0]
    n_all = len(data)
    w = np.zeros(stack[0][0].shape[1])
    w[rr.FEATURES.index("fused")] = 1.0

    def score(v: np.ndarray) -> float:
        return mrr(stack, v) * len(stack) / n_all

    best = score(w)
    grid = (-1.0, -0.5, -0.25, -0.1, -0.05, 0.0, 0.05, 0.1, 0.25, 0.5, 1.0)
    for _ in range(passes):
        improved = False
        for k in range(len(w)):
            if rr.FEATURES[k] == "fused":
                continue
            for g in grid:
                v = w.copy()
                v[k] = g
                got = score(v)
                if got > best + 1e-4:
                    best, w, improved = got, v, True
        if not improved:
            break
    return w


def mrr(data, w: np.ndarray | None) -> float:
    total = 0.0
    for x, pos in data:
        if pos < 0:
            continue
        rank = pos if w is None else int((x @ w > x[pos] @ w).sum())
        total += 1.0 / (rank + 1) if rank < 10 else 0.0
    return total / len(data)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("pairs", nargs="?", default="/work/cache/embed/pairs.jsonl")
    p.add_argument("--limit", type=int, default=3000)
    p.add_argument("--write", action="store_true", help="write grammars/rerank.json")
    p.add_argument("--method", choices=("mrr", "pairwise"), default="mrr")
    p.add_argument("--cache", default="", help="keep the candidates in this .npz between runs")
    args = p.parse_args(argv)
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=True) as z:
            train, check = list(z["train"]), list(z["check"])
    else:
        train = candidates(args.pairs, th.HELD_OUT, args.limit)
        check = candidates(args.pairs, th.CHECK, args.limit)
        if cache is not None:
            np.savez(cache, train=_obj(train), check=_obj(check))
    w = fit_mrr(train) if args.method == "mrr" else fit(train)
    print(f"{len(train)} fitting queries, {len(check)} checking queries")
    print(f"fit:   blend MRR@10 {mrr(train, None):.4f} -> re-ranked {mrr(train, w):.4f}")
    print(f"check: blend MRR@10 {mrr(check, None):.4f} -> re-ranked {mrr(check, w):.4f}")
    for name, value in zip(rr.FEATURES, w, strict=True):
        print(f"  {name:14s} {value:+.3f}")
    if args.write:
        out = _REPO / "grammars" / "rerank.json"
        data = {
            "about": "hybrid search re-ranker (pieces_lsp/search/rerank.py), fitted by "
            "bench/train_rerank.py on held-out training pairs",
            "features": list(rr.FEATURES),
            "weights": [round(float(v), 5) for v in w],
            "check_mrr10": {
                "blend": round(mrr(check, None), 4),
                "reranked": round(mrr(check, w), 4),
            },
        }
        out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
