"""Secret detection: the dev set (`secrets.jsonl`) and the realistic whole-file set, ours beside
detect-secrets in the same run.

    python bench/evals/secrets.py [EVALS_DIR] [--rebuild]

Dev set: precision, recall and F1 over rows, recall per eval kind (the row's `rule_id` or
`plugin`), and false positives per kind. Realistic set (`bench/secrets_realistic/`, built once
into the bench cache): precision, recall and F1 per file and per finding, the top false-positive
patterns of ours (rule id + redacted line) and the missed planted kinds. detect-secrets runs
through its scanner path (`SecretsCollection.scan_files` under `default_settings()`, a real file
per row); its results are cached by content hash and version, so only the first run pays for it.
When it is not installed the tables say how to install it and show our figures alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "bench" / "secrets_realistic"))

import build as realistic  # noqa: E402
from _common import DEFAULT_EVALS, pct, read_jsonl  # noqa: E402

INSTALL_HINT = "pip install -r bench/requirements-secrets.txt"
ALLOWLIST = ROOT / "bench" / "secrets_realistic" / "allowlist.toml"
Span = tuple[int, int]
Finding = tuple[int, int, str, int]  # start, end, rule/type, 0-based line


# --- engines ---------------------------------------------------------------------------------


def our_engine() -> tuple[str, Callable[[str, str | None], list[Finding]]]:
    """The new engine (`pieces_lsp.secrets.find`), or the old one while the new one lands."""
    try:
        from pieces_lsp.secrets import find

        def run(text: str, filename: str | None) -> list[Finding]:
            return [(m.start, m.end, m.rule, m.line) for m in find(text, filename=filename)]

        return "pieces_lsp.secrets", run
    except ImportError:
        from pieces_lsp.secrets._old import find as old_find

        def run_old(text: str, filename: str | None) -> list[Finding]:
            return [(m.start, m.end, m.rule, m.line) for m in old_find(text)]

        return "old engine", run_old


def ds_version() -> str | None:
    try:
        from detect_secrets.__version__ import VERSION
    except ImportError:
        return None
    return str(VERSION)


def _cache_dir() -> Path:
    return realistic.CACHE / "detect-secrets"


def detect_secrets_scan(files: list[tuple[str, str]]) -> dict[str, list[Finding]] | None:
    """detect-secrets' findings per file name, as (start, end, type, line) spans: the scanner
    gives a line and the secret's value, so the span is the value's place in that line (the
    whole line when the value is not found verbatim, e.g. a multi-line key). Cached by the
    files' contents and the version; None when detect-secrets is not installed."""
    version = ds_version()
    if version is None:
        return None
    h = hashlib.sha256(version.encode())
    for name, text in files:
        h.update(name.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    cache = _cache_dir() / f"{h.hexdigest()[:24]}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    raw: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="ds-bench-") as tmp:
        for name, text in files:
            dest = Path(tmp) / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        coll = SecretsCollection(root=tmp)
        with default_settings():
            coll.scan_files(*(n for n, _ in files), num_processors=os.cpu_count() or 2)
        for fname, secrets in coll.data.items():
            for s in secrets:
                raw[fname].append((s.line_number, s.secret_value or "", s.type))
    texts = dict(files)
    out: dict[str, list[Finding]] = {}
    for name, found in raw.items():
        text = texts[name]
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        spans: list[Finding] = []
        for line_no, value, kind in found:
            i = min(max(line_no - 1, 0), len(starts) - 1)
            ls = starts[i]
            le = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
            at = text.find(value, ls, le) if value else -1
            s, e = (at, at + len(value)) if at >= 0 else (ls, le)
            spans.append((s, e, kind, i))
        out[name] = spans
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


# --- metrics ---------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _kind(row: dict[str, Any]) -> str:
    return str(row.get("rule_id") or row.get("plugin") or "?")


def _dev_name(i: int, row: dict[str, Any]) -> str:
    return f"row{i:05d}.{row.get('file_extension') or 'txt'}"


def redacted_line(text: str, start: int, end: int, width: int = 110) -> str:
    """The finding's line with the value masked (first 3 characters kept, to recognise the
    format): enough to see a class of mistake without printing anything secret."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", start)
    le = len(text) if le < 0 else le
    value = text[start : min(end, le)]
    masked = value[:3] + "…" * (len(value) > 3) + f"[{end - start}]"
    line = (text[ls:start] + masked + text[min(end, le) : le]).strip()
    return line if len(line) <= width else line[: width - 1] + "…"


def dev_set(evals_dir: Path) -> tuple[dict[str, Any], list[str]]:
    rows = read_jsonl(evals_dir / "secrets.jsonl")
    engine_name, run = our_engine()
    ours: list[bool] = []
    rules_fired: list[list[str]] = []
    times: list[float] = []
    for r in rows:
        ext = r.get("file_extension")
        t0 = time.perf_counter()
        found = run(r["text"], f"snippet.{ext}" if ext else None)
        times.append((time.perf_counter() - t0) * 1000)
        ours.append(bool(found))
        rules_fired.append(sorted({f[2] for f in found}))
    ds = detect_secrets_scan([(_dev_name(i, r), r["text"]) for i, r in enumerate(rows)])
    theirs = [bool(ds.get(_dev_name(i, r))) for i, r in enumerate(rows)] if ds is not None else []

    def score(pred: list[bool]) -> tuple[float, float, float]:
        tp = sum(p and r["label"] == 1 for p, r in zip(pred, rows, strict=True))
        fp = sum(p and r["label"] == 0 for p, r in zip(pred, rows, strict=True))
        fn = sum(not p and r["label"] == 1 for p, r in zip(pred, rows, strict=True))
        return prf(tp, fp, fn)

    p, rec, f1 = score(ours)
    metrics: dict[str, Any] = {"precision": p, "recall": rec, "f1": f1}
    metrics["p50_ms"] = pct(times, 0.5)
    metrics["p95_ms"] = pct(times, 0.95)
    lines = [
        f"### Dev set ({len(rows)} rows, {sum(r['label'] for r in rows)} positive)",
        "",
        "| engine | precision | recall | F1 |",
        "|---|---|---|---|",
        f"| ours ({engine_name}) | {p:.3f} | {rec:.3f} | {f1:.3f} |",
    ]
    if ds is None:
        lines.append(f"| detect-secrets | not installed: `{INSTALL_HINT}` | | |")
    else:
        dp, dr, df = score(theirs)
        metrics.update(ds_precision=dp, ds_recall=dr, ds_f1=df)
        lines.append(f"| detect-secrets {ds_version()} | {dp:.3f} | {dr:.3f} | {df:.3f} |")
    total: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    fps: dict[str, Counter[str]] = defaultdict(Counter)
    for r, found, fired in zip(rows, ours, rules_fired, strict=True):
        k = _kind(r)
        if r["label"] == 1:
            total[k] += 1
            hit[k] += found
        elif found:
            fps[k].update(fired)
    worst = sorted(total, key=lambda k: (hit[k] / total[k], -total[k]))
    worst = [k for k in worst if hit[k] < total[k]][:15]
    lines += [
        "",
        f"Our per-kind recall at 1.0 on {sum(hit[k] == total[k] for k in total)}/{len(total)} "
        "kinds; the lowest: " + (", ".join(f"{k} {hit[k]}/{total[k]}" for k in worst) or "none"),
        "",
        f"Our false positives ({sum(sum(c.values()) for c in fps.values())} rule hits on "
        f"{sum(1 for r, f in zip(rows, ours, strict=True) if f and r['label'] == 0)} negative "
        "rows), by eval kind (rules that fired): "
        + (
            "; ".join(
                f"{k} ({', '.join(f'{rule} {n}' for rule, n in c.most_common(3))})"
                for k, c in sorted(fps.items(), key=lambda kv: -sum(kv[1].values()))
            )
            or "none"
        ),
    ]
    return metrics, lines


# --- realistic set ---------------------------------------------------------------------------


def load_allowlist() -> list[dict[str, Any]]:
    """Real files' lines that do hold a credential-shaped value (test-vector keys and tokens):
    labelled as secrets so that an engine reporting them is not charged a false positive."""
    if not ALLOWLIST.exists():
        return []
    import tomllib

    return list(tomllib.loads(ALLOWLIST.read_text(encoding="utf-8")).get("span", []))


def _line_span(text: str, first: int, last: int) -> Span:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    s = starts[min(first - 1, len(starts) - 1)]
    e = starts[last] - 1 if last < len(starts) else len(text)
    return s, e


def realistic_rows(rebuild: bool = False) -> list[dict[str, Any]]:
    rows = realistic.load(realistic.ensure_built(rebuild))
    by_path = {r["path"]: r for r in rows}
    for entry in load_allowlist():
        row = by_path.get(entry["path"])
        if row is None:
            continue
        s, e = _line_span(
            row["text"], int(entry["line"]), int(entry.get("end_line", entry["line"]))
        )
        row["spans"].append({"start": s, "end": e, "kind": "allowlisted", "why": entry["why"]})
        row["label"] = 1
    return rows


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _score_realistic(
    rows: list[dict[str, Any]], found: list[list[Finding]]
) -> dict[str, float | int]:
    ftp = ffp = ffn = 0
    tp_find = fp_find = 0
    spans_hit = spans_total = 0
    for r, fs in zip(rows, found, strict=True):
        labels = [(s["start"], s["end"]) for s in r["spans"]]
        if fs and r["label"]:
            ftp += 1
        elif fs:
            ffp += 1
        elif r["label"]:
            ffn += 1
        for f in fs:
            if any(_overlaps((f[0], f[1]), lab) for lab in labels):
                tp_find += 1
            else:
                fp_find += 1
        spans_total += len(labels)
        spans_hit += sum(any(_overlaps((f[0], f[1]), lab) for f in fs) for lab in labels)
    fp_, fr, ff = prf(ftp, ffp, ffn)
    gp = tp_find / (tp_find + fp_find) if tp_find + fp_find else 0.0
    gr = spans_hit / spans_total if spans_total else 0.0
    gf = 2 * gp * gr / (gp + gr) if gp + gr else 0.0
    return {
        "file_p": fp_, "file_r": fr, "file_f1": ff, "find_p": gp, "find_r": gr, "find_f1": gf,
        "findings": tp_find + fp_find, "fp_findings": fp_find, "fp_files": ffp,
    }  # fmt: skip


def _editor_path(path: str) -> str:
    """The path an editor would give: inside the package or template, without our set's
    `neg/<registry>/<package>/` or `tmpl/<template>/` prefix (which no real path has)."""
    parts = path.split("/")
    return "/".join(parts[3:] if parts[0] == "neg" else parts[2:])


def realistic_set(rebuild: bool = False) -> tuple[dict[str, Any], list[str]]:
    rows = realistic_rows(rebuild)
    engine_name, run = our_engine()
    ours: list[list[Finding]] = []
    t0 = time.perf_counter()
    for r in rows:
        ours.append(run(r["text"], _editor_path(r["path"])))
    ours_s = time.perf_counter() - t0
    ds = detect_secrets_scan([(r["path"], r["text"]) for r in rows])
    theirs = [ds.get(r["path"], []) for r in rows] if ds is not None else None
    pos = sum(r["label"] for r in rows)
    n_lines = sum(r["text"].count("\n") + 1 for r in rows)
    m = _score_realistic(rows, ours)
    lines = [
        f"### Realistic files ({len(rows)} files, {n_lines:,} lines; {pos} with secrets, "
        f"{sum(len(r['spans']) for r in rows)} labelled secrets)",
        "",
        "| engine | file P | file R | file F1 | finding P | finding R | finding F1 | "
        "false-positive files / findings |",
        "|---|---|---|---|---|---|---|---|",
        f"| ours ({engine_name}, {ours_s:.1f} s) | {m['file_p']:.3f} | {m['file_r']:.3f} "
        f"| {m['file_f1']:.3f} | {m['find_p']:.3f} | {m['find_r']:.3f} | {m['find_f1']:.3f} "
        f"| {m['fp_files']} / {m['fp_findings']} |",
    ]
    metrics: dict[str, Any] = {f"real_{k}": v for k, v in m.items() if isinstance(v, float)}
    if theirs is None:
        lines.append(f"| detect-secrets | not installed: `{INSTALL_HINT}` | | | | | | |")
    else:
        d = _score_realistic(rows, theirs)
        metrics.update({f"real_ds_{k}": v for k, v in d.items() if isinstance(v, float)})
        lines.append(
            f"| detect-secrets {ds_version()} | {d['file_p']:.3f} | {d['file_r']:.3f} "
            f"| {d['file_f1']:.3f} | {d['find_p']:.3f} | {d['find_r']:.3f} | {d['find_f1']:.3f} "
            f"| {d['fp_files']} / {d['fp_findings']} |"
        )
    # Our false positives by rule, split by where they fell (real package file, template decoy,
    # elsewhere in a template), one redacted example each.
    fp_by: dict[str, list[tuple[str, str]]] = defaultdict(list)
    missed: dict[str, list[str]] = defaultdict(list)
    for r, fs in zip(rows, ours, strict=True):
        labels = [(s["start"], s["end"]) for s in r["spans"]]
        for f in fs:
            if any(_overlaps((f[0], f[1]), lab) for lab in labels):
                continue
            decoy = next(
                (d["kind"] for d in r["decoys"] if _overlaps((f[0], f[1]), (d["start"], d["end"]))),
                None,
            )
            where = (
                f"decoy:{decoy}" if decoy else ("real" if r["path"].startswith("neg/") else "tmpl")
            )
            fp_by[f[2]].append(
                (where, f"{r['path']}:{f[3] + 1}: {redacted_line(r['text'], f[0], f[1])}")
            )
        for s in r["spans"]:
            if not any(_overlaps((f[0], f[1]), (s["start"], s["end"])) for f in fs):
                missed[s["kind"]].append(
                    f"{r['path']}:{r['text'].count(chr(10), 0, s['start']) + 1}: "
                    + redacted_line(r["text"], s["start"], s["end"])
                )
    lines += ["", "Our top false-positive patterns (rule: count, where; one example):", ""]
    for rule, items in sorted(fp_by.items(), key=lambda kv: -len(kv[1]))[:12]:
        wh = Counter(w for w, _ in items)
        lines.append(
            f"- `{rule}`: {len(items)} ({', '.join(f'{w} {n}' for w, n in wh.most_common(4))}); "
            f"e.g. `{items[0][1]}`"
        )
    if not fp_by:
        lines.append("- none")
    lines += ["", "Our misses by planted kind (count; one example):", ""]
    for kind, items in sorted(missed.items(), key=lambda kv: -len(kv[1]))[:12]:
        lines.append(f"- {kind}: {len(items)}; e.g. `{items[0]}`")
    if not missed:
        lines.append("- none")
    return metrics, lines


def evaluate(evals_dir: Path = DEFAULT_EVALS, rebuild: bool = False) -> dict[str, Any]:
    metrics, lines = dev_set(evals_dir)
    if ds_version() is None:
        lines = [f"(detect-secrets not installed: `{INSTALL_HINT}` for the comparison)", "", *lines]
    try:
        real_metrics, real_lines = realistic_set(rebuild)
    except OSError as exc:  # no network and no cache: still report the dev set
        real_metrics, real_lines = {}, [f"### Realistic files\n\n(not built: {exc})"]
    metrics.update(real_metrics)
    return {"task": "secrets", "metrics": metrics, "table": "\n".join([*lines, "", *real_lines])}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    evals = Path(args[0]) if args else DEFAULT_EVALS
    print(evaluate(evals, rebuild="--rebuild" in sys.argv)["table"])
