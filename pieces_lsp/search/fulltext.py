"""An in-memory BM25 inverted index that changes one document at a time.

The library changes one snippet per save, so the index must add and drop a document without
touching the others: postings are dicts keyed by document number, and BM25's corpus statistics
(document count, average length, document frequency) are read at query time. Libraries that
build a static sparse matrix (bm25s) answer a query faster but must rebuild on every save.

Fields are folded into one weighted bag of terms (a simplified BM25F): a word in the title
counts as several occurrences, so it outweighs the same word deep in the code, while
saturation keeps a long file from winning by repetition.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet

K1 = 1.2
B = 0.75
MIN_PRUNE_POSTINGS = 2000
PRUNE_SHARE = 20
_RENORM_DRIFT = 0.05
"""Length norms are cached per document with the average length of the moment; they are all
recomputed once the average has drifted this much (cheap, and only after bulk changes)."""


class FullTextIndex:
    def __init__(self) -> None:
        self._postings: dict[str, dict[int, float]] = {}
        self._doc_terms: dict[int, dict[str, float]] = {}
        self._doc_len: dict[int, float] = {}
        self._norm: dict[int, float] = {}
        self._total_len = 0.0
        self._norm_avg = 0.0

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
        for term, w in tf.items():
            posting = self._postings.get(term)
            if posting is None:
                self._postings[term] = {doc: w}
            else:
                posting[doc] = w
        self._norm[doc] = self._norm_for(length)

    def remove(self, doc: int) -> None:
        tf = self._doc_terms.pop(doc, None)
        if tf is None:
            return
        self._total_len -= self._doc_len.pop(doc)
        self._norm.pop(doc, None)
        for term in tf:
            posting = self._postings.get(term)
            if posting is not None:
                posting.pop(doc, None)
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
        self._norm = {d: self._norm_for(n) for d, n in self._doc_len.items()}

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

    def scores(
        self,
        query: Sequence[tuple[str, float]],
        allowed: AbstractSet[int] | None = None,
        *,
        max_postings: int | None = None,
    ) -> dict[int, float]:
        """BM25 of every document matching at least one term, as {doc: score}.

        `query` is (term, weight) pairs. With `max_postings`, terms whose posting list is longer
        only add to documents that rarer terms already found: the ranking barely changes (such
        terms have a tiny idf) and the cost no longer grows with the library."""
        self._renorm_if_drifted()
        n = len(self._doc_terms)
        acc: dict[int, float] = {}
        ordered = sorted(
            ((t, w) for t, w in query if t in self._postings),
            key=lambda tw: len(self._postings[tw[0]]),
        )
        norm = self._norm
        k1p = K1 + 1.0
        for term, weight in ordered:
            posting = self._postings[term]
            df = len(posting)
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * weight
            if idf <= 0.0:
                continue
            if max_postings is not None and df > max_postings and acc:
                for d in list(acc):
                    tf = posting.get(d)
                    if tf is not None:
                        acc[d] += idf * tf * k1p / (tf + norm[d])
                continue
            if allowed is None:
                for d, tf in posting.items():
                    acc[d] = acc.get(d, 0.0) + idf * tf * k1p / (tf + norm[d])
            else:
                for d, tf in posting.items():
                    if d in allowed:
                        acc[d] = acc.get(d, 0.0) + idf * tf * k1p / (tf + norm[d])
        return acc

    def top(
        self,
        query: Sequence[tuple[str, float]],
        limit: int,
        allowed: AbstractSet[int] | None = None,
        *,
        max_postings: int | None = None,
    ) -> list[tuple[int, float]]:
        acc = self.scores(query, allowed, max_postings=max_postings)
        return [(d, acc[d]) for d in heapq.nlargest(limit, acc, key=acc.__getitem__)]

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
