"""Language identification on `langid.jsonl` (TheRenegadeCoder/sample-programs): accuracy.

Each row is identified from its text alone (no file name, no languageId), as `identify()` does
for an untitled buffer or a clipboard snippet. Figures:
  - snippet / full accuracy on rows whose label is one of the 49 languages we support
    (`languages.txt`), the issue's target being >= 0.95 on snippets;
  - accuracy on all rows, where rows labelled with a language outside the list count as wrong;
  - ablations: the classifier alone, and classifier + lexical rules without parse re-ranking;
  - p50/p95 time per identify() call, and a confusion summary for the 10 worst languages.
"""

from __future__ import annotations

import json
import pathlib
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from _common import pct, run_alone


def evaluate(evals_dir: pathlib.Path) -> dict:
    from pieces_lsp.analysis.langid import _guess, identify, linguist_name

    rows = [
        json.loads(line)
        for line in (evals_dir / "langid.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    supported = {
        ln.strip() for ln in (evals_dir / "languages.txt").read_text().splitlines() if ln.strip()
    }
    identify("import os\nprint(os.getcwd())\n")  # warm up: model and grammars load once
    preds: list[str | None] = []
    times: list[float] = []
    for row in rows:
        t0 = time.perf_counter()
        guess = identify(row["text"])
        times.append((time.perf_counter() - t0) * 1000)
        preds.append(linguist_name(guess.language))
    in_list = [i for i, r in enumerate(rows) if r["label"] in supported]

    def acc(idx: list[int], p: list[str | None]) -> float:
        return sum(p[i] == rows[i]["label"] for i in idx) / len(idx) if idx else 0.0

    snip = [i for i in in_list if rows[i]["variant"] != "full"]
    full = [i for i in in_list if rows[i]["variant"] == "full"]
    all_snip = [i for i, r in enumerate(rows) if r["variant"] != "full"]
    metrics = {
        "accuracy_snippet": acc(snip, preds),
        "accuracy_full": acc(full, preds),
        "accuracy_supported": acc(in_list, preds),
        "accuracy_all_rows": acc(list(range(len(rows))), preds),
        "accuracy_all_snippet_rows": acc(all_snip, preds),
        "rows_supported": float(len(in_list)),
        "rows_unsupported": float(len(rows) - len(in_list)),
        "ms_p50": pct(times, 0.5),
        "ms_p95": pct(times, 0.95),
    }
    # ablations on the supported rows
    model_only = [None] * len(rows)
    no_rerank = [None] * len(rows)
    for i in in_list:
        model_only[i] = _guess(rows[i]["text"], rules=False, rerank=False)[0]
        no_rerank[i] = _guess(rows[i]["text"], rules=True, rerank=False)[0]
    metrics["accuracy_snippet_model_only"] = acc(snip, model_only)
    metrics["accuracy_snippet_no_rerank"] = acc(snip, no_rerank)
    metrics["accuracy_full_model_only"] = acc(full, model_only)

    # confusion summary (supported rows, both variants)
    per_total: Counter = Counter()
    per_right: Counter = Counter()
    confused: dict[str, Counter] = defaultdict(Counter)
    for i in in_list:
        gold = rows[i]["label"]
        per_total[gold] += 1
        if preds[i] == gold:
            per_right[gold] += 1
        else:
            confused[gold][preds[i] or "plaintext"] += 1
    worst = sorted(per_total, key=lambda g: (per_right[g] / per_total[g], -per_total[g]))[:10]
    unsupported: Counter = Counter(r["label"] for r in rows if r["label"] not in supported)

    lines = [
        "## langid (langid.jsonl)",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for k, v in metrics.items():
        lines.append(f"| {k} | {v:.3f} |" if not k.startswith("rows") else f"| {k} | {int(v)} |")
    lines += [
        "",
        "Worst 10 supported languages (both variants):",
        "",
        "| language | rows | accuracy | most often predicted instead |",
        "|---|---|---|---|",
    ]
    for g in worst:
        mist = ", ".join(f"{k} {n}" for k, n in confused[g].most_common(3)) or "-"
        lines.append(f"| {g} | {per_total[g]} | {per_right[g] / per_total[g]:.2f} | {mist} |")
    lines += [
        "",
        f"Rows labelled outside the 49 languages: {len(rows) - len(in_list)} "
        f"({len(unsupported)} labels, e.g. "
        + ", ".join(f"{k} {n}" for k, n in unsupported.most_common(8))
        + "); they always count as wrong in accuracy_all_rows.",
    ]
    return {"task": "langid", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
