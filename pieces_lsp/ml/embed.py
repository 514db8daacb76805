"""Sentence embeddings for code search: a static token-embedding model run with onnxruntime.

The model (models/embed/model.onnx, built by models/embed/build.py) is a bag of token vectors:
token ids -> int8 rows of a 32,000 x 256 table -> times a learned per-token factor (which also
carries the row's dequantisation scale) -> sum over the unmasked tokens -> a 256 x 256
projection -> L2 normalise. Queries and documents share the table but have their own token
factors and projection (two towers: the graph's `is_query` input picks one), because search-box
words and code use words so differently. A mean
and a sum differ only by a positive factor per text, which the normalisation removes, so the
graph skips the division. The tokenizer is the LLaMA-2 BPE (models/embed/tokenizer.json) run by
the `tokenizers` library.

The text is rewritten before tokenization so that code and prose meet on the same words:
identifiers are kept as written and also split into lower-case words (`readJsonFile` ->
`readJsonFile read json file`, `MAX_SIZE` -> `MAX_SIZE max size`); punctuation and operators are
dropped because in a bag of tokens they only dilute the meaning of the names around them.
`models/embed/build.py` trains through these same functions, so training and inference cannot
drift apart.

Everything loads on the first call to `get_embedder()` (never at import), and both files are
checked against models/manifest.json first.
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np

from pieces_lsp.ml.runtime import session, verify
from pieces_lsp.resources import models_dir

MODEL = "embed"
TOKENIZER = "embed-tokenizer"
MAX_TOKENS = 256
"""Token cap per text: the start of a snippet (its name, arguments, first lines) says most of
what it does, and a bag of 256 tokens is already a stable average."""
MAX_WORDS = 320
"""Word cap before tokenization, so a huge paste never reaches the tokenizer whole."""
MAX_CHARS = 20_000
BATCH = 256
TOKEN_BATCH = 4096

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(text: str) -> list[str]:
    """The words a text is embedded from: identifiers as written plus their lower-case parts."""
    out: list[str] = []
    for tok in _IDENT.findall(text[:MAX_CHARS]):
        if tok.isdigit():
            if len(tok) <= 4:
                out.append(tok)
            continue
        parts = [p.lower() for p in _CAMEL.findall(tok)]
        stripped = tok.strip("_")
        if not stripped:
            continue
        if len(parts) == 1 and parts[0] == stripped:
            out.append(parts[0])
            continue
        out.append(stripped)
        out.extend(parts)
        if len(out) >= MAX_WORDS:
            break
    return out[:MAX_WORDS]


def preprocess_document(text: str) -> str:
    """A snippet (code, or its title/description/tags joined by the caller) as embedding input."""
    return " ".join(words(text))


def preprocess_query(text: str) -> str:
    """A search query as embedding input; the same rewriting as documents, so that a query that
    names an identifier (`parseArgs`) meets the snippet that defines it."""
    return " ".join(words(text))


class Embedder:
    """The embedding model with its tokenizer; build it through `get_embedder()`."""

    dim: int
    model_id: str

    def __init__(self, root: Path | None = None) -> None:
        from tokenizers import Tokenizer

        root = root or models_dir()
        model_file = verify(MODEL, root)
        tokenizer_file = verify(TOKENIZER, root)
        digest = hashlib.sha256(model_file.read_bytes()).hexdigest()
        self._session: Any = session(MODEL, root)
        tok = Tokenizer.from_file(str(tokenizer_file))
        tok.no_padding()
        tok.enable_truncation(MAX_TOKENS)
        self._tokenizer = tok
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        # Two towers (v2): `is_query` picks the query or the document weights; a v1 graph has
        # one tower and no such input.
        self._towers = any(i.name == "is_query" for i in self._session.get_inputs())
        outputs = [o.name for o in self._session.get_outputs()]
        self._output = outputs[0]
        # Token vectors for the re-ranking's token matching, one token per row: the trained
        # matching head (`match`, models/embed/match.py) when the graph has one, else the
        # vectors before normalising (`projected`, the shipped graph since session 7). A
        # vector's length is the token's weight in a query.
        self._token_output = next((o for o in ("match", "projected") if o in outputs), None)
        self.has_token_vectors = self._token_output is not None
        self._doc_tokens: np.ndarray | None = None
        self._doc_tokens_lock = threading.Lock()
        self.model_id = f"embed-v1:{digest[:12]}"

    def _encode(self, prepared: list[str], query: bool) -> np.ndarray:
        out = np.zeros((len(prepared), self.dim), dtype=np.float32)
        if not prepared:
            return out
        # Texts of similar length share a batch, so little work is spent on padding.
        order = sorted(range(len(prepared)), key=lambda i: len(prepared[i]))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            encs = self._tokenizer.encode_batch(
                [prepared[i] for i in idx], add_special_tokens=False
            )
            width = max(1, max(len(e.ids) for e in encs))
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.float32)
            for row, enc in enumerate(encs):
                n = len(enc.ids)
                ids[row, :n] = enc.ids
                mask[row, :n] = 1.0
            feed = {"input_ids": ids, "attention_mask": mask}
            if self._towers:
                feed["is_query"] = np.array(1 if query else 0, dtype=np.int64)
            out[idx] = self._session.run([self._output], feed)[0]
        return out

    def _token_rows(self, ids: np.ndarray, query: bool) -> np.ndarray:
        """(len(ids), dim): each token alone through a tower, as token matching reads it (the
        matching head's output, or the pooled vectors before normalising on a graph without one)."""
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for start in range(0, len(ids), TOKEN_BATCH):
            part = ids[start : start + TOKEN_BATCH].astype(np.int64).reshape(-1, 1)
            feed = {"input_ids": part, "attention_mask": np.ones(part.shape, dtype=np.float32)}
            if self._towers:
                feed["is_query"] = np.array(1 if query else 0, dtype=np.int64)
            out[start : start + len(part)] = self._session.run([self._token_output], feed)[0]
        return out

    def token_ids(self, texts: list[str]) -> list[np.ndarray]:
        """The distinct token ids of each document text, as `embed_documents` reads it."""
        encs = self._tokenizer.encode_batch(
            [preprocess_document(t) for t in texts], add_special_tokens=False
        )
        return [np.unique(np.asarray(e.ids, dtype=np.int64)) for e in encs]

    def document_token_vectors(self) -> np.ndarray:
        """(vocabulary, dim) unit vectors of every token through the document tower, computed
        once (about 0.2 s; 33 MB) the first time token matching runs."""
        if not self.has_token_vectors:
            raise RuntimeError("this embedding model has no token vectors")
        with self._doc_tokens_lock:
            if self._doc_tokens is None:
                ids = np.arange(self._tokenizer.get_vocab_size(), dtype=np.int64)
                rows = self._token_rows(ids, query=False)
                norms = np.linalg.norm(rows, axis=1, keepdims=True)
                self._doc_tokens = rows / np.where(norms > 0, norms, 1.0)
            return self._doc_tokens

    def query_tokens(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A query's distinct tokens through the query tower: (unit vectors, weights summing to
        1). A token's weight is its vector's length, which training made large for the words
        that decide a search and small for "how", "to" and "python" (with a matching head,
        its per-token weight on top of the query tower's)."""
        enc = self._tokenizer.encode(preprocess_query(text), add_special_tokens=False)
        ids = np.unique(np.asarray(enc.ids, dtype=np.int64))
        if not len(ids) or not self.has_token_vectors:
            return np.zeros((0, self.dim), dtype=np.float32), np.zeros(0, dtype=np.float32)
        rows = self._token_rows(ids, query=True)
        norms = np.linalg.norm(rows, axis=1)
        total = float(norms.sum())
        if total <= 0.0:
            return np.zeros((0, self.dim), dtype=np.float32), np.zeros(0, dtype=np.float32)
        return rows / np.maximum(norms, 1e-12)[:, None], (norms / total).astype(np.float32)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32 unit rows (all-zero for a text without words)."""
        return self._encode([preprocess_document(t) for t in texts], query=False)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32 unit rows (all-zero for a query without words)."""
        return self._encode([preprocess_query(t) for t in texts], query=True)


_lock = threading.Lock()
_embedder: Embedder | None = None


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded (and hash-checked) on the first call."""
    global _embedder
    if _embedder is None:
        with _lock:
            if _embedder is None:
                _embedder = Embedder()
    return _embedder


def reset() -> None:
    """Forget the loaded embedder (tests that swap the models folder)."""
    global _embedder
    with _lock:
        _embedder = None
