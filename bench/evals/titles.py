"""Titles, descriptions, tags and templates over the code rows of code_vs_prose and frameworks.

There is no gold title to compare with, so this measures the properties that must always hold
(titles within 60 characters, no secret and no local absolute path in a title or description,
templates that expand back to the exact text) and how often a title comes from a definition
rather than a fallback; a few sample pairs are printed for eyeballing. Timing covers the four
analysers on an already parsed snippet (parsing is timed separately).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pieces_lsp import secrets  # noqa: E402
from pieces_lsp.analysis.definitions import definitions  # noqa: E402
from pieces_lsp.analysis.describe import TITLE_MAX, explain  # noqa: E402
from pieces_lsp.analysis.parsing import parse  # noqa: E402
from pieces_lsp.analysis.tags import tags  # noqa: E402
from pieces_lsp.analysis.template import expand, template  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEFAULT_EVALS, pct, run_alone  # noqa: E402

SAMPLES = 15

# Labels of the eval files -> our language ids; anything else is analysed as plain text.
_LANGS = {
    "python": "python",
    "java": "java",
    "kotlin": "kotlin",
    "xml": "xml",
    "shellsession": "shellscript",
    "shell": "shellscript",
    "json": "json",
    "dockerfile": "dockerfile",
    "sql": "sql",
    "toml": "toml",
    "html": "html",
    "javascript": "javascript",
    "js": "javascript",
    "mjs": "javascript",
    "jsx": "javascriptreact",
    "typescript": "typescript",
    "ts": "typescript",
    "yaml": "yaml",
    "groovy": "groovy",
}
_ABS_PATH = re.compile(r"(?<![\w.:/])(?:/(?:home|Users|root)/|[A-Za-z]:\\(?:Users|home)\\)")


def _rows(evals_dir: Path) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    with (evals_dir / "code_vs_prose.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("label") == "code":
                lang = _LANGS.get(str(row.get("lang") or "").lower(), "plaintext")
                out.append(("code_vs_prose", lang, row["text"]))
    with (evals_dir / "frameworks.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            lang = _LANGS.get(str(row.get("lang") or "").lower(), "plaintext")
            out.append(("frameworks", lang, row["text"]))
    return out


def _context(text: str, lang: str, parsed: Any) -> tuple[list[str], list[str]]:
    """Imports and frameworks from the sibling analysers, when they are there."""
    imports: list[str] = []
    frameworks: list[str] = []
    try:
        from pieces_lsp.analysis.imports import imports as find_imports

        imports = find_imports(text, lang, parsed)
    except Exception:
        pass
    try:
        from pieces_lsp.analysis.frameworks import detect

        frameworks = detect(text, lang, parsed=parsed, imported=imports)[:2]
    except Exception:
        pass
    return imports, frameworks


def evaluate(evals_dir: Path = DEFAULT_EVALS) -> dict[str, Any]:
    rows = _rows(evals_dir)
    sources: Counter[str] = Counter()
    too_long = with_secret = with_path = 0
    templates = round_trips = 0
    has_defs = 0
    tag_counts: list[int] = []
    parse_ms: list[float] = []
    analyse_ms: list[float] = []
    long_ms: list[float] = []
    samples: list[tuple[str, str, str]] = []
    failures: list[str] = []
    step = max(1, len(rows) // SAMPLES)
    for i, (_origin, lang, text) in enumerate(rows):
        t0 = time.perf_counter()
        parsed = parse(text, lang) if lang != "plaintext" else None
        t1 = time.perf_counter()
        imports, frameworks = _context(text, lang, parsed)
        t2 = time.perf_counter()
        described = explain(text, lang, parsed, frameworks=frameworks, imports=imports)
        found_tags = tags(text, lang, parsed, frameworks=frameworks, imports=imports)
        tpl = template(text, lang, parsed)
        t3 = time.perf_counter()
        parse_ms.append((t1 - t0) * 1000)
        analyse_ms.append((t3 - t2) * 1000)
        if text.count("\n") >= 60:
            long_ms.append((t3 - t2) * 1000)
        if parsed is not None and definitions(parsed):
            has_defs += 1
        sources[described.source] += 1
        tag_counts.append(len(found_tags))
        title, desc = described.title, described.description
        if len(title) > TITLE_MAX or not title:
            too_long += 1
        values = [text[m.start : m.end] for m in secrets.find(text)]
        both = title + "\n" + desc
        if secrets.find(both) or any(v in both for v in values if len(v) >= 6):
            with_secret += 1
        if _ABS_PATH.search(both):
            with_path += 1
        if tpl is not None:
            templates += 1
            if expand(tpl) == text:
                round_trips += 1
            elif len(failures) < 5:
                failures.append(f"{lang}: {text[:60]!r}")
        if i % step == 0 and len(samples) < SAMPLES:
            samples.append((lang, title, desc))
    n = len(rows)
    metrics = {
        "rows": float(n),
        "title_from_definition": sources["definition"] / n,
        "title_from_comment": sources["comment"] / n,
        "title_from_route": sources["route"] / n,
        "title_from_action": sources["action"] / n,
        "title_from_declarative": sources["declarative"] / n,
        "title_from_code": sources["code"] / n,
        "title_from_imports": sources["imports"] / n,
        "title_fallback": sources["fallback"] / n,
        "rows_with_definitions": has_defs / n,
        "title_within_60": 1 - too_long / n,
        "secret_in_title_or_description": with_secret / n,
        "abs_path_in_title_or_description": with_path / n,
        "template_rate": templates / n,
        "template_round_trip": round_trips / templates if templates else 1.0,
        "tags_mean": statistics.fmean(tag_counts) if tag_counts else 0.0,
        "analyse_ms_p50": pct(analyse_ms, 0.5),
        "analyse_ms_p95": pct(analyse_ms, 0.95),
        "analyse_ms_p95_60plus_lines": pct(long_ms, 0.95),
        "parse_ms_p50": pct(parse_ms, 0.5),
        "parse_ms_p95": pct(parse_ms, 0.95),
    }
    lines = ["| metric | value |", "|---|---|"]
    for key, value in metrics.items():
        shown = f"{int(value)}" if key == "rows" else f"{value:.3f}"
        lines.append(f"| {key} | {shown} |")
    lines.append("")
    lines.append("Title sources: " + ", ".join(f"{k} {v}" for k, v in sources.most_common()))
    if failures:
        lines.append("Round-trip failures: " + "; ".join(failures))
    lines.append("")
    lines.append("| lang | title | description |")
    lines.append("|---|---|---|")
    for lang, title, desc in samples:
        cell = desc if len(desc) <= 140 else desc[:139] + "…"
        lines.append(f"| {lang} | {title.replace('|', '/')} | {cell.replace('|', '/')} |")
    return {"task": "titles", "metrics": metrics, "table": "\n".join(lines)}


if __name__ == "__main__":
    run_alone(evaluate)
