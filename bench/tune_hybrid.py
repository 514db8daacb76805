"""Choose the hybrid blend's constants on held-out training pairs, never on the eval sets.

The eval sets in ../shared/evals only measure; the blend is chosen here, on docstring -> code
pairs of packages that `models/embed/build.py` holds out from training (never seen by the
embedder). The corpus is their functions as saved snippets (enriched as a save enriches them),
each keeping the rest of its docstring but not the summary; the queries are the summaries
rewritten the way people search ("how to parse a date string python", build.py's
`question_query`), and, as a second view, the summaries as written. Needs the pairs file that
`models/embed/gather.py` writes (default /work/cache/embed/pairs.jsonl).

    python bench/tune_hybrid.py [PAIRS] [--packages a,b,c] [--limit 3000]

`--prose W` sets the weight of the snippets' prose vectors (`search/vectors.py`, 0: none).
`--rerank` prints, instead of the blend grid, a grid of the token-matching re-rank
(`search/rerank.py`: depth and weight, with three neural weights).
Prints each list alone, then MRR@10 over a grid of the neural weight, the neural-alone bar
(`NEURAL_ALONE`) and the cosine floor (`neural.MIN_SIMILARITY`), through the service's own
`_blend`; `--check` runs the same on the other held-out packages for the chosen setting.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_REPO))
sys.path.insert(0, str(_REPO / "bench"))
sys.path.insert(0, str(_REPO / "models" / "embed"))

import bench_search as b  # noqa: E402
import build  # noqa: E402  (models/embed/build.py: the query rewrites; torch is not imported)

from pieces_lsp.search import neural as neural_module  # noqa: E402
from pieces_lsp.search import rerank as rerank_module  # noqa: E402
from pieces_lsp.search import service as service_module  # noqa: E402
from pieces_lsp.search import vectors as vectors_module  # noqa: E402
from pieces_lsp.search.retrievers import Query, Retrieved  # noqa: E402

HELD_OUT = "black,docutils,fsspec,hypothesis,jedi,keras,mpmath,packaging,pandera"
CHECK = "pdfminer_six,petl,pillow,pip,pydantic,sanic,sphinx,tornado,traitlets,typer,urllib3"

Lists = list[tuple[Retrieved, ...]]
FLOOR = neural_module.MIN_SIMILARITY  # the shipped floor (collect() lowers it to see all)


def held_out(path: str, packages: str, limit: int, seed: int = 7) -> list[dict]:
    wanted = set(packages.split(","))
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(x) for x in fh]
    rows = [r for r in rows if r["package"] in wanted]
    random.Random(seed).shuffle(rows)
    return rows[:limit]


def collect(rows: list[dict], views: dict[str, list[str]]):
    """Per view, per query: every retriever's list (no cosine floor) and the right doc."""
    neural_module.MIN_SIMILARITY = -1.0  # see every cosine; floors are applied below
    corpus = [(str(i), build.with_docstring_rest(r["code"], r.get("doc_rest"))) for i, r in
              enumerate(rows)]  # fmt: skip
    out: dict[str, list] = {}
    with b.temp_services() as services:
        ids = b.load_corpus(services, corpus, full=True)
        services.search.warm()
        svc = services.search
        with svc._lock:
            index = svc._synced()
            for view, queries in views.items():
                got = []
                for i, q in enumerate(queries):
                    parsed = Query.parse(q[:1000])
                    lists = tuple(
                        svc._retrievers[n].retrieve(index, parsed, None, 100)
                        for n in ("fulltext", "fuzzy", "neural")
                    )
                    right = {index.by_id(x).num for x in ids.get(str(i), ()) if index.by_id(x)}
                    got.append((parsed, lists, right))
                out[view] = got
        return svc, index, out


def mrr(rankings: list[tuple[list[tuple[int, float]], set[int]]]) -> float:
    total = 0.0
    for ranking, right in rankings:
        for rank, (doc, _) in enumerate(ranking[:10], start=1):
            if doc in right:
                total += 1.0 / rank
                break
    return total / max(1, len(rankings))


def hybrid(svc, index, data, weight: float, alone: float, floor: float, fuzzy: float) -> float:
    """MRR@10 of the service's own blend with these constants."""
    service_module.NEURAL_ALONE = alone
    svc._hybrid_weights = {"fulltext": 1.0, "fuzzy": fuzzy, "neural": weight}
    ranked = []
    for parsed, (ft, fz, nn), right in data:
        nn = Retrieved(nn.name, [(d, s) for d, s in nn.ranking if s >= floor])
        ranked.append((svc._blend(index, parsed, [ft, fz, nn]), right))
    return mrr(ranked)


def reranked(svc, index, data, weight: float, depth: int, token_weight: float) -> float:
    """MRR@10 of the blend (shipped constants but this neural weight) with its head re-ranked
    by token matching (`search/rerank.py`) at this depth and weight."""
    svc._hybrid_weights = {**service_module.HYBRID_WEIGHTS, "neural": weight}
    neural = svc._retrievers["neural"]
    ranked = []
    for parsed, (ft, fz, nn), right in data:
        nn = Retrieved(nn.name, [(d, s) for d, s in nn.ranking if s >= FLOOR])
        blend = svc._blend(index, parsed, [ft, fz, nn])
        got, _ = rerank_module.rerank(
            blend,
            lambda nums, p=parsed: neural.token_matches(index, p.raw, nums),
            depth=depth,
            weight=token_weight,
        )
        ranked.append((got, right))
    return mrr(ranked)


