"""URL extraction on `links.jsonl` (linkify-it's fixtures): exact-match precision, recall, F1.

Scoring follows the fixtures: for rows marked `first_only` linkify-it's own test checks only the
first link found (the rest of such a line is a comment or a second, untested link), so only our
first link is compared; other rows compare the whole list. The main figures call
`extract_links(text)` as the product does (context "auto": fuzzy domains and bare e-mails only in
prose). Two more rows of figures are given: with the prose rules forced, and "raw", where the gold
links keep credentials (`http://user:pass@host`) that we strip on purpose.
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


def _score(rows: list[dict], preds: list[list[str]], gold_key: str) -> dict[str, float]:
    tp = fp = fn = 0
    for row, pred in zip(rows, preds, strict=True):
        gold = row[gold_key]
        got = pred[:1] if row.get("first_only") else pred
        want = gold[:1] if row.get("first_only") else gold
        tp += len(set(got) & set(want))
        fp += len(set(got) - set(want))
        fn += len(set(want) - set(got))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def evaluate(evals_dir: pathlib.Path) -> dict:
    from pieces_lsp.analysis.links import extract_links, strip_credentials

    rows = [
        json.loads(line)
        for line in (evals_dir / "links.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for row in rows:
        row["policy_links"] = [strip_credentials(u) for u in row["links"]]
    extract_links("warm up https://example.com")
    times: list[float] = []
    auto: list[list[str]] = []
    for row in rows:
        t0 = time.perf_counter()
        auto.append(extract_links(row["text"]))
        times.append((time.perf_counter() - t0) * 1000)
    prose = [extract_links(row["text"], context="prose") for row in rows]

    main = _score(rows, auto, "policy_links")
    forced = _score(rows, prose, "policy_links")
    raw = _score(rows, auto, "links")
    metrics = {
        **main,
        "prose_precision": forced["precision"],
        "prose_recall": forced["recall"],
        "prose_f1": forced["f1"],
        "raw_f1": raw["f1"],
        "rows": float(len(rows)),
        "p50_ms": statistics.median(times),
        "p95_ms": pct(times, 0.95),
    }
    errors: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for row, pred in zip(rows, auto, strict=True):
        want = row["policy_links"][:1] if row["first_only"] else row["policy_links"]
        got = pred[:1] if row["first_only"] else pred
        if set(got) == set(want):
            continue
        if not want:
            key = f"found in a non-link ({row['subset']})"
        elif not got:
            key = "missed"
        else:
            key = "boundary differs"
        errors[key] += 1
        examples.setdefault(key, f"{row['text'][:50]} -> {got[:1]}")
    lines = [
        "### links (`links.jsonl`)",
        "",
        "| metric | value |",
        "|---|---|",
        *(f"| {k} | {v:.4f} |" for k, v in metrics.items()),
        "",
        "Main figures: `extract_links(text)` (auto context) against the gold links with "
        "credentials stripped (our policy); `prose_*`: prose rules forced; `raw_f1`: against "
        "the gold links as written, credentials included. Rows marked `first_only` compare the "
        "first link only, as linkify-it's own fixture test does.",
        "",
        "| error class | count | example |",
        "|---|---|---|",
        *(f"| {k} | {c} | `{examples[k].replace('|', '/')}` |" for k, c in errors.most_common(10)),
    ]
    return {"task": "links", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
