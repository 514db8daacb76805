"""Code search on the CoSQA and CoNaLa sets: MRR@10 and Recall@1/10 per search mode.

A thin wrapper over `bench/bench_search.py` (which also times search at 10k/100k snippets)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_search  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_EVALS, run_alone  # noqa: E402

MODES = ["fulltext", "fuzzy", "neural", "hybrid"]


def _rows(
    name: str, corpus: list[tuple[str, str]], queries: list[tuple[str, str]]
) -> list[tuple[str, str, bench_search.Quality]]:
    out = []
    with bench_search.temp_services() as services:
        ids = bench_search.load_corpus(services, corpus, full=True)
        resolved = [(query, ids[key]) for query, key in queries]
        services.search.warm()
        for mode in MODES:
            out.append((name, mode, bench_search.evaluate(services.search, resolved, mode)))
    return out


def evaluate(evals_dir: Path = DEFAULT_EVALS) -> dict[str, Any]:
    read = bench_search.read_jsonl
    cosqa = read(evals_dir / "codesearch_corpus.jsonl")
    cosqa_q = read(evals_dir / "codesearch_queries.jsonl")
    conala = read(evals_dir / "codesearch_conala.jsonl")
    results = _rows(
        "CoSQA",
        [(str(r["code_id"]), r["code"]) for r in cosqa],
        [(q["query"], str(q["code_id"])) for q in cosqa_q],
    ) + _rows(
        "CoNaLa",
        [(str(i), r["code"]) for i, r in enumerate(conala)],
        [(r["query"], str(i)) for i, r in enumerate(conala)],
    )
    lines = ["| set | mode | MRR@10 | R@1 | R@10 | queries |", "|---|---|---|---|---|---|"]
    metrics: dict[str, float] = {}
    for name, mode, q in results:
        lines.append(f"| {name} | {mode} | {q.mrr10:.3f} | {q.r1:.3f} | {q.r10:.3f} | {q.n} |")
        metrics[f"{name.lower()}_{mode}_mrr10"] = q.mrr10
    return {"task": "codesearch", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
