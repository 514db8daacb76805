"""How long the secrets engine takes on a big file, a huge single line and a snippet.

    python bench/bench_secrets.py [--runs 20]

Texts come from the realistic set (`bench/secrets_realistic/`, built into the bench cache on
first use): real package source files concatenated to 10,000 lines with planted secrets from
the set's templates spread through them (a diagnostics pass over a big open document); the same
real text joined into one 1 MB line (minified bundles, data blobs); and a 100-line snippet (a
save). Each is scanned `--runs` times with `find(text, filename=...)` after one warm-up call;
the target is < 100 ms for 10,000 lines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "evals"))
sys.path.insert(0, str(ROOT / "bench" / "secrets_realistic"))

import build as realistic  # noqa: E402
from _common import pct  # noqa: E402

from pieces_lsp.secrets import find  # noqa: E402


def texts() -> list[tuple[str, str, str]]:
    """(label, filename, text) of the three sizes, deterministic for a given built set."""
    rows = realistic.load(realistic.ensure_built())
    real = [r for r in rows if r["path"].startswith("neg/") and r["path"].endswith(".py")]
    planted = [r for r in rows if r["label"] and r["path"].startswith("tmpl/")]
    lines: list[str] = []
    i = 0
    while len(lines) < 10_000:
        lines += real[i % len(real)]["text"].split("\n")
        if i % 4 == 3:  # a planted file every few real ones: ~secrets spread through the text
            lines += planted[(i // 4) % len(planted)]["text"].split("\n")
        i += 1
    big = "\n".join(lines[:10_000])
    flat: list[str] = []
    size = 0
    for r in real:
        chunk = r["text"].replace("\n", " ")
        flat.append(chunk)
        size += len(chunk) + 1
        if size >= 1_000_000:
            break
    one_line = " ".join(flat)[:1_000_000]
    snippet = "\n".join(
        (planted[0]["text"].split("\n") + real[0]["text"].split("\n") + [""] * 100)[:100]
    )
    return [
        ("10,000-line file (real .py + planted secrets)", "big.py", big),
        ("1 MB single line", "bundle.js", one_line),
        ("100-line snippet", "snippet.py", snippet),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args(argv)
    cases = texts()
    t0 = time.perf_counter()
    find("password = 'warm-up-value-1234'", filename="warm.py")
    first_ms = (time.perf_counter() - t0) * 1000
    print(f"Load average {os.getloadavg()[0]:.2f}; first call (loads rules) {first_ms:.0f} ms.\n")
    print("| text | size | findings | p50 | p95 | max |")
    print("|---|---|---|---|---|---|")
    for label, filename, text in cases:
        found = find(text, filename=filename)  # warm-up, and the finding count
        # The engine remembers its last texts (one enrichment asks several times): a distinct
        # last line per run makes every run a real scan, at the same size.
        variants = [f"{text} #{i}" for i in range(args.runs)]
        ms: list[float] = []
        for variant in variants:
            t = time.perf_counter()
            find(variant, filename=filename)
            ms.append((time.perf_counter() - t) * 1000)
        size = f"{text.count(chr(10)) + 1:,} lines, {len(text) / 1e6:.2f} MB"
        print(
            f"| {label} | {size} | {len(found)} | {statistics.median(ms):.1f} ms "
            f"| {pct(ms, 0.95):.1f} ms | {max(ms):.1f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
