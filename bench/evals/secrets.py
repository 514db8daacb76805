"""Secret detection on `secrets.jsonl`: precision, recall, F1, and recall per rule kind.

This measures the current rules engine (`pieces_lsp.analysis.secrets`); the secrets issue
replaces the engine and extends this report (realistic files, detect-secrets comparison)."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pieces_lsp.analysis import secrets  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_EVALS, run_alone  # noqa: E402


def evaluate(evals_dir: Path = DEFAULT_EVALS) -> dict[str, Any]:
    rows = [json.loads(x) for x in (evals_dir / "secrets.jsonl").open(encoding="utf-8")]
    tp = fp = fn = tn = 0
    kind_total: Counter[str] = Counter()
    kind_hit: Counter[str] = Counter()
    times: list[float] = []
    for r in rows:
        t0 = time.perf_counter()
        found = bool(secrets.find(r["text"]))
        times.append((time.perf_counter() - t0) * 1000)
        kind = str(r.get("rule_id") or r.get("plugin") or "?")
        if r["label"] == 1:
            kind_total[kind] += 1
            kind_hit[kind] += found
            tp += found
            fn += not found
        else:
            fp += found
            tn += not found
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    times.sort()
    metrics = {
        "precision": p,
        "recall": rec,
        "f1": f1,
        "p50_ms": times[len(times) // 2],
        "p95_ms": times[int(len(times) * 0.95)],
    }
    worst = sorted(kind_total, key=lambda k: (kind_hit[k] / kind_total[k], -kind_total[k]))[:10]
    lines = [
        "| rows | precision | recall | F1 |",
        "|---|---|---|---|",
        f"| {len(rows)} | {p:.3f} | {rec:.3f} | {f1:.3f} |",
        "",
        "Lowest recall by kind: " + ", ".join(f"{k} {kind_hit[k]}/{kind_total[k]}" for k in worst),
    ]
    return {"task": "secrets", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
