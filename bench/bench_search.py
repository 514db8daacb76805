"""Search quality on the shared code-search sets, and search latency at 1k / 10k snippets.

    python bench/bench_search.py                  # eval (all modes) + timings at 1k and 10k
    python bench/bench_search.py --quick          # fewer timing repetitions
    python bench/bench_search.py --no-eval --sizes 10000,100000 --quick --rounds 3
    python bench/bench_search.py --no-eval        # timings only
    python bench/bench_search.py --no-perf --modes fulltext

Quality: every corpus row becomes a snippet (merged straight into a library in a temp home,
enriched the way a save would enrich it: title, description, tags), then each query is
searched and the rank of its right answer recorded: MRR@10 and Recall@1/10 on CoSQA
(`codesearch_queries.jsonl` against the 6,267 functions of `codesearch_corpus.jsonl`) and on
CoNaLa (its 500 answers are the corpus).
Rows are never special-cased.

Timings: libraries of N snippets built from the CoSQA functions (renamed copies beyond 6,267);
index build time and traced memory, one-snippet update after a save, `search` p50/p95 per mode
and `complete` p50/p95 with contexts cut from real functions.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parent.parent
if importlib.util.find_spec("pieces_lsp") is None:
    sys.path.insert(0, str(_REPO))

from pieces_lsp.analysis.enrich import BasicEnricher, Enricher, LocalEnricher  # noqa: E402
from pieces_lsp.app import Services, build_services  # noqa: E402
from pieces_lsp.config import resolve_config  # noqa: E402
from pieces_lsp.model import Snippet, SnippetDraft  # noqa: E402
from pieces_lsp.search import SearchService  # noqa: E402

EVALS = _REPO.parent / "shared" / "evals"
SEED = 20240611
MODES = ("hybrid", "fulltext", "fuzzy", "neural")
_NS = uuid.UUID("6f1c1a52-2b7e-4d0c-9a43-5a2f1d0b7c11")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@contextmanager
def temp_services() -> Iterator[Services]:
    home = Path(tempfile.mkdtemp(prefix="pieces-bench-search-"))
    try:
        yield build_services(resolve_config({"home": str(home)}, env={}))
    finally:
        shutil.rmtree(home, ignore_errors=True)


FULL_ENRICHMENT = True
"""Quality runs enrich every snippet as a save does (title, description, tags: all searched,
about 4 ms a snippet); timings use the basic enricher, since only the index is timed there."""


def snippet_for(key: str, code: str, enricher: Enricher) -> Snippet:
    """A snippet as a save would make it: the enricher's title, description and tags."""
    a = enricher.enrich(code, language="python")
    sid = str(uuid.uuid5(_NS, key))
    return Snippet.from_dict(
        {
            "id": sid,
            "content": code,
            "title": a.title,
            "description": a.description,
            "tags": a.tags,
            "language": "python",
        }
    )


# -- quality -----------------------------------------------------------------------------------


@dataclass
class Quality:
    mrr10: float
    r1: float
    r10: float
    n: int


def evaluate(
    search: SearchService,
    queries: list[tuple[str, set[str]]],
    mode: str,
) -> Quality:
    """`queries` are (query, ids of right answers): several ids when the corpus has the same
    code twice (the library keeps one, any of them is right)."""
    rr = r1 = r10 = 0.0
    for query, right in queries:
        hits = search.search(query[:1000], limit=10, mode=mode)
        for rank, hit in enumerate(hits, start=1):
            if hit.id in right:
                rr += 1.0 / rank
                r1 += rank == 1
                r10 += 1
                break
    n = len(queries)
    return Quality(rr / n, r1 / n, r10 / n, n)


def load_corpus(
    services: Services, rows: list[tuple[str, str]], *, full: bool = False
) -> dict[str, set[str]]:
    """Merge (key, code) rows; returns key -> ids of the snippet(s) holding that code."""
    enricher: Enricher = LocalEnricher() if full else BasicEnricher()
    snippets = [snippet_for(k, code, enricher) for k, code in rows]
    services.library.merge(snippets)
    kept = {s.content_hash: s.id for s in services.library.snapshot()[1]}
    pairs = zip(rows, snippets, strict=True)
    return {k: {kept[s.content_hash]} for (k, _), s in pairs if s.content_hash in kept}


