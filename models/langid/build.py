"""Train and export the language-identification model (models/langid/model.onnx).

    python models/langid/gather.py            # downloads + corpus.jsonl into the cache
    python models/langid/build.py             # samples, features, training, ONNX export

Build-time needs: numpy, scipy, onnx, onnxruntime (a separate venv is fine). The features come
from `pieces_lsp.ml.langid.features`, the same code that runs at inference.

Samples look like snippets: every file gives random windows (mostly 3-15 lines, some 10 and 3-40),
small files are also taken whole. Files are split 90/10 into train/validation by a hash of
their path; the validation figures go to CACHE/val_report.json and the model card.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pieces_lsp.ml.langid import IDENTIFIER, TS_ONLY, VUE_MARKUP, features  # noqa: E402

DIM = 1 << 16
SAMPLES_PER_LANG = 5000
MAX_FILES_PER_LANG = 2500
MAX_WINDOWS_PER_FILE = 150
MASK_SOURCES = 3  # identifiers seen in fewer training packages than this are masked


def _octave_to_matlab(text: str, rng: random.Random) -> str:
    """Octave's dialect (`##` comments, `endfunction`) rewritten to MATLAB style half the time."""
    if rng.random() < 0.5:
        return text
    text = re.sub(r"(?m)^(\s*)#+", lambda m: m.group(1) + "%", text)
    text = re.sub(r"\bend(function|if|for|while|switch|_try_catch|_unwind_protect)\b", "end", text)
    return text.replace("!=", "~=")


_JS_EXT = (".js", ".mjs", ".cjs")
_TS_EXT = (".d.ts", ".d.mts", ".d.cts", ".ts", ".mts", ".cts", ".tsx")
_COMPILED_JS = re.compile(
    r"^//# sourceMappingURL=|Object\.defineProperty\(exports, [\"']__esModule[\"']|"
    r"\b__(awaiter|extends|generator|decorate|importDefault|createBinding)\b",
    re.M,
)


def _stem(path: str, exts: tuple[str, ...]) -> str | None:
    name = path.rsplit("/", 1)[-1]
    for ext in exts:
        if name.endswith(ext):
            return name[: -len(ext)]
    return None


def drop_compiled_js(docs: list[dict]) -> list[dict]:
    """Drop JavaScript compiled from TypeScript (label noise: the same code under both labels).

    Packages such as rxjs or expo ship their TypeScript sources next to the JavaScript that tsc
    or babel made from them; that JavaScript reads like un-annotated TypeScript. A `.js` file is
    dropped when a TypeScript file of the same stem exists in the same package, or when it
    carries compiler output markers (source map comment, tsc's CommonJS/async helpers).
    """
    ts_stems: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        stem = _stem(d["path"], _TS_EXT)
        if stem is not None:
            ts_stems[d["source"]].add(stem)
    out = []
    for d in docs:
        if d["lang"] == "JavaScript":
            stem = _stem(d["path"], _JS_EXT)
            if (stem is not None and stem in ts_stems.get(d["source"], ())) or _COMPILED_JS.search(
                d["text"]
            ):
                continue
        out.append(d)
    return out


def _keep(lang: str, text: str) -> bool:
    """Samples whose text is really another language's are not kept.

    TypeScript without TypeScript-only syntax is valid JavaScript, and a window of a Vue file
    without any markup is the JavaScript or TypeScript of its `<script>` block (such windows
    were two thirds of the Vue samples and taught the model that plain JavaScript is Vue).
    """
    if lang == "TypeScript":
        return TS_ONLY.search(text) is not None
    if lang == "Vue":
        return VUE_MARKUP.search(text) is not None
    return True


def build_vocabulary(docs: list[dict], min_sources: int) -> set[str]:
    """Identifiers that occur in at least `min_sources` distinct packages (any language).

    Keywords, builtins and common library names pass; a package's own class and function
    names do not, so the model cannot learn them as evidence for the package's language.
    """
    seen: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for name in set(IDENTIFIER.findall(d["text"][:30000])):
            sources = seen[name]
            if len(sources) < min_sources:
                sources.add(d["source"])
    return {name for name, sources in seen.items() if len(sources) >= min_sources}


def _lines_window(lines: list[str], n: int, rng: random.Random) -> str:
    if len(lines) <= n:
        return "\n".join(lines)
    start = rng.randrange(0, len(lines) - n + 1)
    return "\n".join(lines[start : start + n])


