"""Every metric on the development sets in `../shared/evals/`, plus enrichment speed.

    python bench/eval.py [EVALS_DIR] [--only langid,kind,...]

Each task lives in `bench/evals/<task>.py` with `evaluate(evals_dir) -> {task, metrics,
table}`; this script runs them all (well under 5 minutes on 2 cores), then times the whole
enrichment of one snippet, in-process and through the worker process the server uses.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "evals"))

from _common import DEFAULT_EVALS, pct  # noqa: E402

TASKS = [
    "langid", "langid_realcode", "kind", "frameworks", "realcode", "links", "secrets", "titles",
    "codesearch",
]  # fmt: skip


def _sample_texts(evals_dir: Path, n: int) -> list[tuple[str, str | None]]:
    """(text, language hint) pairs: unlabelled snippets (language guessed) and code with an
    editor language id, as saves arrive."""
    rng = random.Random(7)
    out: list[tuple[str, str | None]] = []
    lang_rows = [json.loads(x) for x in (evals_dir / "langid.jsonl").open(encoding="utf-8")]
    out += [(r["text"], None) for r in rng.sample(lang_rows, min(n // 2, len(lang_rows)))]
    fw_rows = [json.loads(x) for x in (evals_dir / "frameworks.jsonl").open(encoding="utf-8")]
    hints = {"js": "javascript", "ts": "typescript", "jsx": "javascriptreact", "mjs": "javascript"}
    out += [
        (r["text"], hints.get(r["lang"], r["lang"]))
        for r in rng.sample(fw_rows, min(n - len(out), len(fw_rows)))
    ]
    return out


def enrichment_speed(evals_dir: Path, n: int = 300) -> str:
    from pieces_lsp.analysis.enrich import IsolatedEnricher
    from pieces_lsp.analysis.parsing import preload
    from pieces_lsp.analysis.pipeline import analyze
    from pieces_lsp.analysis.worker import AnalysisWorker

    texts = _sample_texts(evals_dir, n)
    preload()  # as the worker does at start: grammar loading is not a per-snippet cost
    analyze("def warm(x):\n    return x\n")
    local: list[float] = []
    for text, lang in texts:
        t0 = time.perf_counter()
        analyze(text, language_id=lang)
        local.append((time.perf_counter() - t0) * 1000)
    worker = AnalysisWorker()
    t0 = time.perf_counter()
    worker.warm()
    start_ms = (time.perf_counter() - t0) * 1000
    enricher = IsolatedEnricher(worker)
    remote: list[float] = []
    for text, lang in texts:
        t0 = time.perf_counter()
        enricher.enrich(text, language=lang)
        remote.append((time.perf_counter() - t0) * 1000)
    worker.close()
    lines = [
        f"{len(texts)} snippets (half unlabelled, half with an editor language id).",
        "",
        "| path | p50 | p95 | max |",
        "|---|---|---|---|",
        f"| in-process `analyze()` | {pct(local, 0.5):.1f} ms | {pct(local, 0.95):.1f} ms "
        f"| {max(local):.1f} ms |",
        f"| server path (worker process, incl. IPC) | {pct(remote, 0.5):.1f} ms "
        f"| {pct(remote, 0.95):.1f} ms | {max(remote):.1f} ms |",
        "",
        f"Worker start + grammar/model load: {start_ms:.0f} ms (once, in the background after "
        "`initialized`).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("evals_dir", nargs="?", type=Path, default=DEFAULT_EVALS)
    ap.add_argument("--only", help="comma-separated tasks (default: all)")
    ap.add_argument("--no-speed", action="store_true", help="skip the enrichment timing")
    args = ap.parse_args(argv)
    tasks = args.only.split(",") if args.only else TASKS
    summary: list[tuple[str, dict[str, Any], float]] = []
    for task in tasks:
        t0 = time.perf_counter()
        try:
            mod = importlib.import_module(f"evals.{task}")
        except ImportError as exc:
            print(f"\n## {task}\n\n(not available: {exc})")
            continue
        result = mod.evaluate(args.evals_dir)
        elapsed = time.perf_counter() - t0
        print(f"\n## {task}  ({elapsed:.1f} s)\n")
        print(result["table"])
        summary.append((task, result["metrics"], elapsed))
    if not args.no_speed:
        print("\n## Enrichment time per snippet\n")
        print(enrichment_speed(args.evals_dir))
    print("\n## Summary\n")
    print("| task | metrics |")
    print("|---|---|")
    for task, metrics, _elapsed in summary:
        shown = ", ".join(
            f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, float) and "ms" not in k
        )
        print(f"| {task} | {shown} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
