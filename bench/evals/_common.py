"""What every eval task shares: where the sets are, reading them, percentiles, running alone."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EVALS = ROOT.parent / "shared" / "evals"
"""`../shared/evals/` beside the checkout, as on the team's machines and in CI."""

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pct(values: list[float], q: float) -> float:
    """The q-quantile by rank (no interpolation): what a p95 in a table means here."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run_alone(evaluate: Callable[[Path], dict[str, Any]]) -> None:
    """`python bench/evals/<task>.py [EVALS_DIR]` prints the task's table."""
    evals = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_EVALS
    print(evaluate(evals)["table"])
