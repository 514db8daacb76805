"""Code vs prose on `code_vs_prose.jsonl`: accuracy, F1 of `code`, timing, error classes.

The eval labels every row code or prose; a "mixed" prediction is scored by its majority side
(`code_share >= 0.5` counts as code) and the number of mixed predictions is reported.
"""

from __future__ import annotations

import json
import pathlib
import statistics
import sys
import time
from collections import Counter

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _common import pct, run_alone


def evaluate(evals_dir: pathlib.Path) -> dict:
    from pieces_lsp.analysis.kind import classify

    rows = [
        json.loads(line)
        for line in (evals_dir / "code_vs_prose.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    classify("warm up = 1")
    tp = fp = fn = tn = 0
    mixed = 0
    times: list[float] = []
    errors: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for row in rows:
        t0 = time.perf_counter()
        res = classify(row["text"])
        times.append((time.perf_counter() - t0) * 1000)
        mixed += res.kind == "mixed"
        pred = (
            "code"
            if (res.kind == "code" or (res.kind == "mixed" and res.code_share >= 0.5))
            else "prose"
        )
        gold = row["label"]
        if pred == "code" and gold == "code":
            tp += 1
        elif pred == "code":
            fp += 1
            key = "prose read as code"
            errors[key] += 1
            examples.setdefault(key, row["text"][:70])
        elif gold == "code":
            fn += 1
            key = f"code read as prose ({row.get('lang') or 'unknown'})"
            errors[key] += 1
            examples.setdefault(key, row["text"][:70])
        else:
            tn += 1
    n = len(rows)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics = {
        "accuracy": (tp + tn) / n,
        "code_precision": precision,
        "code_recall": recall,
        "code_f1": f1,
        "mixed_predictions": float(mixed),
        "rows": float(n),
        "p50_ms": statistics.median(times),
        "p95_ms": pct(times, 0.95),
    }
    lines = [
        "### code vs prose (`code_vs_prose.jsonl`)",
        "",
        "| metric | value |",
        "|---|---|",
        *(f"| {k} | {v:.4f} |" for k, v in metrics.items()),
        "",
        f"A `mixed` prediction counts as its majority side (code_share >= 0.5 is code); {mixed} "
        "rows were predicted mixed.",
        "",
        "| error class | count | example |",
        "|---|---|---|",
        *(
            f"| {k} | {c} | `{examples[k].replace(chr(10), ' ⏎ ').replace('|', '/')}` |"
            for k, c in errors.most_common(12)
        ),
    ]
    return {"task": "kind", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
