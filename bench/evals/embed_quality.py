"""The embedder alone: vector-only code search on CoSQA and CoNaLa, and embedding throughput.

Each function/snippet is embedded as a document, each query as a query; the ranking is cosine
over the normalised vectors (numpy), with no full-text signal, so this isolates the model. The
shipped model is compared with the plain wordllama weights it started from when
models/embed/build.py has left them in its cache (CACHE/plain, a models folder of the same
shape), and with the same input rewriting, so the difference is the training alone; and with the
previously shipped model when a copy of it is in CACHE/previous.

Throughput is snippets per second over the CoSQA functions (tokenization included), in one
thread of this process, as the server runs it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_EVALS, read_jsonl, run_alone

CACHE = Path(os.environ.get("PIECES_EMBED_CACHE", "/work/cache/embed"))
PLAIN = CACHE / "plain"
PREVIOUS = CACHE / "previous"
"""A models folder holding the previously shipped embedder (copied there by hand before a new
one replaces it), so a new model is compared with the one it replaces."""


def _ranks(q: np.ndarray, d: np.ndarray, right: np.ndarray) -> np.ndarray:
    """0-based rank of the right document for each query (ties counted against it)."""
    sims = q @ d.T
    target = sims[np.arange(len(q)), right]
    return (sims > target[:, None]).sum(axis=1)


def _quality(ranks: np.ndarray) -> dict[str, float]:
    return {
        "mrr10": float(np.mean(np.where(ranks < 10, 1.0 / (ranks + 1), 0.0))),
        "r1": float(np.mean(ranks == 0)),
        "r10": float(np.mean(ranks < 10)),
    }


def _sets(evals_dir: Path) -> dict[str, tuple[list[str], list[str], np.ndarray]]:
    corpus = read_jsonl(evals_dir / "codesearch_corpus.jsonl")
    queries = read_jsonl(evals_dir / "codesearch_queries.jsonl")
    pos = {r["code_id"]: i for i, r in enumerate(corpus)}
    conala = read_jsonl(evals_dir / "codesearch_conala.jsonl")
    return {
        "CoSQA": (
            [r["code"] for r in corpus],
            [q["query"] for q in queries],
            np.array([pos[q["code_id"]] for q in queries]),
        ),
        "CoNaLa": (
            [r["code"] for r in conala],
            [r["query"] for r in conala],
            np.arange(len(conala)),
        ),
    }


def _throughput(embedder: Any, docs: list[str]) -> float:
    embedder.embed_documents(docs[:64])  # warm-up
    t0 = time.perf_counter()
    embedder.embed_documents(docs)
    return len(docs) / (time.perf_counter() - t0)


def evaluate(evals_dir: Path = DEFAULT_EVALS) -> dict[str, Any]:
    from pieces_lsp.ml.embed import Embedder, get_embedder

    models: list[tuple[str, Any]] = []
    if (PLAIN / "manifest.json").exists():
        models.append(("plain wordllama", Embedder(PLAIN)))
    if (PREVIOUS / "manifest.json").exists():
        models.append(("previous", Embedder(PREVIOUS)))
    models.append(("shipped", get_embedder()))
    sets = _sets(evals_dir)
    lines = [
        "| model | set | MRR@10 | R@1 | R@10 | queries | docs/s |",
        "|---|---|---|---|---|---|---|",
    ]
    metrics: dict[str, float] = {}
    for label, emb in models:
        key = label.split()[0]
        rate = _throughput(emb, sets["CoSQA"][0])
        metrics[f"{key}_docs_per_s"] = rate
        for name, (docs, queries, right) in sets.items():
            q = _quality(_ranks(emb.embed_queries(queries), emb.embed_documents(docs), right))
            for m, v in q.items():
                metrics[f"{key}_{name.lower()}_{m}"] = v
            lines.append(
                f"| {label} | {name} | {q['mrr10']:.3f} | {q['r1']:.3f} | {q['r10']:.3f} "
                f"| {len(queries)} | {rate:,.0f} |"
            )
    shipped = models[-1][1]
    lines.append("")
    lines.append(f"shipped model: `{shipped.model_id}`, dim {shipped.dim}")
    return {"task": "embed_quality", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
