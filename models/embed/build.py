"""Build the code-search embedder (models/embed/model.onnx + tokenizer.json).

    python models/embed/gather.py                # pairs.jsonl into the cache (PyPI downloads)
    python models/embed/build.py --plain         # the plain wordllama weights, no training
    python models/embed/build.py --ship          # fine-tune on the pairs, export, manifest
    python models/embed/build.py --tag NAME      # a trial: CACHE/runs/NAME/ + NAME.json only

Build-time needs: numpy, onnx, onnxruntime, tokenizers, and torch for training (a separate venv;
the product never imports torch). CACHE defaults to /work/cache/embed, overridable with
PIECES_EMBED_CACHE.

Start point: the `wordllama` 0.4 wheel (MIT), whose 32,000 x 256 float16 static token-embedding
matrix (l2_supercat_256.safetensors) and LLaMA-2 tokenizer JSON are read straight from the wheel
(its own `load()` tries to download). Fine-tuning keeps that architecture, a mean of token
vectors, and adds two towers over the shared table: queries and documents each get one learned
scalar weight per token (so `self`, `return` or `the` can fade and `json` can speak up) and a
256 x 256 projection initialised to the identity. Loss: symmetric InfoNCE with in-batch
negatives (batches of 2,048; half of them drawn from a single package, which makes the
negatives harder) over (docstring, function source without its docstring) pairs; each epoch
picks for each function one of its queries (summary sentence, whole first paragraph, or the
function name as words) and rewrites half of them as keywords. Hyper-parameters and the epoch
to keep are chosen on a held-out split of the pairs (split by package, so no package is on
both sides); the shared evaluation sets are never read here.

Trials can also rewrite a share of the queries as web questions (`--question-share`) and give
a share of the documents the rest of their docstring (`--rest-share`); validation then has a
third view (questions over such documents) and `--select score3` picks the epoch on all three.
Both were tried for v3 and not kept (MODEL_CARD.md); the defaults rebuild v2.

The export quantises each table row to int8 with its own scale; the scale is folded into each
tower's per-token weight, so the graph is: Gather(int8 rows) -> Cast -> weighted sum over the
mask (MatMul) -> the tower's projection -> L2 normalise (a zero vector stays zero); the scalar
input `is_query` picks the tower. The plain weights are also exported to
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def quantise(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and the float32 dequantisation scale of each row (symmetric, max-abs / 127)."""
    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(table / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def export_onnx(table: np.ndarray, weights: np.ndarray, projs: np.ndarray, path: Path) -> None:
    """Two towers over one int8 table: `is_query` (0 = document, 1 = query) picks the per-token
    factor row (row scale x that tower's token weight) and the tower's 256 x 256 projection."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    vocab, dim = table.shape
    q, scale = quantise(table)
    factors = (weights * scale[None, :]).astype(np.float32)  # (2, vocab)
    mats = np.ascontiguousarray(np.transpose(projs, (0, 2, 1))).astype(np.float32)  # x @ W.T
    nodes = [
        helper.make_node("Gather", ["factors", "is_query"], ["factor"], axis=0),
        helper.make_node("Gather", ["projs", "is_query"], ["proj"], axis=0),
        helper.make_node("Gather", ["table", "input_ids"], ["rows_q"], axis=0),
        helper.make_node("Cast", ["rows_q"], ["rows"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["factor", "input_ids"], ["tok_w"], axis=0),
        helper.make_node("Mul", ["tok_w", "attention_mask"], ["w"]),
        helper.make_node("Unsqueeze", ["w", "axis1"], ["w3"]),
        helper.make_node("MatMul", ["w3", "rows"], ["summed3"]),
        helper.make_node("Squeeze", ["summed3", "axis1"], ["summed"]),
        helper.make_node("MatMul", ["summed", "proj"], ["projected"]),
        helper.make_node("Mul", ["projected", "projected"], ["sq"]),
        helper.make_node("ReduceSum", ["sq", "axis_last"], ["sumsq"], keepdims=1),
        helper.make_node("Sqrt", ["sumsq"], ["norm"]),
        helper.make_node("Max", ["norm", "eps"], ["safe_norm"]),
        helper.make_node("Div", ["projected", "safe_norm"], ["embeddings"]),
    ]
    inits = [
        numpy_helper.from_array(q, "table"),
        numpy_helper.from_array(factors, "factors"),
        numpy_helper.from_array(mats, "projs"),
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
            helper.make_tensor_value_info("is_query", TensorProto.INT64, []),
        ],
        [
            helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", dim]),
            # before normalising: run on one token per row, it gives that token's vector and
            # its weight for the re-ranking's token matching (pieces_lsp/search/rerank.py)
            helper.make_tensor_value_info("projected", TensorProto.FLOAT, ["batch", dim]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    model.doc_string = (
        f"pieces-lsp code-search embedder: {vocab} x {dim} int8 static embeddings, "
        "query and document towers"
    )
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


def write_models_dir(
    root: Path, table: np.ndarray, weights: np.ndarray, projs: np.ndarray, tokenizer: bytes
) -> None:
    """model.onnx + tokenizer.json under root/embed/, listed in root/manifest.json."""
    (root / "embed").mkdir(parents=True, exist_ok=True)
    export_onnx(table, weights, projs, root / "embed" / "model.onnx")
    (root / "embed" / "tokenizer.json").write_bytes(tokenizer)
    update_manifest(root, "embed", "embed/model.onnx")
    update_manifest(root, "embed-tokenizer", "embed/tokenizer.json")


# --------------------------------------------------------------------------- data


def load_pairs(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


VAL_PACKAGES = (
    "black", "docutils", "fsspec", "hypothesis", "jedi", "keras", "mpmath", "packaging", "pandera",
    "pdfminer_six", "petl", "pillow", "pip", "pydantic", "sanic", "sphinx", "tornado", "traitlets",
    "typer", "urllib3", "websockets",
)  # fmt: skip
"""The held-out packages: drawn for v1 by a seeded shuffle of its package list (8 % of its
pairs), now fixed so that every model since is compared on the same pairs. The first 4,000 of
their pairs (in file order: black ... pandera) are scored. None of them is trained on."""


def split_by_package(pairs: list[dict]) -> tuple[list[dict], list[dict]]:
    """Train/validation split by package, so validation measures unseen code bases."""
    val = set(VAL_PACKAGES)
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


_ARTICLES = frozenset({"a", "an", "the"})


def _base_verb(word: str) -> str:
    """`returns` -> `return`, `creates` -> `create`, `applies` -> `apply`: summaries are in the
    third person, search boxes in the imperative."""
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s") and len(word) > 3:
        return word[:-1]
    return word


def question_query(query: str, rng: random.Random, language: str = "python") -> str:
    """A docstring summary rewritten as a web search: lower case, the first sentence's first
    clause, the verb in the imperative, articles often dropped, often "how to ..." and the
    language's name before or after ("python read a file line by line", "how to check if file
    exists python"). Search logs look like this, docstrings do not."""
    first = re.split(r"(?<=[a-z0-9)])[.;:](?:\s|$)|, (?:and |or |which |if |unless )", query)[0]
    words = re.findall(r"[a-z0-9_]+", first.lower())[:10]
    if not words:
        return query.lower()
    words[0] = _base_verb(words[0])
    if rng.random() < 0.6:
        words = [w for w in words if w not in _ARTICLES] or words
    r = rng.random()
    if r < 0.35:
        words = ["how", "to", *words]
    elif r < 0.45:
        words = ["how", "do", "i", *words]
    r = rng.random()
    if r < 0.4:
        words.append(language)
    elif r < 0.7:
        words.insert(0, language)
    return " ".join(words)


def augment(
    queries: list[str], share: float, seed: int = SEED + 1, question_share: float = 0.0
) -> list[str]:
    """Rewrite a share of the queries as keywords and another share as web questions."""
    rng = random.Random(seed)
    out = []
    for q in queries:
        r = rng.random()
        if r < share:
            out.append(keyword_query(q, rng))
        elif r < share + question_share:
            out.append(question_query(q, rng))
        else:
            out.append(q)
    return out


def with_docstring_rest(code: str, rest: str | None) -> str:
    """The function with the rest of its docstring (after the summary paragraph) put back
    under its signature, the way real snippets keep their docstrings; the summary the queries
    come from stays out, so the pair is not a copy."""
    if not rest:
        return code
    lines = code.split("\n")
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("def ", "async def ")):
            j = i
            while j < len(lines) and not lines[j].rstrip().endswith(":"):
                j += 1
            if j >= len(lines):
                return code
            indent = " " * (len(lines[i]) - len(lines[i].lstrip()) + 4)
            doc = indent + '"""' + rest.replace("\n", "\n" + indent) + '"""'
            return "\n".join([*lines[: j + 1], doc, *lines[j + 1 :]])
    return code


