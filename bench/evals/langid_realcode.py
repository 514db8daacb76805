"""Language identification on 10-line windows of real packages' own files, from text alone.

`langid.jsonl` is one corpus of small exercise programs (sample-programs); users paste windows of
real code: a class body, a block of imports, half a docstring. This check cuts one 10-line
window at a random place of each file of the same installed packages `realcode.py` reads
(Python from site-packages, JavaScript and TypeScript from node_modules, Java from a JDK
`src.zip`, Go/Rust/Ruby/PHP from `--debian DIR`), the file's extension being the truth. Windows
whose lines are mostly comments or docstrings are counted apart: identifying prose by its
language is not what the model is for, and a reader could not do it either.

Run alone: `python bench/evals/langid_realcode.py [--node-modules DIR] [--debian DIR]`.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realcode

from pieces_lsp.analysis.langid import identify, linguist_name

TRUTH = {
    "python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "java": "Java",
    "go": "Go", "rust": "Rust", "ruby": "Ruby", "php": "PHP",
}  # fmt: skip
WINDOW = 10
PER_LANGUAGE = 300
# a line that is only comment or docstring text (or a docstring's quotes)
_COMMENTISH = re.compile(
    r'^\s*(#|//|/\*|\*|"""|\'\'\'|--|=begin|=end)|^\s*[A-Z][\w ,;:()\'-]*[.:]?\s*$'
)


def _windows(sources: list[realcode.Source], rng: random.Random) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = defaultdict(list)
    for source in sources:
        for path, text in source.files:
            lines = text.splitlines()
            if len(lines) < WINDOW + 2:
                continue
            start = rng.randrange(0, len(lines) - WINDOW)
            chunk = lines[start : start + WINDOW]
            body = [ln for ln in chunk if ln.strip()]
            if sum(len(ln.strip()) for ln in body) < 40:
                continue
            commentish = sum(bool(_COMMENTISH.match(ln)) for ln in body) * 2 >= len(body)
            out[source.language].append((path, start + 1, "\n".join(chunk), commentish))
    return out


def evaluate_sources(sources: list[realcode.Source]) -> dict:
    rng = random.Random(11)
    windows = _windows(sources, rng)
    metrics: dict[str, float] = {}
    lines = [
        "### language of 10-line windows of real files (text alone)",
        "",
        "| language | code windows | accuracy | mostly-comment windows | accuracy "
        "| most often instead |",
        "|---|---|---|---|---|---|",
    ]
    for language, truth in TRUTH.items():
        items = windows.get(language, [])
        if not items:
            continue
        picked = rng.sample(items, min(PER_LANGUAGE, len(items)))
        right: Counter[bool] = Counter()
        total: Counter[bool] = Counter()
        instead: Counter[str] = Counter()
        for _path, _start, chunk, commentish in picked:
            guess = linguist_name(identify(chunk).language) or "plaintext"
            total[commentish] += 1
            right[commentish] += guess == truth
            if guess != truth and not commentish:
                instead[guess] += 1
        code_acc = right[False] / total[False] if total[False] else 0.0
        prose_acc = right[True] / total[True] if total[True] else 0.0
        metrics[f"{language}_code_accuracy"] = code_acc
        top = ", ".join(f"{k} {v}" for k, v in instead.most_common(3)) or "-"
        lines.append(
            f"| {truth} | {total[False]} | {code_acc:.3f} | {total[True]} | {prose_acc:.3f} "
            f"| {top} |"
        )
    return {"task": "langid_realcode", "metrics": metrics, "table": "\n".join(lines)}


def evaluate(evals_dir: Path | None = None) -> dict:
    """The eval-runner entry point: the installed packages, as `realcode.py` finds them."""
    return evaluate_sources(realcode.all_sources())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node-modules", type=Path, action="append", default=[])
    ap.add_argument("--debian", type=Path, help="folder of extracted Debian source packages")
    args = ap.parse_args()
    print(evaluate_sources(realcode.all_sources(args.node_modules, args.debian))["table"])


if __name__ == "__main__":
    main()
