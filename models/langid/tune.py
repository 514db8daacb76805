"""Pick the rule scale and the parse-quality weight on the build's validation split (not evals).

    python models/langid/tune.py [--cache DIR]

Uses the files that build.py held out (10% of files by path hash), cut into 10-line windows and
whole small files, at most --per-lang samples per language (default 150), and prints accuracy for
a small grid. The incumbent setting is kept unless another beats it by more than one standard
error (the split is in-distribution, so small differences are noise).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from build import make_samples  # noqa: E402

from pieces_lsp.analysis import langid  # noqa: E402
from pieces_lsp.ml.langid import predict  # noqa: E402

INCUMBENT = (1.0, 1.0, 0.0)  # rule scale, parse weight, TS penalty of the previous release


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.environ.get("LANGID_CACHE", "/work/cache/langid"))
    ap.add_argument("--per-lang", type=int, default=150)
    args = ap.parse_args()
    cache = Path(args.cache)
    labels = [ln.strip() for ln in (HERE / "labels.txt").read_text().splitlines() if ln.strip()]
    docs = []
    for line in (cache / "corpus.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        if d["lang"] in labels and int(hashlib.md5(d["path"].encode()).hexdigest(), 16) % 10 == 0:
            docs.append(d)
    samples = make_samples(docs, args.per_lang, random.Random(99))
    by = defaultdict(list)
    for lang, text in samples:
        by[lang].append(text)
    rng = random.Random(5)
    picked = [
        (lang, t) for lang, ts in by.items() for t in rng.sample(ts, min(args.per_lang, len(ts)))
    ]
    rows = []
    for lang, text in picked:
        probs = predict(text)
        boosts = langid.rule_boosts(text, ts_absent_penalty=0.0)
        ts_absent = langid._TS_ONLY.search(text[:8000]) is None
        top = sorted(probs, key=lambda kv: -kv[1])[:6]
        quality = {}
        for name, _ in top:
            ours = langid.language_for_linguist(name)
            quality[name] = langid._parse_quality(text, ours) if ours else None
        rows.append((lang, dict(probs), boosts, quality, ts_absent))

    def predict_row(row: tuple, scale: float, weight: float, penalty: float) -> str:
        _, probs, boosts, quality, ts_absent = row
        s = {k: math.log(max(p, 1e-9)) + scale * boosts.get(k, 0.0) for k, p in probs.items()}
        if ts_absent:
            s["TypeScript"] -= penalty
        ranked = sorted(s.items(), key=lambda kv: -kv[1])[: langid.TOP_K]
        best = max(
            ranked,
            key=lambda kv: (
                kv[1] + weight * (quality.get(kv[0]) if quality.get(kv[0]) is not None else 0.85)
            ),
        )
        return best[0]

    results = []
    for scale in (0.0, 0.5, 1.0, 1.5):
        for weight in (0.0, 1.0, 2.0):
            for penalty in (0.0, 0.35, 0.7, 1.0, 1.5):
                right = sum(predict_row(r, scale, weight, penalty) == r[0] for r in rows)
                results.append((right / len(rows), scale, weight, penalty))
                print(
                    f"rules x{scale} parse weight {weight} TS penalty {penalty}: "
                    f"{right / len(rows):.4f} (n={len(rows)})"
                )
    best = max(results)
    incumbent = next(r for r in results if r[1:] == INCUMBENT)
    stderr = math.sqrt(max(incumbent[0] * (1 - incumbent[0]), 1e-9) / len(rows))
    acc, scale, weight, penalty = best if best[0] - incumbent[0] > stderr else incumbent
    print(f"best: {best}; incumbent {incumbent}; one standard error {stderr:.4f}")
    print(f"chosen: {acc:.4f} rules x{scale} parse weight {weight} TS penalty {penalty}")
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        per[r[0]][0] += predict_row(r, scale, weight, penalty) == r[0]
        per[r[0]][1] += 1
    worst = sorted(per.items(), key=lambda kv: kv[1][0] / kv[1][1])[:12]
    print("worst:", ", ".join(f"{k} {a / n:.2f}" for k, (a, n) in worst))


if __name__ == "__main__":
    main()
