"""Build the code-search embedder (models/embed/model.onnx + tokenizer.json).

    python models/embed/gather.py                # pairs.jsonl into the cache (PyPI downloads)
    python models/embed/build.py --plain         # the plain wordllama weights, no training
    python models/embed/build.py                 # fine-tune on the pairs, export, manifest

Build-time needs: numpy, onnx, onnxruntime, tokenizers, and torch for training (a separate venv;
the product never imports torch). CACHE defaults to /work/cache/embed, overridable with
PIECES_EMBED_CACHE.

Start point: the `wordllama` 0.4 wheel (MIT), whose 32,000 x 256 float16 static token-embedding
matrix (l2_supercat_256.safetensors) and LLaMA-2 tokenizer JSON are read straight from the wheel
(its own `load()` tries to download). Fine-tuning keeps that architecture, a mean of token
vectors, and adds one learned scalar weight per token (so `self`, `return` or `the` can fade and
`json` can speak up). Loss: symmetric InfoNCE with in-batch negatives over (docstring summary,
function source without its docstring) pairs. Hyper-parameters and the epoch to keep are chosen
on a held-out split of the pairs (split by package, so no package is on both sides); the
shared evaluation sets are never read here.

The export quantises each table row to int8 with its own scale; the scale is folded into the
per-token weight, so the graph is: Gather(int8 rows) -> Cast -> weighted sum over the mask
(MatMul) -> L2 normalise (a zero vector stays zero). The plain weights are also exported to
CACHE/plain/ so bench/evals/embed_quality.py can compare the two.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import struct
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from pieces_lsp.ml.embed import (  # noqa: E402
    MAX_TOKENS,
    preprocess_document,
    preprocess_query,
)

CACHE = Path(os.environ.get("PIECES_EMBED_CACHE", "/work/cache/embed"))
WORDLLAMA = "wordllama==0.4.0.post1"
WEIGHTS = "wordllama/weights/l2_supercat_256.safetensors"
TOKENIZER = "wordllama/tokenizers/l2_supercat_tokenizer_config.json"
SEED = 20250101


# --------------------------------------------------------------------------- start point


def wordllama_wheel() -> Path:
    """The wordllama wheel in CACHE/wheels, downloaded with pip the first time."""
    wheels = CACHE / "wheels"
    found = sorted(wheels.glob("wordllama-0.4.0*.whl"))
    if not found:
        wheels.mkdir(parents=True, exist_ok=True)
        cmd = f"{sys.executable} -m pip download --no-deps {WORDLLAMA} -d {wheels}"
        if os.system(cmd) != 0:
            raise SystemExit(f"failed: {cmd}")
        found = sorted(wheels.glob("wordllama-0.4.0*.whl"))
    return found[0]


def load_start_point() -> tuple[np.ndarray, bytes]:
    """(32000 x 256 float32 table, tokenizer JSON bytes) read from the wheel."""
    with zipfile.ZipFile(wordllama_wheel()) as zf:
        raw = zf.read(WEIGHTS)
        tokenizer = zf.read(TOKENIZER)
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    info = header["embedding.weight"]
    assert info["dtype"] == "F16", info
    lo, hi = info["data_offsets"]
    table = np.frombuffer(raw[8 + n + lo : 8 + n + hi], dtype="<f2").reshape(info["shape"])
    return table.astype(np.float32), tokenizer


# --------------------------------------------------------------------------- export


def quantise(table: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and the float32 factor per token (row scale x learned token weight)."""
    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(table / scale[:, None]), -127, 127).astype(np.int8)
    return q, (scale * weight).astype(np.float32)