def _quality_rows(
    name: str, corpus: list[tuple[str, str]], queries: list[tuple[str, str]], modes: list[str]
) -> None:
    """One table row per mode for one eval set: a fresh library holding `corpus`."""
    with temp_services() as services:
        ids = load_corpus(services, corpus, full=FULL_ENRICHMENT)
        resolved = [(query, ids[key]) for query, key in queries]
        services.search.warm()
        for mode in modes:
            t0 = time.perf_counter()
            q = evaluate(services.search, resolved, mode)
            dt = (time.perf_counter() - t0) / q.n * 1000
            print(
                f"| {name} | {mode} | {q.mrr10:.3f} | {q.r1:.3f} | {q.r10:.3f} | {q.n} "
                f"| {dt:.1f} ms |"
            )


def run_eval(modes: list[str]) -> None:
    cosqa_rows = read_jsonl(EVALS / "codesearch_corpus.jsonl")
    cosqa_q = read_jsonl(EVALS / "codesearch_queries.jsonl")
    conala = read_jsonl(EVALS / "codesearch_conala.jsonl")
    print("\n## Quality\n")
    print("| set | mode | MRR@10 | R@1 | R@10 | queries | time/query |")
    print("|---|---|---|---|---|---|---|")
    _quality_rows(
        "CoSQA",
        [(str(r["code_id"]), r["code"]) for r in cosqa_rows],
        [(q["query"], str(q["code_id"])) for q in cosqa_q],
        modes,
    )
    _quality_rows(
        "CoNaLa",
        [(str(i), r["code"]) for i, r in enumerate(conala)],
        [(r["query"], str(i)) for i, r in enumerate(conala)],
        modes,
    )
    print("\nReference floors (tf-idf): MRR@10 about 0.30 on CoSQA, 0.56 on CoNaLa.")


# -- timings -----------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(fn: Callable[[], object], reps: int) -> tuple[float, float]:
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return percentiles(samples)