def rerank_grid(svc, index, data: dict[str, list]) -> None:
    print("| neural weight | depth | token-match weight | " + " | ".join(data) + " | mean |")
    print("|---|---|---|" + "---|" * (len(data) + 1))
    for weight, depth, tw in itertools.chain(
        [(service_module.HYBRID_WEIGHTS["neural"], 30, 0.0)],
        itertools.product((1.5, 2.0, 3.0), (30,), (0.5, 0.75, 1.0, 1.5, 2.0)),
        [(service_module.HYBRID_WEIGHTS["neural"], 50, rerank_module.TOKEN_MATCH_WEIGHT)],
    ):
        scores = [reranked(svc, index, data[v], weight, depth, tw) for v in data]
        cells = " | ".join(f"{x:.4f}" for x in scores)
        print(f"| {weight} | {depth} | {tw} | {cells} | {sum(scores) / len(scores):.4f} |")


def views_for(rows: list[dict]) -> dict[str, list[str]]:
    summaries = [r["query"] for r in rows]
    return {
        "questions": build.augment(summaries, 0.0, seed=11, question_share=1.0),
        "docstrings": summaries,
    }


def report(svc, index, data: dict[str, list]) -> None:
    for view, got in data.items():
        singles = [
            f"{name} {mrr([(lists[k].ranking, r) for _, lists, r in got]):.3f}"
            for k, name in enumerate(("fulltext", "fuzzy", "neural"))
        ]
        print(f"{view} ({len(got)}): " + ", ".join(singles))
    unrelated = sorted(
        s for _, lists, r in data["questions"] for d, s in lists[2].ranking if d not in r
    )
    if unrelated:
        pct = [unrelated[int(len(unrelated) * q)] for q in (0.5, 0.9, 0.99)]
        print("unrelated top-100 cosines p50/p90/p99: " + " / ".join(f"{x:.3f}" for x in pct))
    cosine_spread(svc, index, data["questions"])


def cosine_spread(svc, index, got: list) -> None:
    """How every query scores against every snippet, right answers apart: the figures behind
    `neural.MIN_SIMILARITY` (what an unrelated pair scores, what a right answer scores)."""
    neural = svc._retrievers["neural"]
    with svc._lock:
        vectors = neural.vectors(index)
    queries = neural.embedder().embed_queries([parsed.raw for parsed, _, _ in got])
    right, unrelated = [], []
    for q, (_, _, r) in zip(queries, got, strict=True):
        for doc, score in vectors.top(q, len(vectors)):
            (right if doc in r else unrelated).append(score)
    right.sort()
    unrelated.sort()
    pct = [unrelated[int(len(unrelated) * q)] for q in (0.5, 0.9, 0.99)]
    print("all unrelated pairs p50/p90/p99: " + " / ".join(f"{x:.3f}" for x in pct))
    below = sum(1 for x in unrelated if x < FLOOR) / len(unrelated)
    print(f"unrelated pairs below the floor ({FLOOR}): {below:.3f}")
    if right:
        median, p10 = right[len(right) // 2], right[len(right) // 10]
        print(f"right answers: median {median:.3f}, p10 {p10:.3f}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("pairs", nargs="?", default="/work/cache/embed/pairs.jsonl")
    p.add_argument("--packages", default=HELD_OUT)
    p.add_argument("--limit", type=int, default=3000)
    p.add_argument("--check", action="store_true", help="score the current constants on CHECK")
    p.add_argument(
        "--prose", type=float, default=None, help="try this vectors.PROSE_WEIGHT (0: code only)"
    )
    p.add_argument(
        "--rerank", action="store_true", help="grid of the token-matching re-rank instead"
    )
    args = p.parse_args(argv)
    if args.prose is not None:
        vectors_module.PROSE_WEIGHT = args.prose
    rows = held_out(args.pairs, CHECK if args.check else args.packages, args.limit)
    svc, index, data = collect(rows, views_for(rows))
    report(svc, index, data)
    if args.rerank:
        rerank_grid(svc, index, data)
        return 0
    current = (
        service_module.HYBRID_WEIGHTS["neural"],
        service_module.NEURAL_ALONE,
        0.15,
        service_module.HYBRID_WEIGHTS["fuzzy"],
    )
    grid = itertools.product(
        (1.0, 1.5, 2.0, 3.0, 4.0), (0.0, 0.5, 0.65, 0.75, 0.85), (0.0, 0.15), (0.0, 0.2)
    )
    results = []
    for setting in [current, *grid]:
        scores = [hybrid(svc, index, data[v], *setting) for v in data]
        results.append((sum(scores) / len(scores), scores, setting))
    print("| neural weight | neural-alone bar | floor | fuzzy | " + " | ".join(data) + " | mean |")
    print("|---|---|---|---|" + "---|" * (len(data) + 1))
    for mean, scores, (w, a, f, z) in [results[0], *sorted(results[1:], reverse=True)[:12]]:
        cells = " | ".join(f"{s:.3f}" for s in scores)
        print(f"| {w} | {a} | {f} | {z} | {cells} | {mean:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
