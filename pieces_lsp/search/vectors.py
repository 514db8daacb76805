"""The neural retriever's vectors: one pre-normalised float32 matrix for the whole library.

Rows follow the search index's documents. Vectors are derived data, so they live in their own
table and are reused across starts while the model and the snippet's searchable text are the
same (`text_key`); anything missing is embedded in batches and stored back. A query is one
matrix-vector product: 100k snippets x 256 dimensions is a few milliseconds on two cores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pieces_lsp.search.index import IndexedDoc, SnippetIndex

EMBED_BATCH = 256
MAX_EMBED_CHARS = 4000
"""The embedder caps its input in tokens anyway; cutting the text first saves tokenising a
100 KB snippet whose tail would be thrown away."""


def embedding_text(doc: IndexedDoc) -> str:
    """What a snippet is found by: its words first (title, description, tags), then its code."""
    s = doc.snippet
    head = "\n".join(p for p in (s.title, s.description, " ".join(s.tags)) if p)
    return f"{head}\n{s.content}"[:MAX_EMBED_CHARS]


def text_key(doc: IndexedDoc) -> str:
    return hashlib.sha1(repr(doc.key).encode("utf-8")).hexdigest()[:20]


class VectorIndex:
    def __init__(self, dim: int, model_id: str) -> None:
        self.dim = dim
        self.model_id = model_id
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._row_of: dict[int, int] = {}  # document number -> row
        self._num_at: list[int] = []  # row -> document number (-1: free)
        self._key_of: dict[int, str] = {}
        self._free: list[int] = []
        self._first = True
        self._synced_token: str | None = None

    def __len__(self) -> int:
        return len(self._row_of)

    @property
    def nbytes(self) -> int:
        return int(self._matrix.nbytes)

    def sync(
        self,
        index: SnippetIndex,
        embed: Callable[[list[str]], np.ndarray],
        load: Callable[[], Iterable[tuple[str, str, bytes]]],
        store: Callable[[list[tuple[str, str, bytes]]], object],
    ) -> int:
        """Follow the search index; returns how many snippets had to be embedded. A no-op while
        the index is at the library snapshot it was last followed at."""
        if index.token is not None and index.token == self._synced_token:
            return 0
        live: dict[int, IndexedDoc] = {d.num: d for d in index.docs()}
        for num in [n for n in self._row_of if n not in live]:
            self._release(num)
        todo: list[IndexedDoc] = []
        for num, doc in live.items():
            key = text_key(doc)
            if self._key_of.get(num) == key:
                continue
            todo.append(doc)
        if not todo:
            self._synced_token = index.token
            return 0
        # Stored vectors are read once, on the first sync (a start); later syncs only meet
        # snippets that changed, whose stored vectors are stale anyway. Not kept afterwards:
        # the matrix already holds them.
        stored = {sid: (k, blob) for sid, k, blob in load()} if self._first else {}
        self._first = False
        missing: list[tuple[IndexedDoc, str]] = []
        for doc in todo:
            key = text_key(doc)
            got = stored.get(doc.id)
            if got is not None and got[0] == key and len(got[1]) == self.dim * 2:
                vec = np.frombuffer(got[1], dtype=np.float16).astype(np.float32)
                self._put(doc.num, key, vec)
            else:
                missing.append((doc, key))
        for start in range(0, len(missing), EMBED_BATCH):
            chunk = missing[start : start + EMBED_BATCH]
            vectors = embed([embedding_text(d) for d, _ in chunk])
            rows = []
            for (doc, key), vec in zip(chunk, vectors, strict=True):
                self._put(doc.num, key, vec)
                rows.append((doc.id, key, vec.astype(np.float16).tobytes()))
            store(rows)
        self._synced_token = index.token
        return len(missing)

    def _put(self, num: int, key: str, vec: np.ndarray) -> None:
        row = self._row_of.get(num)
        if row is None:
            if self._free:
                row = self._free.pop()
            else:
                row = len(self._num_at)
                if row >= len(self._matrix):
                    grown = np.zeros((max(64, 2 * len(self._matrix)), self.dim), np.float32)
                    grown[: len(self._matrix)] = self._matrix
                    self._matrix = grown
                self._num_at.append(-1)
            self._row_of[num] = row
            self._num_at[row] = num
        norm = float(np.linalg.norm(vec))
        self._matrix[row] = vec / norm if norm > 0 else 0.0
        self._key_of[num] = key

    def _release(self, num: int) -> None:
        row = self._row_of.pop(num)
        self._key_of.pop(num, None)
        self._matrix[row] = 0.0
        self._num_at[row] = -1
        self._free.append(row)

    def vector(self, num: int) -> np.ndarray | None:
        row = self._row_of.get(num)
        return None if row is None else self._matrix[row]

    def top(
        self, query: np.ndarray, depth: int, allowed: AbstractSet[int] | None = None
    ) -> list[tuple[int, float]]:
        """(document, cosine) best first, over the allowed documents."""
        used = len(self._num_at)
        if not used or depth <= 0:
            return []
        if allowed is not None:
            rows = [self._row_of[n] for n in allowed if n in self._row_of]
            if not rows:
                return []
            idx = np.asarray(rows)
            scores = self._matrix[idx] @ query
            nums = [self._num_at[r] for r in rows]
        else:
            scores = self._matrix[:used] @ query
            nums = self._num_at
        k = min(depth, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(nums[i], float(scores[i])) for i in best if nums[i] >= 0]

    def nums(self) -> Sequence[int]:
        return list(self._row_of)