def corpus_of_size(n: int, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """n functions: the CoSQA corpus, then copies with the function renamed (so every copy is
    a distinct snippet with the same vocabulary, as a real library grows)."""
    out: list[tuple[str, str]] = []
    copy = 0
    while len(out) < n:
        for r in rows:
            if len(out) >= n:
                break
            code = r["code"]
            if copy:
                code = code.replace("def ", f"def v{copy}_", 1) + f"\n# variant {copy}\n"
            out.append((f"{copy}:{r['code_id']}", code))
        copy += 1
    return out


def contexts(rows: list[dict[str, Any]], rng: random.Random, count: int) -> list[str]:
    """What an editor sends: up to 3 lines before the cursor, the last one cut mid-word."""
    out = []
    while len(out) < count:
        lines = rng.choice(rows)["code"].split("\n")
        if len(lines) < 3:
            continue
        at = rng.randrange(1, len(lines))
        last = lines[at]
        cut = rng.randrange(0, max(1, len(last)))
        out.append("\n".join([*lines[max(0, at - 3) : at], last[:cut]]))
    return out


def perf_one(
    n: int,
    rows: list[dict[str, Any]],
    queries: list[str],
    modes: list[str],
    reps: int,
    rng: random.Random,
    rounds: int = 1,
) -> list[str]:
    """One table row: a fresh library of n snippets in its own temp home. With `rounds` > 1,
    each mode's timing pass is repeated (each pass starting further along the query list) and
    the medians of its p50s and p95s are shown: the machine is shared, and one pass can catch
    another process's burst."""
    with temp_services() as services:
        load_corpus(services, corpus_of_size(n, rows))
        services.library.snapshot()  # the library cache is not what we measure
        gc.collect()
        search = services.search
        t0 = time.perf_counter()
        with search._lock:
            index = search._synced()
            count = len(index)
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            vectors = search.neural.vectors(index)  # first start: embeds every snippet
            embed = time.perf_counter() - t0
        probe = SearchService(services.library)
        t0 = time.perf_counter()
        probe.warm()  # a later start: the text index, and vectors read back from the file
        restart = time.perf_counter() - t0
        del probe
        gc.collect()
        tracemalloc.start()  # traced apart: tracing slows allocation-heavy Python 2-3x
        probe = SearchService(services.library)
        probe.warm()
        mem = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del probe
        gc.collect()
        updates: dict[str, list[float]] = {"fulltext": [], "hybrid": []}
        for mode, times in updates.items():  # hybrid also embeds the new snippet
            for i in range(max(5, reps // 20)):
                code = f"def bench_update_{mode}_{i}(value):\n    return value * {i}\n"
                services.library.save(SnippetDraft(content=code, language="python"))
                t0 = time.perf_counter()
                search.search("bench update", limit=5, mode=mode)
                times.append((time.perf_counter() - t0) * 1000)
        cells = [
            f"{count:,}",
            f"{build:.2f} s",
            f"{embed:.1f} s ({count / embed:,.0f}/s)" if embed > 0 else "-",
            f"{restart:.2f} s",
            f"{mem / 2**20:.0f} MiB (vectors {vectors.nbytes / 2**20:.0f})",
            f"{statistics.median(updates['fulltext']):.1f} ms",
            f"{statistics.median(updates['hybrid']):.1f} ms",
        ]
        for mode in modes:
            runs = []
            for r in range(rounds):
                start = (r * reps) % len(queries)  # each pass starts on other queries
                seq = queries[start:] + queries[:start]
                it = iter(seq * (reps // len(seq) + 1))
                runs.append(timed(lambda m=mode, it=it: search.search(next(it), mode=m), reps))
            p50 = statistics.median(r[0] for r in runs)
            p95 = statistics.median(r[1] for r in runs)
            cells.append(f"{p50:.1f} / {p95:.1f}")
        ctx = iter(contexts(rows, rng, reps))
        p50, p95 = timed(lambda: search.complete(language="python", context=next(ctx)), reps)
        cells.append(f"{p50:.1f} / {p95:.1f}")
        ids = [s.id for s in services.library.snapshot()[1]]
        picks = iter([rng.choice(ids) for _ in range(reps)])
        p50, p95 = timed(lambda: search.similar(snippet_id=next(picks)), max(20, reps // 5))
        cells.append(f"{p50:.1f} / {p95:.1f}")
        return cells


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def run_perf(sizes: list[int], modes: list[str], reps: int, rounds: int = 1) -> None:
    rows = read_jsonl(EVALS / "codesearch_corpus.jsonl")
    queries = [q["query"] for q in read_jsonl(EVALS / "codesearch_queries.jsonl")]
    rng = random.Random(SEED)
    print("\n## Timings (latencies in ms, p50 / p95)\n")
    print(f"Before: {load()}.", end=" ")
    if rounds > 1:
        print(f"Search per mode: median of {rounds} passes.", end="")
    print("\n")
    header = [
        "snippets",
        "text index build",
        "first embedding (throughput)",
        "restart (stored vectors)",
        "index memory",
        "search after a save",
        "hybrid after a save",
    ]
    header += [f"search {m}" for m in modes] + ["complete", "similar"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for n in sizes:
        cells = perf_one(n, rows, queries, modes, reps, rng, rounds)
        print("| " + " | ".join(cells) + " |", flush=True)
    print(f"\nAfter: {load()}.")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", default="1000,10000", help="library sizes (default 1000,10000)")
    p.add_argument("--modes", default=",".join(MODES), help="search modes to measure")
    p.add_argument("--quick", action="store_true", help="fewer timing repetitions")
    p.add_argument("--no-eval", action="store_true", help="skip the quality evaluation")
    p.add_argument("--no-perf", action="store_true", help="skip the timings")
    p.add_argument(
        "--rounds", type=int, default=1, help="timing passes per search mode (median shown)"
    )
    args = p.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    print(f"# Search benchmark (python {sys.version.split()[0]})")
    if not args.no_eval:
        run_eval(modes)
    if not args.no_perf:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        run_perf(sizes, modes, 100 if args.quick else 500, max(1, args.rounds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
