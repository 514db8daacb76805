"""Choose the hybrid blend's neural weight and similarity floor on held-out training pairs.

The eval sets in ../shared/evals only measure; the blend is chosen here, on docstring -> code
pairs of the packages `models/embed/build.py` held out from training (never seen by the
embedder): the corpus is their code, the queries their docstrings. Needs the pairs file that
`models/embed/gather.py` writes (default /work/cache/embed/pairs.jsonl).

    python bench/tune_hybrid.py [PAIRS] [--packages a,b,c] [--limit 3000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_REPO))
sys.path.insert(0, str(_REPO / "bench"))

import bench_search as b  # noqa: E402

from pieces_lsp.search import neural as neural_module  # noqa: E402
from pieces_lsp.search.retrievers import Query  # noqa: E402

HELD_OUT = "black,docutils,fsspec,hypothesis,jedi,keras,mpmath,packaging,pandera"


def lists(corpus: list[tuple[str, str]], queries: list[tuple[str, str]]):
    neural_module.MIN_SIMILARITY = -1.0  # see every cosine; floors are applied below
    out = []
    with b.temp_services() as services:
        ids = b.load_corpus(services, corpus, full=True)
        services.search.warm()
        svc = services.search
        with svc._lock:
            index = svc._synced()
            for q, key in queries:
                parsed = Query.parse(q[:1000])
                ft = svc._retrievers["fulltext"].retrieve(index, parsed, None, 100).ranking
                nn = svc._retrievers["neural"].retrieve(index, parsed, None, 100).ranking
                right = {index.by_id(i).num for i in ids.get(key, ()) if index.by_id(i)}
                out.append((ft, nn, right))
    return out


def mrr(rows) -> float:
    total = 0.0
    for ranking, right in rows:
        for rank, (doc, _) in enumerate(ranking[:10], start=1):
            if doc in right:
                total += 1.0 / rank
                break
    return total / len(rows)


def blend(ft, nn, weight: float, floor: float):
    fused: dict[int, float] = {}
    if ft:
        top = max(s for _, s in ft) or 1.0
        for d, s in ft:
            fused[d] = fused.get(d, 0.0) + s / top
    kept = [(d, s) for d, s in nn if s >= floor]
    if kept:
        top = max(s for _, s in kept) or 1.0
        for d, s in kept:
            fused[d] = fused.get(d, 0.0) + weight * s / top
    return sorted(fused.items(), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("pairs", nargs="?", default="/work/cache/embed/pairs.jsonl")
    p.add_argument("--packages", default=HELD_OUT)
    p.add_argument("--limit", type=int, default=3000)
    args = p.parse_args(argv)
    wanted = set(args.packages.split(","))
    with open(args.pairs, encoding="utf-8") as fh:
        rows = [json.loads(x) for x in fh]
    rows = [r for r in rows if r["package"] in wanted]
    random.Random(7).shuffle(rows)
    rows = rows[: args.limit]
    corpus = [(str(i), r["code"]) for i, r in enumerate(rows)]
    queries = [(r["query"], str(i)) for i, r in enumerate(rows)]
    data = lists(corpus, queries)
    print(f"{len(rows)} held-out pairs from {len(wanted)} packages")
    print(f"fulltext {mrr([(ft, r) for ft, _, r in data]):.3f}")
    print(f"neural   {mrr([(nn, r) for _, nn, r in data]):.3f}")
    floors = (0.0, 0.15, 0.3, 0.4)
    unrelated = sorted(s for _, nn, r in data for d, s in nn if d not in r)
    if unrelated:
        pct = [unrelated[int(len(unrelated) * q)] for q in (0.5, 0.9, 0.99)]
        print(
            "cosine of unrelated top-100 candidates, p50/p90/p99: "
            + " / ".join(f"{x:.3f}" for x in pct)
        )
    print("| neural weight | " + " | ".join(f"floor {f}" for f in floors) + " |")
    print("|---|" + "---|" * len(floors))
    for w in (0.5, 1.0, 1.5, 2.0, 3.0):
        cells = [f"{mrr([(blend(ft, nn, w, f), r) for ft, nn, r in data]):.3f}" for f in floors]
        print(f"| {w} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
