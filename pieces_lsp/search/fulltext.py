"""An in-memory BM25 inverted index that changes one document at a time.

The library changes one snippet per save, so the index must add and drop a document without
touching the others, and BM25's corpus statistics (document count, average length, document
frequency) are read at query time. Libraries that build a static sparse matrix (bm25s) must
rebuild on every save; here each term's posting list is a pair of compact arrays (document
numbers ascending, weighted term frequencies) that a save appends to, and a query scores a whole
posting list at once with numpy instead of a Python loop per document: at 100k snippets a common
query word has tens of thousands of postings.

Fields are folded into one weighted bag of terms (a simplified BM25F): a word in the title
counts as several occurrences, so it outweighs the same word deep in the code, while
saturation keeps a long file from winning by repetition.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from pieces_lsp.search.docset import allowed_mask

K1 = 1.2
B = 0.75
MIN_PRUNE_POSTINGS = 2000
PRUNE_SHARE = 20
_RENORM_DRIFT = 0.05
"""Length norms are cached per document with the average length of the moment; they are all
recomputed once the average has drifted this much (cheap, and only after bulk changes)."""


class Postings:
    """One term's documents (ascending) and weights, as `array`s: 12 bytes a posting instead
    of a dict entry's ~100, appended to in O(1) as new documents get ever larger numbers.
    Queries copy them into numpy (`numbers`, `values`; a copy costs microseconds) rather than
    holding a view, which would forbid the next append."""

    __slots__ = ("docs", "weights")

    def __init__(self, doc: int, weight: float) -> None:
        self.docs = array("i", (doc,))
        self.weights = array("d", (weight,))

    def __len__(self) -> int:
        return len(self.docs)

    def put(self, doc: int, weight: float) -> None:
        """Add or replace a posting (callers append inline when `doc` is the largest yet:
        that is nearly always, and a method call per posting is a tenth of a build)."""
        docs = self.docs
        if not docs or docs[-1] < doc:
            docs.append(doc)
            self.weights.append(weight)
            return
        i = bisect_left(docs, doc)
        if i < len(docs) and docs[i] == doc:
            self.weights[i] = weight
        else:
            docs.insert(i, doc)
            self.weights.insert(i, weight)

    def drop(self, doc: int) -> None:
        docs = self.docs
        i = bisect_left(docs, doc)
        if i < len(docs) and docs[i] == doc:
            del docs[i]
            del self.weights[i]

    def numbers(self) -> np.ndarray:
        return np.frombuffer(self.docs, dtype=np.int32).astype(np.intp)

    def values(self) -> np.ndarray:
        return np.frombuffer(self.weights, dtype=np.float64).copy()


class DenseFloats:
    """A float64 per document number, grown by doubling (numbers are small and dense)."""

    __slots__ = ("data",)

    def __init__(self) -> None:
        self.data = np.zeros(64, dtype=np.float64)

    def __setitem__(self, doc: int, value: float) -> None:
        if doc >= len(self.data):
            grown = np.zeros(max(2 * len(self.data), doc + 1), dtype=np.float64)
            grown[: len(self.data)] = self.data
            self.data = grown
        self.data[doc] = value


def top_of(
    docs: np.ndarray, scores: np.ndarray, order: np.ndarray, limit: int
) -> list[tuple[int, float]]:
    """The `limit` best (doc, score), best first; ties go to the lower `order`, then the lower
    document number (the order a dict-of-scores and `heapq.nlargest` gave: first found, in
    posting order). `argpartition` finds the cut without sorting every candidate."""
    if limit <= 0 or not len(docs):
        return []
    if len(docs) > limit:
        cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        keep = np.flatnonzero(scores >= cut)
        docs, scores, order = docs[keep], scores[keep], order[keep]
    best = np.lexsort((docs, order, -scores))[:limit]
    return list(zip(docs[best].tolist(), scores[best].tolist(), strict=True))


def found_order(docs: np.ndarray, scores: np.ndarray, order: np.ndarray) -> dict[int, float]:
    """{doc: score} ordered by `order`, then document number: the order in which a
    per-document loop would have inserted them."""
    by = np.lexsort((docs, order))
    return dict(zip(docs[by].tolist(), scores[by].tolist(), strict=True))


class FullTextIndex:
    def __init__(self) -> None:
        self._postings: dict[str, Postings] = {}
        self._doc_terms: dict[int, dict[str, float]] = {}
        self._doc_len: dict[int, float] = {}
        self._norm = DenseFloats()
        self._total_len = 0.0
        self._norm_avg = 0.0
        self._size = 0
        """One past the largest document number ever indexed (the dense arrays' extent)."""

    def __len__(self) -> int:
        return len(self._doc_terms)

    # -- updates -------------------------------------------------------------------------------

    def add(self, doc: int, weighted_terms: Mapping[str, float]) -> None:
        """Index (or re-index) one document from its weighted term frequencies."""
        if doc in self._doc_terms:
            self.remove(doc)
        tf = dict(weighted_terms)
        length = sum(tf.values())
        self._doc_terms[doc] = tf
        self._doc_len[doc] = length
        self._total_len += length
        postings = self._postings
        for term, w in tf.items():
            posting = postings.get(term)
            if posting is None:
                postings[term] = Postings(doc, w)
            elif posting.docs[-1] < doc:
                posting.docs.append(doc)
                posting.weights.append(w)
            else:
                posting.put(doc, w)
        self._norm[doc] = self._norm_for(length)
        self._size = max(self._size, doc + 1)

    def remove(self, doc: int) -> None:
        tf = self._doc_terms.pop(doc, None)
        if tf is None:
            return
        self._total_len -= self._doc_len.pop(doc)
        for term in tf:
            posting = self._postings.get(term)
            if posting is not None:
                posting.drop(doc)
                if not posting:
                    del self._postings[term]

    # -- statistics ----------------------------------------------------------------------------

    def _avg_len(self) -> float:
        n = len(self._doc_terms)
        return self._total_len / n if n else 1.0

    def _norm_for(self, length: float) -> float:
        avg = self._norm_avg or self._avg_len() or 1.0
        return K1 * (1.0 - B + B * length / avg)

    def _renorm_if_drifted(self) -> None:
        avg = self._avg_len()
        if self._norm_avg and abs(avg - self._norm_avg) <= _RENORM_DRIFT * self._norm_avg:
            return
        self._norm_avg = avg or 1.0
        if self._doc_len:
            docs = np.fromiter(self._doc_len.keys(), dtype=np.intp, count=len(self._doc_len))
            lens = np.fromiter(self._doc_len.values(), dtype=np.float64, count=len(docs))
            self._norm.data[docs] = K1 * (1.0 - B + B * lens / self._norm_avg)

    def df(self, term: str) -> int:
        posting = self._postings.get(term)
        return len(posting) if posting else 0

    def idf(self, term: str) -> float:
        """BM25's idf, floored at zero: a term in every snippet carries no information."""
        n = len(self._doc_terms)
        df = self.df(term)
        if not df:
            return 0.0
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def terms_of(self, doc: int) -> Mapping[str, float]:
        return self._doc_terms.get(doc, {})

    def has(self, doc: int, term: str) -> bool:
        return term in self._doc_terms.get(doc, {})

    # -- queries -------------------------------------------------------------------------------

    def pruning_threshold(self) -> int:
        """A posting-list length past which a term only re-scores documents rarer terms
        found (see `scores`): bounded for speed, but a fixed share of a large library so that
        moderately common words still retrieve on their own."""
        return max(MIN_PRUNE_POSTINGS, len(self._doc_terms) // PRUNE_SHARE)

    def upper_bound(self, query: Sequence[tuple[str, float]]) -> float:
        """The score of a document matching every query term with unbounded frequency: dividing
        by it turns BM25 into a 0..1 score that means the same across queries."""
        return sum(w * self.idf(t) * (K1 + 1.0) for t, w in query)

    def score_arrays(
        self,
        query: Sequence[tuple[str, float]],
        allowed: AbstractSet[int] | None = None,
        *,
        max_postings: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """BM25 of every document matching at least one term, as arrays (docs ascending,
        scores, and the position of the term that found each document first: the tie-break
        `top_of` uses).

        `query` is (term, weight) pairs, scored rarest term first. With `max_postings`, terms
        whose posting list is longer only add to documents that rarer terms already found: the
        ranking barely changes (such terms have a tiny idf) and a query touches fewer
        documents. Each term is one vectorised pass over its postings; the arithmetic is the
        same float64 expression, in the same order, as a per-document loop, so scores do not
        depend on how they were computed."""
        self._renorm_if_drifted()
        n = len(self._doc_terms)
        size = self._size
        acc = np.zeros(size, dtype=np.float64)
        first = np.full(size, -1, dtype=np.int32)
        mask = allowed_mask(allowed, size)
        found = False
        ordered = sorted(
            ((t, w) for t, w in query if t in self._postings),
            key=lambda tw: len(self._postings[tw[0]]),
        )
        norm = self._norm.data
        k1p = K1 + 1.0
        for position, (term, weight) in enumerate(ordered):
            posting = self._postings[term]
            df = len(posting)
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * weight
            if idf <= 0.0:
                continue
            docs = posting.numbers()
            tf = posting.values()
            if max_postings is not None and df > max_postings and found:
                keep = first[docs] >= 0
            elif mask is not None:
                keep = mask[docs]
            else:
                keep = None
            if keep is not None:
                docs = docs[keep]
                tf = tf[keep]
                if not len(docs):
                    continue
            acc[docs] += idf * tf * k1p / (tf + norm[docs])
            fresh = docs[first[docs] < 0]
            if len(fresh):
                first[fresh] = position
                found = True
        docs = np.flatnonzero(first >= 0)
        return docs, acc[docs], first[docs]

    def scores(
        self,
        query: Sequence[tuple[str, float]],
        allowed: AbstractSet[int] | None = None,
        *,
        max_postings: int | None = None,
    ) -> dict[int, float]:
        """BM25 of every document matching at least one term, as {doc: score} (see
        `score_arrays`), in the order documents were found (callers' ties follow it)."""
        docs, acc, first = self.score_arrays(query, allowed, max_postings=max_postings)
        return found_order(docs, acc, first)

    def top(
        self,
        query: Sequence[tuple[str, float]],
        limit: int,
        allowed: AbstractSet[int] | None = None,
        *,
        max_postings: int | None = None,
    ) -> list[tuple[int, float]]:
        docs, acc, first = self.score_arrays(query, allowed, max_postings=max_postings)
        return top_of(docs, acc, first, limit)

    # -- similarity ----------------------------------------------------------------------------

    def tfidf(self, tf: Mapping[str, float]) -> dict[str, float]:
        """Sublinear tf-idf vector of a bag of terms, with the index's current idf."""
        out: dict[str, float] = {}
        for term, f in tf.items():
            idf = self.idf(term)
            if idf > 0.0 and f > 0.0:
                out[term] = (1.0 + math.log(f)) * idf if f >= 1.0 else f * idf
        return out

    def cosine(self, a: Mapping[str, float], b: Mapping[str, float]) -> float:
        """Cosine of two tf-idf vectors (0..1: weights are never negative)."""
        if len(a) > len(b):
            a, b = b, a
        dot = sum(w * b.get(t, 0.0) for t, w in a.items())
        if dot <= 0.0:
            return 0.0
        na = math.sqrt(sum(w * w for w in a.values()))
        nb = math.sqrt(sum(w * w for w in b.values()))
        return min(1.0, dot / (na * nb))


def merge_weighted(fields: Iterable[tuple[Iterable[str], float]]) -> dict[str, float]:
    """One weighted bag of terms from (terms, field weight) pairs."""
    out: dict[str, float] = {}
    for items, weight in fields:
        for t in items:
            out[t] = out.get(t, 0.0) + weight
    return out