def export_onnx(table: np.ndarray, weight: np.ndarray, path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    vocab, dim = table.shape
    q, factor = quantise(table, weight)
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["rows_q"], axis=0),
        helper.make_node("Cast", ["rows_q"], ["rows"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["factor", "input_ids"], ["tok_w"], axis=0),
        helper.make_node("Mul", ["tok_w", "attention_mask"], ["w"]),
        helper.make_node("Unsqueeze", ["w", "axis1"], ["w3"]),
        helper.make_node("MatMul", ["w3", "rows"], ["summed3"]),
        helper.make_node("Squeeze", ["summed3", "axis1"], ["summed"]),
        helper.make_node("Mul", ["summed", "summed"], ["sq"]),
        helper.make_node("ReduceSum", ["sq", "axis_last"], ["sumsq"], keepdims=1),
        helper.make_node("Sqrt", ["sumsq"], ["norm"]),
        helper.make_node("Max", ["norm", "eps"], ["safe_norm"]),
        helper.make_node("Div", ["summed", "safe_norm"], ["embeddings"]),
    ]
    inits = [
        numpy_helper.from_array(q, "table"),
        numpy_helper.from_array(factor, "factor"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "axis_last"),
        numpy_helper.from_array(np.array([1e-12], dtype=np.float32), "eps"),
    ]
    graph = helper.make_graph(
        nodes,
        "pieces_embed",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", dim])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    model.doc_string = f"pieces-lsp code-search embedder: {vocab} x {dim} int8 static embeddings"
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


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


def write_models_dir(root: Path, table: np.ndarray, weight: np.ndarray, tokenizer: bytes) -> None:
    """model.onnx + tokenizer.json under root/embed/, listed in root/manifest.json."""
    (root / "embed").mkdir(parents=True, exist_ok=True)
    export_onnx(table, weight, root / "embed" / "model.onnx")
    (root / "embed" / "tokenizer.json").write_bytes(tokenizer)
    update_manifest(root, "embed", "embed/model.onnx")
    update_manifest(root, "embed-tokenizer", "embed/tokenizer.json")


# --------------------------------------------------------------------------- data


def load_pairs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_by_package(pairs: list[dict], val_share: float) -> tuple[list[dict], list[dict]]:
    """Train/validation split by package, so validation measures unseen code bases."""
    packages = sorted({p["package"] for p in pairs})
    rng = random.Random(SEED)
    rng.shuffle(packages)
    n_pairs = len(pairs)
    val: set[str] = set()
    count = 0
    for pkg in packages:
        if count >= val_share * n_pairs:
            break
        val.add(pkg)
        count += sum(1 for p in pairs if p["package"] == pkg)
    return [p for p in pairs if p["package"] not in val], [p for p in pairs if p["package"] in val]


STOP = frozenset(
    re.findall(
        r"\S+",
        "a an the of to in on for and or is are be by with from as at it its this that which "
        "given if whether into using use uses used should will can may",
    )
)


def keyword_query(query: str, rng: random.Random, language: str = "python") -> str:
    """A docstring summary rewritten the way people type into a search box.

    Lower case, no stop words or punctuation, at most 8 words, and sometimes the language's
    name, so the model learns that such words carry little of the meaning."""
    words = [w for w in re.findall(r"[a-z0-9_]+", query.lower()) if w not in STOP][:8]
    if rng.random() < 0.4:
        words.insert(0 if rng.random() < 0.5 else len(words), language)
    return " ".join(words)


def augment(queries: list[str], share: float) -> list[str]:
    rng = random.Random(SEED + 1)
    return [keyword_query(q, rng) if rng.random() < share else q for q in queries]


def tokenize(tokenizer_json: bytes, texts: list[str]) -> list[list[int]]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(tokenizer_json.decode("utf-8"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    return [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]


# --------------------------------------------------------------------------- train


def _bag(seqs: list[list[int]]) -> tuple[object, object]:
    import torch

    flat = [i for s in seqs for i in s]
    offsets = np.cumsum([0] + [len(s) for s in seqs[:-1]])
    return torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


class BagModel:
    """Static embedding table + a learned (softplus) weight per token; sum, then normalise."""

    def __init__(self, table: np.ndarray) -> None:
        import torch

        self.emb = torch.nn.EmbeddingBag.from_pretrained(
            torch.tensor(table), freeze=False, mode="sum", sparse=True
        )
        # softplus(0.5413) = 1.0: training starts from the plain mean.
        self.raw_w = torch.nn.Embedding(table.shape[0], 1, sparse=True)
        torch.nn.init.constant_(self.raw_w.weight, 0.5413)

    def parameters(self) -> list:
        return [self.emb.weight, self.raw_w.weight]

    def encode(self, seqs: list[list[int]]):  # -> torch.Tensor
        import torch.nn.functional as F

        seqs = [s if s else [0] for s in seqs]
        flat, offsets = _bag(seqs)
        w = F.softplus(self.raw_w(flat).squeeze(-1))
        out = self.emb(flat, offsets, per_sample_weights=w)
        return F.normalize(out, dim=-1, eps=1e-12)

    def token_weight(self) -> np.ndarray:
        import torch.nn.functional as F

        return F.softplus(self.raw_w.weight.detach().squeeze(-1)).numpy().astype(np.float32)


def retrieval_mrr(q: np.ndarray, d: np.ndarray, k: int = 10) -> tuple[float, float, float]:
    """(MRR@k, R@1, R@k) where row i of q should find row i of d."""
    sims = q @ d.T
    right = sims[np.arange(len(q)), np.arange(len(q))]
    rank = (sims > right[:, None]).sum(axis=1)
    mrr = float(np.mean(np.where(rank < k, 1.0 / (rank + 1), 0.0)))
    return mrr, float(np.mean(rank == 0)), float(np.mean(rank < k))


def validate(
    model: BagModel, val_q: list[list[int]], val_kw: list[list[int]], val_d: list[list[int]]
) -> dict[str, float]:
    """Validation figures for docstring-style and keyword-style queries; `score` (their mean
    MRR@10) picks the epoch, because people type both kinds."""
    import torch

    with torch.no_grad():
        d = model.encode(val_d).numpy()
        mrr, r1, r10 = retrieval_mrr(model.encode(val_q).numpy(), d)
        kw_mrr, kw_r1, kw_r10 = retrieval_mrr(model.encode(val_kw).numpy(), d)
    return {
        "score": (mrr + kw_mrr) / 2,
        "mrr10": mrr,
        "r1": r1,
        "r10": r10,
        "kw_mrr10": kw_mrr,
        "kw_r1": kw_r1,
        "kw_r10": kw_r10,
    }


def _show(epoch: int, m: dict[str, float]) -> str:
    return (
        f"epoch {epoch}: score {m['score']:.4f} | docstring MRR@10 {m['mrr10']:.4f} "
        f"R@1 {m['r1']:.4f} R@10 {m['r10']:.4f} | keywords MRR@10 {m['kw_mrr10']:.4f} "
        f"R@1 {m['kw_r1']:.4f} R@10 {m['kw_r10']:.4f}"
    )


def train(
    table: np.ndarray,
    train_q: list[list[int]],
    train_d: list[list[int]],
    val_q: list[list[int]],
    val_kw: list[list[int]],
    val_d: list[list[int]],
    *,
    epochs: int,
    batch: int,
    lr: float,
    lr_w: float,
    temperature: float,
    log: list[dict],
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Fine-tuned (table, token weight) of the best validation epoch, and that epoch's figures."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    model = BagModel(table)
    opt = torch.optim.SparseAdam([model.emb.weight], lr=lr)
    opt_w = torch.optim.SparseAdam([model.raw_w.weight], lr=lr_w)
    best = {"epoch": 0, **validate(model, val_q, val_kw, val_d)}
    log.append(dict(best))
    print(_show(0, best), flush=True)
    best_state = (table.copy(), model.token_weight())
    order = list(range(len(train_q)))
    steps = epochs * math.ceil(len(order) / batch)
    step = 0
    for epoch in range(1, epochs + 1):
        rng.shuffle(order)
        t0 = time.time()
        total, batches = 0.0, 0
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            if len(idx) < 8:
                continue
            frac = step / max(1, steps)
            for group, peak in ((opt.param_groups[0], lr), (opt_w.param_groups[0], lr_w)):
                group["lr"] = peak * (0.5 * (1 + math.cos(math.pi * frac)))
            q = model.encode([train_q[i] for i in idx])
            d = model.encode([train_d[i] for i in idx])
            logits = q @ d.T / temperature
            target = torch.arange(len(idx))
            loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
            opt.zero_grad()
            opt_w.zero_grad()
            loss.backward()
            opt.step()
            opt_w.step()
            total += float(loss.detach())
            batches += 1
            step += 1
        row = {"epoch": epoch, **validate(model, val_q, val_kw, val_d)}
        row["loss"] = total / max(1, batches)
        row["seconds"] = time.time() - t0
        log.append(row)
        print(f"{_show(epoch, row)} | loss {row['loss']:.3f} ({row['seconds']:.0f} s)", flush=True)
        if row["score"] > best["score"]:
            best = row
            best_state = (model.emb.weight.detach().numpy().copy(), model.token_weight())
    return best_state[0], best_state[1], best


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plain", action="store_true", help="export the plain weights only")
    ap.add_argument("--pairs", type=Path, default=CACHE / "pairs.jsonl")
    ap.add_argument("--out", type=Path, default=HERE.parent, help="the models/ folder")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--lr-w", type=float, default=0.05)
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--keyword-share", type=float, default=0.5)
    ap.add_argument("--val-share", type=float, default=0.08)
    ap.add_argument("--limit", type=int, default=0, help="use at most N training pairs")
    ap.add_argument("--no-export", action="store_true", help="train and report only")
    args = ap.parse_args()

    table, tokenizer = load_start_point()
    ones = np.ones(table.shape[0], dtype=np.float32)
    write_models_dir(CACHE / "plain", table, ones, tokenizer)
    if args.plain:
        write_models_dir(args.out, table, ones, tokenizer)
        print(f"plain model written to {args.out / 'embed'}")
        return

    pairs = load_pairs(args.pairs)
    train_pairs, val_pairs = split_by_package(pairs, args.val_share)
    rng = random.Random(SEED)
    rng.shuffle(train_pairs)
    if args.limit:
        train_pairs = train_pairs[: args.limit]
    val_pairs = val_pairs[:4000]
    print(f"{len(train_pairs)} training pairs, {len(val_pairs)} validation pairs", flush=True)
    t0 = time.time()
    queries = augment([p["query"] for p in train_pairs], args.keyword_share)
    train_q = tokenize(tokenizer, [preprocess_query(q) for q in queries])
    train_d = tokenize(tokenizer, [preprocess_document(p["code"]) for p in train_pairs])
    val_q = tokenize(tokenizer, [preprocess_query(p["query"]) for p in val_pairs])
    val_kw = augment([p["query"] for p in val_pairs], 1.0)
    val_kw = tokenize(tokenizer, [preprocess_query(q) for q in val_kw])
    val_d = tokenize(tokenizer, [preprocess_document(p["code"]) for p in val_pairs])
    print(f"tokenized in {time.time() - t0:.0f} s", flush=True)

    import torch

    torch.set_num_threads(2)
    log: list[dict] = []
    new_table, weight, best = train(
        table,
        train_q,
        train_d,
        val_q,
        val_kw,
        val_d,
        epochs=args.epochs,
        batch=args.batch,
        lr=args.lr,
        lr_w=args.lr_w,
        temperature=args.temperature,
        log=log,
    )
    report = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "train_pairs": len(train_pairs),
        "val_pairs": len(val_pairs),
        "val_packages": sorted({p["package"] for p in val_pairs}),
        "log": log,
        "best": best,
    }
    (CACHE / "train_report.json").write_text(json.dumps(report, indent=2))
    print(f"best: {_show(best['epoch'], best)}")
    if args.no_export:
        return
    write_models_dir(args.out, new_table, weight, tokenizer)
    trained = CACHE / "trained"
    if trained.exists():
        shutil.rmtree(trained)
    write_models_dir(trained, new_table, weight, tokenizer)
    print(f"fine-tuned model written to {args.out / 'embed'}")


if __name__ == "__main__":
    main()
