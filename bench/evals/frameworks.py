"""Framework/library detection measured on `evals/frameworks.jsonl`.

Each row is a snippet labelled with the framework whose docs or examples it came from (or
"none"), a file-extension-ish `lang` hint (what an editor would tell us) and `has_import`. The
prediction is the top-ranked id of `frameworks.detect`, or "none" when it returns nothing.
Run alone: `python bench/evals/frameworks.py [EVALS_DIR]`.
"""

from __future__ import annotations

import json
import pathlib
import statistics
import sys
import time
from collections import Counter

from pieces_lsp.analysis.frameworks import detect
from pieces_lsp.analysis.languages import known_languages, language_from_path

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _common import DEFAULT_EVALS, run_alone

# Plain programs (the sample-programs rows of langid.jsonl: hello world, sorting, string
# exercises) use no framework at all, so every detection there is a false positive. A second,
# larger check of "none" precision than the 139 `none` rows of frameworks.jsonl.
PLAIN_LANGUAGES = {
    "Python": "python", "JavaScript": "javascript", "TypeScript": "typescript", "Java": "java",
    "Kotlin": "kotlin", "Go": "go", "Rust": "rust", "Ruby": "ruby", "PHP": "php",
    "C#": "csharp", "Swift": "swift", "Dart": "dart", "Scala": "scala", "Groovy": "groovy",
}  # fmt: skip


def editor_language(hint: str) -> str:
    """The editor language id for a row's hint ("js" -> javascript, "kotlin" -> kotlin)."""
    hint = hint.strip().lower()
    if hint in known_languages():
        return hint
    return language_from_path(f"snippet.{hint}") or "plaintext"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def evaluate(evals_dir: pathlib.Path = DEFAULT_EVALS) -> dict:
    rows = [
        json.loads(line)
        for line in (evals_dir / "frameworks.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    detect("warm up the grammar and the table", "python")
    preds: list[str] = []
    times: list[float] = []
    for row in rows:
        language = editor_language(str(row.get("lang", "")))
        start = time.perf_counter()
        found = detect(row["text"], language)
        times.append((time.perf_counter() - start) * 1000.0)
        preds.append(found[0] if found else "none")

    def accuracy(idx: list[int]) -> float:
        return sum(preds[i] == rows[i]["label"] for i in idx) / len(idx) if idx else 0.0

    all_idx = list(range(len(rows)))
    no_imp = [i for i in all_idx if not rows[i].get("has_import")]
    with_imp = [i for i in all_idx if rows[i].get("has_import")]
    metrics: dict[str, float] = {
        "accuracy": accuracy(all_idx),
        "accuracy_no_import": accuracy(no_imp),
        "accuracy_with_import": accuracy(with_imp),
        "rows": float(len(rows)),
        "p50_ms": statistics.median(times),
        "p95_ms": _percentile(times, 0.95),
    }
    plain_rows = 0
    plain_fp: Counter[str] = Counter()
    langid = evals_dir / "langid.jsonl"
    if langid.exists():
        for line in langid.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            language = PLAIN_LANGUAGES.get(str(row.get("label")))
            if language is None:
                continue
            plain_rows += 1
            found = detect(row["text"], language)
            if found:
                plain_fp[found[0]] += 1
    metrics["plain_rows"] = float(plain_rows)
    metrics["plain_false_positive_rate"] = (
        sum(plain_fp.values()) / plain_rows if plain_rows else 0.0
    )
    labels = sorted({r["label"] for r in rows} | set(preds))
    per_label: list[str] = []
    for label in labels:
        tp = sum(1 for i in all_idx if preds[i] == label and rows[i]["label"] == label)
        fp = sum(1 for i in all_idx if preds[i] == label and rows[i]["label"] != label)
        fn = sum(1 for i in all_idx if preds[i] != label and rows[i]["label"] == label)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if tp + fn:
            metrics[f"{label}_precision"] = p
            metrics[f"{label}_recall"] = r
        per_label.append(f"| {label} | {tp + fn} | {p:.3f} | {r:.3f} | {f1:.3f} |")
    confusions = Counter(
        (rows[i]["label"], preds[i]) for i in all_idx if preds[i] != rows[i]["label"]
    )
    lines = [
        "### frameworks (evals/frameworks.jsonl)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| rows | {len(rows)} |",
        f"| accuracy | {metrics['accuracy']:.3f} |",
        f"| accuracy, has_import=false ({len(no_imp)} rows) | "
        f"{metrics['accuracy_no_import']:.3f} |",
        f"| accuracy, has_import=true ({len(with_imp)} rows) | "
        f"{metrics['accuracy_with_import']:.3f} |",
        f"| time per row p50 / p95 (ms) | {metrics['p50_ms']:.2f} / {metrics['p95_ms']:.2f} |",
        f"| plain programs (langid.jsonl, {plain_rows} rows) tagged with a framework | "
        f"{metrics['plain_false_positive_rate']:.3f} "
        f"({', '.join(f'{k} {n}' for k, n in plain_fp.most_common(5)) or '-'}) |",
        "",
        "| label | rows | precision | recall | F1 |",
        "|---|---|---|---|---|",
        *per_label,
        "",
        "Most frequent errors (label -> predicted: count):",
        "",
        *(f"- {gold} -> {pred}: {n}" for (gold, pred), n in confusions.most_common(12)),
    ]
    return {"task": "frameworks", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
