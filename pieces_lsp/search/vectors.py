"""The neural retriever's vectors: one pre-normalised float32 matrix for the whole library.

A snippet's row is its text through the embedder's code tower plus its prose through the query
tower (`PROSE_WEIGHT`), summed and normalised, so a query is still one product with one matrix.

Rows follow the search index's documents. Vectors are derived data, so they live in their own
table and are reused across starts while the model and the snippet's searchable text are the
same (`text_key`); anything missing is embedded in batches and stored back. A query is one
matrix-vector product: 100k snippets x 256 dimensions is a few milliseconds on two cores.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

import numpy as np

from pieces_lsp.search.docset import as_array
from pieces_lsp.search.prose import prose

if TYPE_CHECKING:
    from pieces_lsp.search.index import IndexedDoc, SnippetIndex

EMBED_BATCH = 256
MAX_EMBED_CHARS = 4000
"""The embedder caps its input in tokens anyway; cutting the text first saves tokenising a
100 KB snippet whose tail would be thrown away."""


PROSE_WEIGHT = 0.5
"""Weight of the query-tower vector of a snippet's prose (title, docstrings, comments, defined
names; `prose_text`) added to the code-tower vector of its whole text before normalising.
Chosen with `bench/tune_hybrid.py --prose` on held-out training pairs (0.25-0.75 within 0.001
of each other there, 1.0 worse)."""


def embedding_text(doc: IndexedDoc) -> str:
    """What a snippet is found by: its words first (title, description, tags), then its code."""
    s = doc.snippet
    head = "\n".join(p for p in (s.title, s.description, " ".join(s.tags)) if p)
    return f"{head}\n{s.content}"[:MAX_EMBED_CHARS]


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def prose_text(doc: IndexedDoc) -> str:
    """A snippet's words for people: its title (the user's own words when they gave one), then
    the prose of its code."""
    s = doc.snippet
    return "\n".join(p for p in (s.title, prose(s.content)) if p)


def _with_prose(
    vectors: np.ndarray, texts: list[str], embed_prose: Callable[[list[str]], np.ndarray]
) -> np.ndarray:
    """Each code vector plus PROSE_WEIGHT x its snippet's prose vector (both unit length);
    `_put` normalises the sum. A snippet without prose keeps its code vector."""
    out = _unit(np.asarray(vectors, dtype=np.float32))
    have = [i for i, t in enumerate(texts) if t]
    if have and PROSE_WEIGHT > 0:
        extra = _unit(np.asarray(embed_prose([texts[i] for i in have]), dtype=np.float32))
        out[have] += PROSE_WEIGHT * extra
    return out


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    """`array` extended to `size` with -1 (no row, no document)."""
    out = np.full(size, -1, dtype=array.dtype)
    out[: len(array)] = array
    return out


def text_key(doc: IndexedDoc) -> str:
    return hashlib.sha1(repr(doc.key).encode("utf-8")).hexdigest()[:20]


class VectorIndex:
    def __init__(self, dim: int, model_id: str) -> None:
        self.dim = dim
        self.model_id = model_id
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._row_of: dict[int, int] = {}  # document number -> row
        self._nums = np.zeros(0, dtype=np.intp)  # row -> document number (-1: free)
        self._rows = np.zeros(0, dtype=np.intp)  # document number -> row (-1: none)
        self._used = 0  # rows handed out (free ones included)
        self._key_of: dict[int, str] = {}
        self._free: list[int] = []
        self._first = True
        self._synced_token: str | None = None
        self._followed: weakref.ref[SnippetIndex] | None = None
        self._removals = -1  # the followed index's `removals` when last in step with it
        self._newest = -1  # its largest document number then

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
        embed_prose: Callable[[list[str]], np.ndarray] | None = None,
    ) -> int:
        """Follow the search index; returns how many snippets had to be embedded. A no-op while
        the index is at the library snapshot it was last followed at.

        A search index never gives a number to another text (a changed snippet is re-added
        under a new number) and hands numbers out in increasing order, so once this index has
        followed it, only the numbers above the newest one seen need a vector, and the rows
        are diffed against the live numbers only when the index has dropped documents since:
        a save in a 100k library touches a few entries, not 100k text hashes. Any other index
        is checked key by key."""
        if index.token is not None and index.token == self._synced_token:
            return 0
        todo: list[tuple[IndexedDoc, str]] = []
        removals, newest = index.removals, self._newest
        if self._followed is not None and self._followed() is index:
            if removals != self._removals:
                for num in self._row_of.keys() - index.nums():
                    self._release(num)
            for num in index.added_after(newest):
                newest = num
                if num not in self._key_of:
                    doc = index.by_num(num)
                    todo.append((doc, text_key(doc)))
        else:
            for num in self._row_of.keys() - index.nums():
                self._release(num)
            for doc in index.docs():
                newest = max(newest, doc.num)
                key = text_key(doc)
                if self._key_of.get(doc.num) != key:
                    todo.append((doc, key))
            self._followed = weakref.ref(index)
        if not todo:
            self._synced_token = index.token
            self._removals, self._newest = removals, newest
            return 0
        # Stored vectors are read once, on the first sync (a start); later syncs only meet
        # snippets that changed, whose stored vectors are stale anyway. Not kept afterwards:
        # the matrix already holds them.
        stored = {sid: (k, blob) for sid, k, blob in load()} if self._first else {}
        self._first = False
        missing: list[tuple[IndexedDoc, str]] = []
        for doc, key in todo:
            got = stored.get(doc.id)
            if got is not None and got[0] == key and len(got[1]) == self.dim * 2:
                vec = np.frombuffer(got[1], dtype=np.float16).astype(np.float32)
                self._put(doc.num, key, vec)
            else:
                missing.append((doc, key))
        for start in range(0, len(missing), EMBED_BATCH):
            chunk = missing[start : start + EMBED_BATCH]
            vectors = embed([embedding_text(d) for d, _ in chunk])
            if embed_prose is not None:
                vectors = _with_prose(vectors, [prose_text(d) for d, _ in chunk], embed_prose)
            rows = []
            for (doc, key), vec in zip(chunk, vectors, strict=True):
                self._put(doc.num, key, vec)
                rows.append((doc.id, key, vec.astype(np.float16).tobytes()))
            store(rows)
        self._synced_token = index.token
        self._removals, self._newest = removals, newest  # only once all of it is in
        return len(missing)

    def _put(self, num: int, key: str, vec: np.ndarray) -> None:
        row = self._row_of.get(num)
        if row is None:
            if self._free:
                row = self._free.pop()
            else:
                row = self._used
                self._used += 1
                if row >= len(self._matrix):
                    cap = max(64, 2 * len(self._matrix))
                    grown = np.zeros((cap, self.dim), np.float32)
                    grown[: len(self._matrix)] = self._matrix
                    self._matrix = grown
                    self._nums = _grown(self._nums, cap)
            self._row_of[num] = row
            self._nums[row] = num
            if num >= len(self._rows):
                self._rows = _grown(self._rows, max(64, 2 * len(self._rows), num + 1))
            self._rows[num] = row
        norm = float(np.linalg.norm(vec))
        self._matrix[row] = vec / norm if norm > 0 else 0.0
        self._key_of[num] = key

    def _release(self, num: int) -> None:
        row = self._row_of.pop(num)
        self._key_of.pop(num, None)
        self._matrix[row] = 0.0
        self._nums[row] = -1
        self._rows[num] = -1
        self._free.append(row)

    def vector(self, num: int) -> np.ndarray | None:
        row = self._row_of.get(num)
        return None if row is None else self._matrix[row]

    def top(
        self, query: np.ndarray, depth: int, allowed: AbstractSet[int] | None = None
    ) -> list[tuple[int, float]]:
        """(document, cosine) best first, over the allowed documents. A filter narrows the
        rows with numpy (a language filter may allow the whole library): a small one gathers
        just its rows, a large one scores every row and keeps its own."""
        used = self._used
        if not used or depth <= 0:
            return []
        nums = self._nums[:used]
        if allowed is not None:
            wanted = as_array(allowed)
            wanted = wanted[(wanted >= 0) & (wanted < len(self._rows))]
            rows = self._rows[wanted]
            rows = rows[rows >= 0]
            if not len(rows):
                return []
            if len(rows) * 4 < used:
                scores = self._matrix[rows] @ query
            else:
                scores = (self._matrix[:used] @ query)[rows]
            nums = nums[rows]
        else:
            scores = self._matrix[:used] @ query
        k = min(depth, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [
            (n, s)
            for n, s in zip(nums[best].tolist(), scores[best].tolist(), strict=True)
            if n >= 0
        ]

    def nums(self) -> Sequence[int]:
        return list(self._row_of)
