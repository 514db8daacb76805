"""Train the token-matching head of the code-search embedder and add it to model.onnx.

    python models/embed/build.py --ship          # the embedder itself (see build.py)
    python models/embed/match.py --ship          # then its matching head, into the same graph
    python models/embed/match.py --tag NAME      # a trial: CACHE/runs/match-NAME.npz only
    python models/embed/match.py --from-run NAME # add that trial's head without training again

Why a head: the search re-ranks its top 30 by late interaction (ColBERT's MaxSim,
pieces_lsp/search/rerank.py): each query token meets its best-matching snippet token. The token
vectors the embedder gives on its own were trained to be averaged, not matched one to one, so
the cosine of two related tokens says less than it could. The head is small: per tower a
256 x 256 matrix applied to a token's vector (initialised to the identity, so an untrained head
is the session-7 matching exactly) and, for queries, one learned log-weight per token (the
weight of a query token is the length of its vector times exp of that; initialised to 0).

Training: for each (docstring, function) pair of the training packages (never the held-out
ones, `build.VAL_PACKAGES`), the query (the summary, as keywords or as a web question, like
build.py's) is scored by MaxSim against its function and 31 near misses: functions of the same
package that the embedder's pooled vectors put closest to the query, as the re-ranking sees
them. Loss: cross-entropy over those 32 (temperature 0.05), one epoch, Adam. The held-out
choice of these settings and of the re-ranking weight is in MODEL_CARD.md.

The graph gains the initializers `match_projs` (2, 256, 256) and `match_scales` (2, vocab) and
one output, `match`: the `projected` vector times the tower's matrix, times the token's scale.
It is meant for one token per row (that is how pieces_lsp.ml.embed reads it); the `embeddings`
output and every existing weight are untouched. Build-time needs: numpy, onnx, onnxruntime,
tokenizers, torch.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from build import (  # noqa: E402
    CACHE,
    SEED,
    keyword_query,
    load_pairs,
    question_query,
    split_by_package,
    update_manifest,
)

from pieces_lsp.ml.embed import (  # noqa: E402
    MAX_TOKENS,
    preprocess_document,
    preprocess_query,
)

MATCH_NODES = ("match_proj", "match_scale_row", "match_tok_s", "match_tok_sm", "match_s",
               "match_raw", "match")  # fmt: skip
"""Names this script adds to the graph (removed first, so it can run again on its own output)."""


class Base:
    """The built embedder's own token vectors through both towers, and its pooled vectors."""

    def __init__(self, model: Path, tokenizer: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 2
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        tok = Tokenizer.from_file(str(tokenizer))
        tok.no_padding()
        tok.enable_truncation(MAX_TOKENS)
        self.tok = tok
        self.vocab = tok.get_vocab_size()

    def _run(self, rows: list[list[int]], query: bool, output: str) -> np.ndarray:
        width = max(1, max(len(r) for r in rows))
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.float32)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1.0
        feed = {"input_ids": ids, "attention_mask": mask, "is_query": np.array(int(query))}
        return self.session.run([output], feed)[0]

    def token_rows(self, query: bool) -> np.ndarray:
        """(vocab, dim): every token alone through a tower, before normalising."""
        return np.concatenate(
            [
                self._run([[i] for i in range(s, min(s + 4096, self.vocab))], query, "projected")
                for s in range(0, self.vocab, 4096)
            ]
        )

    def ids(self, texts: list[str], query: bool) -> list[list[int]]:
        prep = preprocess_query if query else preprocess_document
        return [
            e.ids for e in self.tok.encode_batch([prep(t) for t in texts], add_special_tokens=False)
        ]

    def pooled(self, seqs: list[list[int]], query: bool) -> np.ndarray:
        out = np.zeros((len(seqs), 256), dtype=np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for s in range(0, len(order), 256):
            idx = order[s : s + 256]
            out[idx] = self._run([seqs[i] for i in idx], query, "embeddings")
        return out


def training_data(base: Base, pairs: list[dict], rng: random.Random, near: int) -> dict:
    """Query and function token ids, and each query's near misses within its package."""
    queries = []
    for p in pairs:
        r = rng.random()
        q = p["query"]
        queries.append(
            q if r < 0.3 else keyword_query(q, rng) if r < 0.6 else question_query(q, rng)
        )
    qseq = base.ids(queries, query=True)
    dseq = base.ids([p["code"] for p in pairs], query=False)
    qv, dv = base.pooled(qseq, True), base.pooled(dseq, False)
    by_package: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        by_package.setdefault(p["package"], []).append(i)
    negatives: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(pairs)
    for idx in by_package.values():
        ix = np.asarray(idx)
        sims = qv[ix] @ dv[ix].T
        np.fill_diagonal(sims, -9.0)
        top = np.argsort(-sims, axis=1)[:, :near]
        for row, i in enumerate(ix):
            negatives[i] = ix[top[row]]
    return {
        "q": [np.unique(s) for s in qseq],
        "d": [np.unique(s) for s in dseq],
        "neg": negatives,
    }


def train(
    tq: np.ndarray, td: np.ndarray, data: dict, args: argparse.Namespace, rng: random.Random
) -> dict[str, np.ndarray]:
    import torch
    import torch.nn.functional as F

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    vocab, dim = tq.shape
    usable = [
        i
        for i in range(len(data["q"]))
        if len(data["q"][i]) and len(data["d"][i]) and len(data["neg"][i]) >= args.negatives
    ]
    rng.shuffle(usable)
    print(f"{len(usable)} training queries", flush=True)
    tq_t, td_t = torch.from_numpy(tq), torch.from_numpy(td)
    aq = torch.nn.Parameter(torch.eye(dim))
    ad = torch.nn.Parameter(torch.eye(dim))
    bias = torch.nn.Parameter(torch.zeros(vocab))
    opt = torch.optim.Adam([aq, ad, bias], lr=args.lr)

    def pad(rows: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        mask = torch.zeros(len(rows), width, dtype=torch.bool)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.from_numpy(np.asarray(r, dtype=np.int64))
            mask[i, : len(r)] = True
        return ids, mask

    def scores(queries: list[np.ndarray], docs: list[list[np.ndarray]]) -> torch.Tensor:
        qi, qm = pad(queries)
        q = tq_t[qi] @ aq
        w = q.norm(dim=-1) * torch.exp(bias[qi]) * qm
        w = w / w.sum(-1, keepdim=True).clamp_min(1e-9)
        qn = F.normalize(q, dim=-1)
        flat = [d for row in docs for d in row]
        uniq, inv = np.unique(np.concatenate(flat), return_inverse=True)
        u = F.normalize(td_t[torch.from_numpy(uniq)] @ ad, dim=-1)
        bounds = np.cumsum([0] + [len(d) for d in flat])
        di, dm = pad([inv[bounds[k] : bounds[k + 1]] for k in range(len(flat))])
        b, c = len(docs), len(docs[0])
        dv = u[di].view(b, c, di.shape[1], dim)
        sims = torch.einsum("bqe,bcle->bcql", qn, dv).masked_fill(~dm.view(b, c, 1, -1), -2.0)
        return (sims.max(-1).values.clamp_min(0) * w[:, None, :]).sum(-1)

    steps = len(usable) // args.batch
    t0 = time.time()
    for step in range(steps):
        rows = usable[step * args.batch : (step + 1) * args.batch]
        docs = []
        for i in rows:
            near = list(data["neg"][i])
            rng.shuffle(near)
            docs.append([data["d"][i]] + [data["d"][j] for j in near[: args.negatives]])
        s = scores([data["q"][i] for i in rows], docs)
        loss = F.cross_entropy(s / args.temperature, torch.zeros(len(rows), dtype=torch.long))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 500 == 0:
            print(
                f"step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f} s", flush=True
            )
    return {
        "aq": aq.detach().numpy(),
        "ad": ad.detach().numpy(),
        "bias": bias.detach().numpy(),
    }


def add_head(model_path: Path, head: dict[str, np.ndarray], out: Path) -> None:
    """The graph with `match_projs`, `match_scales` and the `match` output (replacing any)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(model_path))
    g = model.graph
    keep = [n for n in g.node if not any(o in MATCH_NODES for o in n.output)]
    del g.node[:]
    g.node.extend(keep)
    inits = [i for i in g.initializer if i.name not in ("match_projs", "match_scales")]
    del g.initializer[:]
    g.initializer.extend(inits)
    outs = [o for o in g.output if o.name != "match"]
    del g.output[:]
    g.output.extend(outs)
    vocab = head["bias"].shape[0]
    projs = np.stack([head["ad"], head["aq"]]).astype(np.float32)  # index = is_query
    scales = np.stack([np.ones(vocab), np.exp(head["bias"])]).astype(np.float32)
    g.initializer.extend(
        [
            numpy_helper.from_array(projs, "match_projs"),
            numpy_helper.from_array(scales, "match_scales"),
        ]
    )
    g.node.extend(
        [
            helper.make_node("Gather", ["match_projs", "is_query"], ["match_proj"], axis=0),
            helper.make_node("Gather", ["match_scales", "is_query"], ["match_scale_row"], axis=0),
            helper.make_node("Gather", ["match_scale_row", "input_ids"], ["match_tok_s"], axis=0),
            helper.make_node("Mul", ["match_tok_s", "attention_mask"], ["match_tok_sm"]),
            helper.make_node("ReduceSum", ["match_tok_sm", "axis_last"], ["match_s"], keepdims=1),
            helper.make_node("MatMul", ["projected", "match_proj"], ["match_raw"]),
            helper.make_node("Mul", ["match_raw", "match_s"], ["match"]),
        ]
    )
    dim = projs.shape[-1]
    g.output.append(helper.make_tensor_value_info("match", TensorProto.FLOAT, ["batch", dim]))
    onnx.checker.check_model(model)
    onnx.save(model, str(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=Path, default=CACHE / "pairs.jsonl")
    ap.add_argument("--models", type=Path, default=HERE.parent, help="the models/ folder")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--negatives", type=int, default=31)
    ap.add_argument("--near", type=int, default=64, help="draw the negatives among this many")
    ap.add_argument("--lr", type=float, default=0.005)
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--tag", default="", help="a trial: write CACHE/runs/match-TAG.npz only")
    ap.add_argument("--ship", action="store_true", help="add the head to --models' model.onnx")
    ap.add_argument(
        "--from-run", default="", help="ship the head of trial TAG (CACHE/runs/) without training"
    )
    args = ap.parse_args()

    model_path = args.models / "embed" / "model.onnx"
    if args.from_run:
        saved = np.load(CACHE / "runs" / f"match-{args.from_run}.npz")
        add_head(model_path, {k: saved[k] for k in ("aq", "ad", "bias")}, model_path)
        update_manifest(args.models, "embed", "embed/model.onnx")
        print(f"matching head of {args.from_run} added to {model_path}")
        return
    base = Base(model_path, args.models / "embed" / "tokenizer.json")
    t0 = time.time()
    tq, td = base.token_rows(query=True), base.token_rows(query=False)
    train_pairs, _ = split_by_package(load_pairs(args.pairs))
    rng = random.Random(SEED)
    data = training_data(base, train_pairs, rng, args.near)
    print(f"{len(train_pairs)} pairs prepared in {time.time() - t0:.0f} s", flush=True)
    head = train(tq, td, data, args, rng)
    runs = CACHE / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    np.savez(runs / f"match-{args.tag or 'shipped'}.npz", **head)
    (runs / f"match-{args.tag or 'shipped'}.json").write_text(
        json.dumps({k: str(v) for k, v in vars(args).items()}, indent=2)
    )
    if args.ship:
        add_head(model_path, head, model_path)
        update_manifest(args.models, "embed", "embed/model.onnx")
        print(f"matching head added to {model_path}")


if __name__ == "__main__":
    main()