def make_samples(docs: list[dict], per_lang: int, rng: random.Random) -> list[tuple[str, str]]:
    by_lang: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for d in docs:
        by_lang[d["lang"]][d["source"]].append(d)
    out: list[tuple[str, str]] = []
    for lang, sources in sorted(by_lang.items()):
        # round robin over sources so that no single package dominates a language
        queues = [list(v) for v in sources.values()]
        for q in queues:
            rng.shuffle(q)
        files: list[dict] = []
        while len(files) < MAX_FILES_PER_LANG and any(queues):
            for q in queues:
                if q:
                    files.append(q.pop())
        # languages with few files get more windows per file, so that every language has
        # thousands of snippet-sized samples (the windows overlap, but start at random lines)
        budget = max(1, min(MAX_WINDOWS_PER_FILE, math.ceil(per_lang / max(1, len(files)))))
        for d in files:
            text = d["text"]
            if lang == "MATLAB" and "octave" in d["source"]:
                text = _octave_to_matlab(text, rng)
            lines = [ln for ln in text.split("\n")]
            while lines and not lines[-1].strip():
                lines.pop()
            nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
            if len(nonblank) < 2:
                continue
            head = "\n".join(lines if len(lines) <= 120 else lines[: rng.randint(20, 120)])
            if _keep(lang, head):
                out.append((lang, head))
            # TypeScript windows without TypeScript-only syntax are dropped, so draw more tries
            kept, tries = 0, budget * (3 if lang == "TypeScript" else 1)
            for k in range(tries):
                if kept >= budget:
                    break
                # mostly snippet-sized windows (3-15 lines), some 10-line and longer ones
                n = (10, rng.randint(3, 15), rng.randint(3, 15), rng.randint(3, 40))[k % 4]
                w = _lines_window(lines, n, rng)
                if len(w.strip()) >= 15 and _keep(lang, w):
                    out.append((lang, w))
                    kept += 1
    return out