def query_variants(pair: dict, para_share: float, name_share: float, rng: random.Random) -> str:
    """One of the pair's queries: the summary sentence(s), the whole first paragraph of the
    docstring (when longer), or the function name as words (a weak, lexical query)."""
    r = rng.random()
    if r < name_share and pair.get("name_words"):
        return pair["name_words"]
    if r < name_share + para_share and pair.get("paragraph"):
        return pair["paragraph"]
    return pair["query"]


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
    """Static embedding table shared by two towers (0 = documents, 1 = queries); each tower has
    its own learned (softplus) weight per token and its own 256 x 256 projection (initialised to
    the identity); weighted sum, project, normalise."""

    def __init__(self, table: np.ndarray, asymmetric: bool = True, project: bool = True) -> None:
        import torch

        self.emb = torch.nn.EmbeddingBag.from_pretrained(
            torch.tensor(table), freeze=False, mode="sum", sparse=True
        )
        towers = 2 if asymmetric else 1
        # softplus(0.5413) = 1.0: training starts from the plain mean.
        self.raw_w = [torch.nn.Embedding(table.shape[0], 1, sparse=True) for _ in range(towers)]
        for w in self.raw_w:
            torch.nn.init.constant_(w.weight, 0.5413)
        dim = table.shape[1]
        self.proj = [torch.nn.Parameter(torch.eye(dim)) for _ in range(towers)]
        self.project = project

    def sparse_parameters(self) -> list:
        return [w.weight for w in self.raw_w]

    def encode(self, seqs: list[list[int]], tower: int):  # -> torch.Tensor
        import torch.nn.functional as F

        tower = min(tower, len(self.raw_w) - 1)
        seqs = [s if s else [0] for s in seqs]
        flat, offsets = _bag(seqs)
        w = F.softplus(self.raw_w[tower](flat).squeeze(-1))
        out = self.emb(flat, offsets, per_sample_weights=w)
        if self.project:
            out = out @ self.proj[tower].T
        return F.normalize(out, dim=-1, eps=1e-12)

    def export_state(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(table, token weights 2 x vocab [document, query], projections 2 x dim x dim)."""
        import torch.nn.functional as F

        ws = [F.softplus(w.weight.detach().squeeze(-1)).numpy() for w in self.raw_w]
        ps = [p.detach().numpy() for p in self.proj]
        if len(ws) == 1:
            ws, ps = ws * 2, ps * 2
        return (
            self.emb.weight.detach().numpy().copy(),
            np.stack(ws).astype(np.float32),
            np.stack(ps).astype(np.float32),
        )


def plain_state(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dim = table.shape[1]
    return (
        table,
        np.ones((2, table.shape[0]), dtype=np.float32),
        np.stack([np.eye(dim, dtype=np.float32)] * 2),
    )


def retrieval_mrr(q: np.ndarray, d: np.ndarray, k: int = 10) -> tuple[float, float, float]:
    """(MRR@k, R@1, R@k) where row i of q should find row i of d."""
    sims = q @ d.T
    right = sims[np.arange(len(q)), np.arange(len(q))]
    rank = (sims > right[:, None]).sum(axis=1)
    mrr = float(np.mean(np.where(rank < k, 1.0 / (rank + 1), 0.0)))
    return mrr, float(np.mean(rank == 0)), float(np.mean(rank < k))


def _figures(
    q: np.ndarray, kw: np.ndarray, d: np.ndarray, qs: np.ndarray, dr: np.ndarray
) -> dict[str, float]:
    """`score` (docstring and keyword queries over bare code) is v1/v2's criterion, kept so
    that runs stay comparable; `search` adds web-question queries over code that keeps the rest
    of its docstring (what a saved snippet looks like), and `score3` is the mean of the three."""
    mrr, r1, r10 = retrieval_mrr(q, d)
    kw_mrr, kw_r1, kw_r10 = retrieval_mrr(kw, d)
    qs_mrr, qs_r1, qs_r10 = retrieval_mrr(qs, dr)
    return {
        "score": (mrr + kw_mrr) / 2,
        "score3": (mrr + kw_mrr + qs_mrr) / 3,
        "mrr10": mrr,
        "r1": r1,
        "r10": r10,
        "kw_mrr10": kw_mrr,
        "kw_r1": kw_r1,
        "kw_r10": kw_r10,
        "qs_mrr10": qs_mrr,
        "qs_r1": qs_r1,
        "qs_r10": qs_r10,
    }


@dataclass
class ValSet:
    """Tokenized validation views: docstring, keyword and web-question queries; bare code and
    code with the rest of its docstring."""

    q: list[list[int]]
    kw: list[list[int]]
    qs: list[list[int]]
    d: list[list[int]]
    dr: list[list[int]]


def val_texts(val_pairs: list[dict]) -> dict[str, list[str]]:
    """The raw texts of each validation view (seeded rewrites, the same for every run)."""
    summaries = [p["query"] for p in val_pairs]
    return {
        "q": summaries,
        "kw": augment(summaries, 1.0),
        "qs": augment(summaries, 0.0, question_share=1.0),
        "d": [p["code"] for p in val_pairs],
        "dr": [with_docstring_rest(p["code"], p.get("doc_rest")) for p in val_pairs],
    }


def validate(model: BagModel, val: ValSet) -> dict[str, float]:
    """Validation figures per view; `--select` names the one that picks the epoch."""
    import torch

    with torch.no_grad():
        return _figures(
            model.encode(val.q, 1).numpy(),
            model.encode(val.kw, 1).numpy(),
            model.encode(val.d, 0).numpy(),
            model.encode(val.qs, 1).numpy(),
            model.encode(val.dr, 0).numpy(),
        )


def validate_exported(root: Path, val_pairs: list[dict]) -> dict[str, float]:
    """The same figures through the product's own Embedder on an exported models folder (int8,
    the real preprocessing and tokenizer), so old and new models meet on equal terms."""
    from pieces_lsp.ml.embed import Embedder

    emb = Embedder(root)
    t = val_texts(val_pairs)
    return _figures(
        emb.embed_queries(t["q"]),
        emb.embed_queries(t["kw"]),
        emb.embed_documents(t["d"]),
        emb.embed_queries(t["qs"]),
        emb.embed_documents(t["dr"]),
    )


def _show(epoch: int, m: dict[str, float]) -> str:
    return (
        f"epoch {epoch}: score {m['score']:.4f} score3 {m['score3']:.4f} | docstring MRR@10 "
        f"{m['mrr10']:.4f} R@1 {m['r1']:.4f} R@10 {m['r10']:.4f} | keywords MRR@10 "
        f"{m['kw_mrr10']:.4f} R@1 {m['kw_r1']:.4f} R@10 {m['kw_r10']:.4f} | questions MRR@10 "
        f"{m['qs_mrr10']:.4f} R@1 {m['qs_r1']:.4f} R@10 {m['qs_r10']:.4f}"
    )


def batches_for_epoch(
    packages: list[str], n_batch: int, cluster_share: float, rng: random.Random
) -> list[list[int]]:
    """Index batches. A share of them is drawn from one package at a time (its names, domain
    words and style are shared, so the in-batch negatives are harder); the rest is random."""
    order = list(range(len(packages)))
    rng.shuffle(order)
    n_cluster = int(len(order) * cluster_share)
    clustered = sorted(order[:n_cluster], key=lambda i: packages[i])
    batches = [clustered[i : i + n_batch] for i in range(0, len(clustered), n_batch)]
    rest = order[n_cluster:]
    batches += [rest[i : i + n_batch] for i in range(0, len(rest), n_batch)]
    rng.shuffle(batches)
    return [b for b in batches if len(b) >= 8]


def mine_hard_negatives(
    model: BagModel,
    train_q: list[list[int]],
    train_d: list[list[int]],
    packages: list[str],
    top: int,
    rng: random.Random,
) -> list[int]:
    """For each pair, one of the `top` documents of its own package that the current model
    ranks highest for its query (not its own document): a near miss to learn from. -1 when the
    package has a single function."""
    import torch

    with torch.no_grad():
        qv = torch.cat(
            [model.encode(train_q[i : i + 8192], 1) for i in range(0, len(train_q), 8192)]
        )
        dv = torch.cat(
            [model.encode(train_d[i : i + 8192], 0) for i in range(0, len(train_d), 8192)]
        )
    by_pkg: dict[str, list[int]] = {}
    for i, p in enumerate(packages):
        by_pkg.setdefault(p, []).append(i)
    hard = [-1] * len(packages)
    for members in by_pkg.values():
        if len(members) < 2:
            continue
        ids = torch.tensor(members)
        sims = qv[ids] @ dv[ids].T
        sims.fill_diagonal_(float("-inf"))
        k = min(top, len(members) - 1)
        best = sims.topk(k, dim=1).indices.tolist()
        for row, cands in zip(members, best, strict=True):
            hard[row] = members[rng.choice(cands)]
    return hard


def _hard_columns(
    model: BagModel,
    q: Any,
    idx: list[int],
    hard: list[int],
    train_d: list[list[int]],
    args: argparse.Namespace,
) -> Any:
    """Extra logit columns for the query side: a mined near miss for a share of the batch's
    rows (None when no row has one). A negative that is some row's own positive is masked
    for that row."""
    import torch

    rows = [r for r in range(len(idx)) if hard[idx[r]] >= 0]
    rows = rows[: int(len(rows) * args.hard_share)]
    if not rows:
        return None
    neg_ids = [hard[idx[r]] for r in rows]
    extra = q @ model.encode([train_d[j] for j in neg_ids], 0).T / args.temperature
    own = torch.tensor(idx)[:, None] == torch.tensor(neg_ids)[None, :]
    return extra.masked_fill(own, float("-inf"))


def train(
    table: np.ndarray,
    train_pairs: list[dict],
    tokenizer: bytes,
    val: ValSet,
    args: argparse.Namespace,
    log: list[dict],
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], dict]:
    """Fine-tuned state of the best validation epoch, and that epoch's figures."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    model = BagModel(table, asymmetric=not args.symmetric, project=not args.no_proj)
    opt = torch.optim.SparseAdam([model.emb.weight], lr=args.lr)
    opt_w = torch.optim.SparseAdam(model.sparse_parameters(), lr=args.lr_w)
    opt_p = torch.optim.Adam(model.proj, lr=args.lr_p)
    groups = ((opt, args.lr), (opt_w, args.lr_w), (opt_p, args.lr_p))
    best = {"epoch": 0, **validate(model, val)}
    log.append(dict(best))
    print(_show(0, best), flush=True)
    best_state = plain_state(table)
    # a seeded share of the documents keeps the rest of its docstring (fixed for the run)
    drng = random.Random(SEED + 300)
    docs = [
        with_docstring_rest(p["code"], p.get("doc_rest"))
        if drng.random() < args.rest_share
        else p["code"]
        for p in train_pairs
    ]
    train_d = tokenize(tokenizer, [preprocess_document(c) for c in docs])
    packages = [p["package"] for p in train_pairs]
    steps = args.epochs * math.ceil(len(train_pairs) / args.batch)
    step = 0
    bad = 0
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        # a fresh query variant (sentence / paragraph / name, docstring or keyword style) per
        # pair and epoch
        qrng = random.Random(SEED + 100 + epoch)
        texts = [query_variants(p, args.para_share, args.name_share, qrng) for p in train_pairs]
        texts = augment(
            texts, args.keyword_share, seed=SEED + 200 + epoch, question_share=args.question_share
        )
        train_q = tokenize(tokenizer, [preprocess_query(q) for q in texts])
        hard = (
            mine_hard_negatives(model, train_q, train_d, packages, args.hard_top, rng)
            if args.hard_share > 0 and epoch >= args.hard_from
            else None
        )
        total, n = 0.0, 0
        for idx in batches_for_epoch(packages, args.batch, args.cluster_share, rng):
            frac = step / max(1, steps)
            for o, peak in groups:
                o.param_groups[0]["lr"] = peak * (0.5 * (1 + math.cos(math.pi * frac)))
            q = model.encode([train_q[i] for i in idx], 1)
            d = model.encode([train_d[i] for i in idx], 0)
            logits = q @ d.T / args.temperature
            target = torch.arange(len(idx))
            q_logits = logits
            if hard is not None:
                extra = _hard_columns(model, q, idx, hard, train_d, args)
                if extra is not None:
                    q_logits = torch.cat([logits, extra], dim=1)
            loss = (F.cross_entropy(q_logits, target) + F.cross_entropy(logits.T, target)) / 2
            for o, _ in groups:
                o.zero_grad()
            loss.backward()
            for o, _ in groups:
                o.step()
            total += float(loss.detach())
            n += 1
            step += 1
        row = {"epoch": epoch, **validate(model, val)}
        row["loss"] = total / max(1, n)
        row["seconds"] = time.time() - t0
        log.append(row)
        print(f"{_show(epoch, row)} | loss {row['loss']:.3f} ({row['seconds']:.0f} s)", flush=True)
        if row[args.select] > best[args.select]:
            best = row
            best_state = model.export_state()
            bad = 0
        else:
            bad += 1
            if bad >= args.patience:
                print("early stop", flush=True)
                break
    return best_state, best


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plain", action="store_true", help="export the plain weights only")
    ap.add_argument("--pairs", type=Path, default=CACHE / "pairs.jsonl")
    ap.add_argument("--out", type=Path, default=HERE.parent, help="the models/ folder")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--patience", type=int, default=2)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--lr", type=float, default=0.03)
    ap.add_argument("--lr-w", type=float, default=0.08)
    ap.add_argument("--lr-p", type=float, default=0.002)
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--keyword-share", type=float, default=0.5)
    ap.add_argument("--para-share", type=float, default=0.3)
    ap.add_argument("--name-share", type=float, default=0.05)
    ap.add_argument("--cluster-share", type=float, default=0.5)
    ap.add_argument("--question-share", type=float, default=0.0)
    ap.add_argument("--rest-share", type=float, default=0.0)
    ap.add_argument("--hard-share", type=float, default=0.0, help="rows with a mined negative")
    ap.add_argument("--hard-top", type=int, default=8, help="pick it among this many near misses")
    ap.add_argument("--hard-from", type=int, default=2, help="first epoch with mined negatives")
    ap.add_argument("--select", default="score", choices=("score", "score3", "qs_mrr10"))
    ap.add_argument("--symmetric", action="store_true", help="one tower (v1)")
    ap.add_argument("--no-proj", action="store_true", help="no projection matrices")
    ap.add_argument("--limit", type=int, default=0, help="use at most N training pairs")
    ap.add_argument("--tag", default="", help="name of this run in CACHE/runs/")
    ap.add_argument(
        "--ship", action="store_true", help="write into --out (else only CACHE/trained)"
    )
    args = ap.parse_args()

    table, tokenizer = load_start_point()
    write_models_dir(CACHE / "plain", *plain_state(table), tokenizer)
    if args.plain:
        write_models_dir(args.out, *plain_state(table), tokenizer)
        print(f"plain model written to {args.out / 'embed'}")
        return

    pairs = load_pairs(args.pairs)
    train_pairs, val_pairs = split_by_package(pairs)
    rng = random.Random(SEED)
    rng.shuffle(train_pairs)
    if args.limit:
        train_pairs = train_pairs[: args.limit]
    val_pairs = val_pairs[:4000]
    print(f"{len(train_pairs)} training pairs, {len(val_pairs)} validation pairs", flush=True)
    t0 = time.time()
    t = val_texts(val_pairs)
    val = ValSet(
        *(tokenize(tokenizer, [preprocess_query(x) for x in t[k]]) for k in ("q", "kw", "qs")),
        *(tokenize(tokenizer, [preprocess_document(x) for x in t[k]]) for k in ("d", "dr")),
    )
    print(f"tokenized in {time.time() - t0:.0f} s", flush=True)

    import torch

    torch.set_num_threads(2)
    log: list[dict] = []
    state, best = train(table, train_pairs, tokenizer, val, args, log)
    tag = args.tag or "trained"
    out_dir = CACHE / "runs" / tag
    if out_dir.exists():
        shutil.rmtree(out_dir)
    write_models_dir(out_dir, *state, tokenizer)
    exported = validate_exported(out_dir, val_pairs)
    print(f"exported (int8, through Embedder): {_show(best['epoch'], exported)}", flush=True)
    report = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "train_pairs": len(train_pairs),
        "train_packages": len({p["package"] for p in train_pairs}),
        "val_pairs": len(val_pairs),
        "val_packages": sorted({p["package"] for p in val_pairs}),
        "log": log,
        "best": best,
        "exported": exported,
    }
    (CACHE / "runs" / f"{tag}.json").write_text(json.dumps(report, indent=2))
    if args.ship:
        (CACHE / "train_report.json").write_text(json.dumps(report, indent=2))
        write_models_dir(args.out, *state, tokenizer)
        print(f"fine-tuned model written to {args.out / 'embed'}")


if __name__ == "__main__":
    main()
