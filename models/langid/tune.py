"""Pick the rule scale and the parse-quality weight on the build's validation split (not evals).

    python models/langid/tune.py [--cache DIR]

Uses the files that build.py held out (10% of files by path hash), cut into 10-line windows and
whole small files, at most 60 samples per language, and prints accuracy for a small grid.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.environ.get("LANGID_CACHE", "/work/cache/langid"))
    args = ap.parse_args()
    cache = Path(args.cache)
    labels = [ln.strip() for ln in (HERE / "labels.txt").read_text().splitlines() if ln.strip()]
    docs = []
    for line in (cache / "corpus.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        if d["lang"] in labels and int(hashlib.md5(d["path"].encode()).hexdigest(), 16) % 10 == 0:
            docs.append(d)
    samples = make_samples(docs, 60, random.Random(99))
    by = defaultdict(list)
    for lang, text in samples:
        by[lang].append(text)
    rng = random.Random(5)
    picked = [(lang, t) for lang, ts in by.items() for t in rng.sample(ts, min(60, len(ts)))]
    rows = []
    for lang, text in picked:
        probs = predict(text)
        boosts = langid.rule_boosts(text)
        top = sorted(probs, key=lambda kv: -kv[1])[:6]
        quality = {}
        for name, _ in top:
            ours = langid.language_for_linguist(name)
            quality[name] = langid._parse_quality(text, ours) if ours else None
        rows.append((lang, dict(probs), boosts, quality))
    for scale in (0.0, 0.5, 1.0, 1.5):
        for weight in (0.0, 1.0, 2.0, 3.0):
            right = 0
            for lang, probs, boosts, quality in rows:
                s = {
                    k: math.log(max(p, 1e-9)) + scale * boosts.get(k, 0.0) for k, p in probs.items()
                }
                ranked = sorted(s.items(), key=lambda kv: -kv[1])[: langid.TOP_K]
                best = max(
                    ranked,
                    key=lambda kv: (
                        kv[1]
                        + weight * (quality.get(kv[0]) if quality.get(kv[0]) is not None else 0.85)
                    ),
                )
                right += best[0] == lang
            print(f"rules x{scale} parse weight {weight}: {right / len(rows):.4f} (n={len(rows)})")


if __name__ == "__main__":
    main()