def featurize(
    samples: list[tuple[str, str]], labels: list[str], vocab: set[str] | None = None
) -> tuple[sp.csr_matrix, np.ndarray]:
    import scipy.sparse as sp

    lab = {name: i for i, name in enumerate(labels)}
    indptr = [0]
    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    y = np.empty(len(samples), dtype=np.int64)
    for i, (lang, text) in enumerate(samples):
        idx, val = features(text, DIM, vocab)
        indices.append(idx)
        values.append(val)
        indptr.append(indptr[-1] + idx.size)
        y[i] = lab[lang]
    x = sp.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.asarray(indptr)),
        shape=(len(samples), DIM),
        dtype=np.float32,
    )
    return x, y


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(
    x: sp.csr_matrix, y: np.ndarray, n_classes: int, *, epochs: int, seed: int, l2: float
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    cw = np.clip((counts.mean() / np.maximum(counts, 1)) ** 0.5, 0.5, 4.0).astype(np.float32)
    w = np.zeros((DIM, n_classes), dtype=np.float32)
    b = np.zeros(n_classes, dtype=np.float32)
    mw, vw = np.zeros_like(w), np.zeros_like(w)
    mb, vb = np.zeros_like(b), np.zeros_like(b)
    lr, b1, b2, eps = 0.02, 0.9, 0.999, 1e-8
    step = 0
    bs = 256
    for ep in range(epochs):
        order = rng.permutation(n)
        loss_sum = 0.0
        t0 = time.time()
        lr_ep = lr * (0.5**ep)
        for s in range(0, n, bs):
            sel = order[s : s + bs]
            xb = x[sel]
            yb = y[sel]
            p = softmax(xb @ w + b)
            sw = cw[yb]
            loss_sum += float(-(np.log(p[np.arange(len(sel)), yb] + 1e-9) * sw).sum())
            g = p
            g[np.arange(len(sel)), yb] -= 1.0
            g *= sw[:, None] / len(sel)
            # sparse gradient: only rows touched by this batch
            rows = np.unique(xb.indices)
            gw = (xb.T @ g)[rows] + l2 * w[rows]
            gb = g.sum(axis=0)
            step += 1
            mw[rows] = b1 * mw[rows] + (1 - b1) * gw
            vw[rows] = b2 * vw[rows] + (1 - b2) * gw * gw
            mb = b1 * mb + (1 - b1) * gb
            vb = b2 * vb + (1 - b2) * gb * gb
            c1, c2 = 1 - b1**step, 1 - b2**step
            w[rows] -= lr_ep * (mw[rows] / c1) / (np.sqrt(vw[rows] / c2) + eps)
            b -= lr_ep * (mb / c1) / (np.sqrt(vb / c2) + eps)
        print(f"epoch {ep}: loss {loss_sum / n:.4f} ({time.time() - t0:.0f}s)", flush=True)
    return w, b


def quantize(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def export_onnx(q: np.ndarray, scale: np.ndarray, b: np.ndarray, path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    c = q.shape[1]
    nodes = [
        helper.make_node("Gather", ["W", "indices"], ["rows"], axis=0),
        helper.make_node("Cast", ["rows"], ["rows_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["values", "axis1"], ["vcol"]),
        helper.make_node("Mul", ["rows_f", "vcol"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted", "axis0"], ["summed"], keepdims=0),
        helper.make_node("Mul", ["summed", "scale"], ["scaled"]),
        helper.make_node("Add", ["scaled", "bias"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probs"], axis=0),
    ]
    inits = [
        numpy_helper.from_array(q, "W"),
        numpy_helper.from_array(scale, "scale"),
        numpy_helper.from_array(b.astype(np.float32), "bias"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0"),
    ]
    graph = helper.make_graph(
        nodes,
        "langid",
        [
            helper.make_tensor_value_info("indices", TensorProto.INT64, ["n"]),
            helper.make_tensor_value_info("values", TensorProto.FLOAT, ["n"]),
        ],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [c])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    model.producer_name = "pieces-lsp models/langid/build.py"
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())


def update_manifest(models: Path, name: str, rel: str) -> None:
    path = models / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {"format": 1, "models": []}
    data = (models / rel).read_bytes()
    entry = {
        "name": name,
        "path": rel,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    manifest["models"] = [m for m in manifest.get("models", []) if m.get("name") != name] + [entry]
    path.write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.environ.get("LANGID_CACHE", "/work/cache/langid"))
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--per-lang", type=int, default=SAMPLES_PER_LANG)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--l2", type=float, default=1e-6)
    ap.add_argument("--dim-bits", type=int, default=16)
    ap.add_argument("--mask-sources", type=int, default=MASK_SOURCES, help="0: no masking")
    args = ap.parse_args()
    cache = Path(args.cache)
    rng = random.Random(args.seed)
    docs = [json.loads(line) for line in (cache / "corpus.jsonl").open(encoding="utf-8")]
    labels = [ln.strip() for ln in (HERE / "labels.txt").read_text().splitlines() if ln.strip()]
    docs = [d for d in docs if d["lang"] in labels]
    n_before = len(docs)
    docs = drop_compiled_js(docs)
    print(f"dropped {n_before - len(docs)} compiled JavaScript files", flush=True)
    global DIM
    DIM = 1 << args.dim_bits
    is_val = lambda d: int(hashlib.md5(d["path"].encode()).hexdigest(), 16) % 10 == 0  # noqa: E731
    train_docs = [d for d in docs if not is_val(d)]
    val_docs = [d for d in docs if is_val(d)]
    vocab = build_vocabulary(train_docs, args.mask_sources) if args.mask_sources else None
    if vocab is not None:
        print(f"vocabulary: {len(vocab)} identifiers in >= {args.mask_sources} packages")
    tr = make_samples(train_docs, args.per_lang, rng)
    va = make_samples(val_docs, 300, random.Random(args.seed + 1))
    print("train samples", len(tr), Counter(lang for lang, _ in tr).most_common())
    t0 = time.time()
    xtr, ytr = featurize(tr, labels, vocab)
    xva, yva = featurize(va, labels, vocab)
    print(f"features {time.time() - t0:.0f}s nnz/row {xtr.nnz / xtr.shape[0]:.0f}", flush=True)
    w, b = train(xtr, ytr, len(labels), epochs=args.epochs, seed=args.seed, l2=args.l2)
    q, scale = quantize(w)
    pred_f = np.asarray(xva @ w + b).argmax(axis=1)
    pred_q = np.asarray((xva @ q.astype(np.float32)) * scale + b).argmax(axis=1)
    per = {}
    for i, name in enumerate(labels):
        m = yva == i
        if m.any():
            per[name] = {"n": int(m.sum()), "acc": round(float((pred_q[m] == i).mean()), 3)}
    report = {
        "val_acc_float": float((pred_f == yva).mean()),
        "val_acc_int8": float((pred_q == yva).mean()),
        "val_samples": len(yva),
        "train_samples": len(ytr),
        "train_per_lang": dict(Counter(lang for lang, _ in tr)),
        "per_lang": per,
    }
    print(json.dumps({k: v for k, v in report.items() if k.startswith("val")}))
    (cache / "val_report.json").write_text(json.dumps(report, indent=1))
    with (cache / "val_samples.jsonl").open("w", encoding="utf-8") as f:
        for lang, text in va:
            f.write(json.dumps({"lang": lang, "text": text}) + "\n")
    export_onnx(q, scale, b, HERE / "model.onnx")
    config: dict = {"dim": DIM, "labels": labels}
    if vocab is not None:
        (HERE / "vocab.txt").write_text("\n".join(sorted(vocab)) + "\n", encoding="utf-8")
        config["vocab"] = "vocab.txt"
    (HERE / "config.json").write_text(json.dumps(config, indent=1) + "\n")
    update_manifest(HERE.parent, "langid", "langid/model.onnx")
    if vocab is not None:
        update_manifest(HERE.parent, "langid-vocab", "langid/vocab.txt")
    print("wrote", HERE / "model.onnx", (HERE / "model.onnx").stat().st_size, "bytes")


if __name__ == "__main__":
    main()
