"""The neural retriever: find snippets by what they do, in any words.

Queries and snippets are embedded by the ONNX model in `models/embed/` (loaded on first use,
never at server start) and compared by cosine over `VectorIndex`'s matrix. When the model
cannot be loaded (a damaged install) "neural" searches fail with a clear message and "hybrid"
carries on without this list.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from pieces_lsp.errors import ModelFileError
from pieces_lsp.search import vectors as vectors_module
from pieces_lsp.search.errors import SearchUnavailableError
from pieces_lsp.search.rerank import TokenMatcher
from pieces_lsp.search.retrievers import Query, Retrieved
from pieces_lsp.search.vectors import VectorIndex

if TYPE_CHECKING:
    from pieces_lsp.library import LibraryService
    from pieces_lsp.search.index import SnippetIndex

log = logging.getLogger(__name__)

MIN_SIMILARITY = 0.15
"""Below this cosine a snippet is not "about" the query. Without a floor every snippet is
someone's nearest neighbour and a precise keyword search would list the whole library. With
embedder v3 (as with v2) and prose vectors, 9 in 10 unrelated query/snippet pairs score below
0.15 (p99 0.32) while the median right answer scores about 0.53 (p10 0.27) (held-out training
pairs, `bench/tune_hybrid.py`); the floor costs the hybrid nothing there."""


class NeuralRetriever:
    name = "neural"

    def __init__(self, library: LibraryService) -> None:
        self._library = library
        self._embedder: Any = None
        self._vectors: VectorIndex | None = None
        self._failure: str | None = None
        self._lock = threading.Lock()
        self._matcher: TokenMatcher | None = None
        self._matcher_of: Any = None

    def embedder(self) -> Any:
        """The process-wide embedder, loaded on first use; a load failure is remembered so
        every later search fails fast with the same message."""
        with self._lock:
            if self._embedder is None:
                if self._failure is not None:
                    raise SearchUnavailableError(self._failure)
                try:
                    from pieces_lsp.ml.embed import get_embedder

                    self._embedder = get_embedder()
                except (ModelFileError, OSError, ImportError, RuntimeError) as exc:
                    self._failure = f"neural search is unavailable: {exc}"
                    log.warning("%s", self._failure)
                    raise SearchUnavailableError(self._failure) from exc
            return self._embedder

    def _store(self, model: str, rows: list[tuple[str, str, bytes]]) -> None:
        try:
            self._library.store_vectors(model, rows)
        except Exception as exc:  # derived data: recomputed next start if it cannot be kept
            log.info("search vectors not stored: %s", type(exc).__name__)

    def vectors(self, index: SnippetIndex) -> VectorIndex:
        """The vector index in step with `index` (call with the search lock held)."""
        embedder = self.embedder()
        # stored vectors are valid for this model and this way of adding prose only
        model = f"{embedder.model_id}+prose{vectors_module.PROSE_WEIGHT:g}"
        if self._vectors is None or self._vectors.model_id != model:
            self._vectors = VectorIndex(embedder.dim, model)
        self._vectors.sync(
            index,
            embedder.embed_documents,
            lambda: self._library.vectors(model),
            lambda rows: self._store(model, rows),
            embed_prose=embedder.embed_queries,
        )
        return self._vectors

    def matches_tokens(self) -> bool:
        """Whether the model can score token matches (graphs with a `projected` output)."""
        return bool(self.embedder().has_token_vectors)

    def token_matches(self, index: SnippetIndex, query: str, nums: list[int]) -> list[float]:
        """Token-level match of `query` with each of these documents (`search/rerank.py`); call
        only when `matches_tokens()`."""
        embedder = self.embedder()
        with self._lock:
            if self._matcher is None or self._matcher_of is not embedder:
                self._matcher, self._matcher_of = TokenMatcher(embedder), embedder
            matcher = self._matcher
        docs = [
            (
                vectors_module.text_key(index.by_num(n)),
                lambda n=n: vectors_module.embedding_text(index.by_num(n)),
            )
            for n in nums
        ]
        return matcher.scores(query, docs)

    def retrieve(
        self, index: SnippetIndex, query: Query, allowed: AbstractSet[int] | None, depth: int
    ) -> Retrieved:
        vectors = self.vectors(index)
        q = self.embedder().embed_queries([query.raw])[0]
        ranking = vectors.top(q, depth, allowed)
        return Retrieved(self.name, [(n, s) for n, s in ranking if s >= MIN_SIMILARITY])
