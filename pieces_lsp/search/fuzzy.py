"""Typo-tolerant matching of query words against the words of titles, tags and identifiers.

People search their own snippets by the names they half remember ("retyr", "confg"), so each
query word is expanded to the vocabulary words within a small edit distance (optimal string
alignment, so a swapped pair of letters is one edit) or that start with it, and snippets are
scored by how well each query word is matched. Matching runs against the vocabulary (tens of
thousands of distinct words) rather than every snippet, and rapidfuzz does the distance
computations in C, so a query costs a few milliseconds at 10k snippets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

_PREFIX_LEN = 3
MIN_PREFIX_SIMILARITY = 0.7
KNOWN_WORD_NEIGHBOUR = 0.5
_EXPANSION_CACHE = 4096


def max_edits(word: str) -> int:
    """Short words tolerate no edit (every 3-letter word is one edit from dozens of others)."""
    n = len(word)
    if n <= 3:
        return 0
    if n <= 7:
        return 1
    return 2


@dataclass(frozen=True, slots=True)
class WordMatch:
    query_word: str
    matched: str
    similarity: float


class FuzzyIndex:
    def __init__(self) -> None:
        self._vocab: dict[str, dict[int, float]] = {}
        self._doc_words: dict[int, dict[str, float]] = {}
        self._by_len: dict[int, set[str]] = {}
        self._len_lists: dict[int, list[str]] = {}
        self._by_prefix: dict[str, set[str]] = {}
        self._expansions: dict[tuple[str, bool], list[tuple[str, float]]] = {}

    def __len__(self) -> int:
        return len(self._doc_words)

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab)

    # -- updates -------------------------------------------------------------------------------

    def add(self, doc: int, words: Mapping[str, float]) -> None:
        """Index a document's words with their field weight (1.0 = title or tag)."""
        if doc in self._doc_words:
            self.remove(doc)
        self._doc_words[doc] = dict(words)
        for word, weight in words.items():
            docs = self._vocab.get(word)
            if docs is None:
                self._vocab[word] = {doc: weight}
                self._add_word(word)
            else:
                docs[doc] = weight

    def remove(self, doc: int) -> None:
        words = self._doc_words.pop(doc, None)
        if words is None:
            return
        for word in words:
            docs = self._vocab.get(word)
            if docs is None:
                continue
            docs.pop(doc, None)
            if not docs:
                del self._vocab[word]
                self._drop_word(word)

    def _add_word(self, word: str) -> None:
        self._expansions.clear()
        self._by_len.setdefault(len(word), set()).add(word)
        self._len_lists.pop(len(word), None)
        if len(word) > _PREFIX_LEN:
            self._by_prefix.setdefault(word[:_PREFIX_LEN], set()).add(word)

    def _drop_word(self, word: str) -> None:
        self._expansions.clear()
        bucket = self._by_len.get(len(word))
        if bucket is not None:
            bucket.discard(word)
        self._len_lists.pop(len(word), None)
        if len(word) > _PREFIX_LEN:
            group = self._by_prefix.get(word[:_PREFIX_LEN])
            if group is not None:
                group.discard(word)
                if not group:
                    del self._by_prefix[word[:_PREFIX_LEN]]

    def _words_of_length(self, n: int) -> list[str]:
        words = self._len_lists.get(n)
        if words is None:
            words = sorted(self._by_len.get(n, ()))
            self._len_lists[n] = words
        return words

    # -- matching ------------------------------------------------------------------------------

    def expand(self, word: str, *, prefix: bool = True) -> list[tuple[str, float]]:
        """Vocabulary words close to `word`, with a similarity in 0..1 (1 = the word itself).
        Cached until the vocabulary changes: an editor asks about the same words again and
        again while the user types."""
        key = (word, prefix)
        cached = self._expansions.get(key)
        if cached is None:
            cached = self._expand(word, prefix)
            if len(self._expansions) >= _EXPANSION_CACHE:
                self._expansions.clear()
            self._expansions[key] = cached
        return cached

    def _expand(self, word: str, prefix: bool) -> list[tuple[str, float]]:
        out: dict[str, float] = {}
        known = word in self._vocab
        if known:
            out[word] = 1.0
        k = max_edits(word)
        if k:
            n = len(word)
            for length in range(max(1, n - k), n + k + 1):
                choices = self._words_of_length(length)
                if not choices:
                    continue
                for cand, dist, _ in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=k, limit=None
                ):
                    if cand not in out:
                        out[cand] = 1.0 - dist / max(n, len(cand))
        if prefix and len(word) >= _PREFIX_LEN:
            for cand in self._by_prefix.get(word[:_PREFIX_LEN], ()):
                if cand != word and cand.startswith(word):
                    sim = MIN_PREFIX_SIMILARITY + 0.25 * len(word) / len(cand)
                    if sim > out.get(cand, 0.0):
                        out[cand] = sim
        if known:
            # A word the library uses is probably meant as typed: its neighbours still count
            # (a real typo can land on another real word), but less.
            out = {c: sim if c == word else sim * KNOWN_WORD_NEIGHBOUR for c, sim in out.items()}
        return sorted(out.items(), key=lambda kv: -kv[1])

    def scores(
        self,
        words: Sequence[str],
        allowed: AbstractSet[int] | None = None,
        *,
        prefix: bool = True,
        max_docs: int | None = None,
    ) -> FuzzyScores:
        """Score every document matching at least one query word.

        A query word adds (similarity x field weight x idf of the word it matched) to a
        document, from its best match there; the sum is divided by what matching every query
        word exactly in a title would give. The idf keeps a close match on a word found in
        half the library ("data") from counting as much as one on a rare name. With
        `max_docs`, vocabulary words in more documents are skipped (completion: bounded work,
        and a word everywhere tells nothing about which snippet fits)."""
        out = FuzzyScores()
        n_docs = len(self._doc_words)
        if not words or not n_docs:
            return out
        unmatched_idf = math.log1p(n_docs)
        best: dict[int, dict[str, tuple[float, str, float]]] = {}
        total = 0.0
        for qword in words:
            expansions = self.expand(qword, prefix=prefix)
            if not expansions:
                total += unmatched_idf
                continue
            top = 0.0
            for cand, sim in expansions:
                docs = self._vocab[cand]
                if max_docs is not None and len(docs) > max_docs:
                    continue
                weight_idf = sim * math.log1p(n_docs / len(docs))
                top = max(top, weight_idf)
                for doc, field_weight in docs.items():
                    if allowed is not None and doc not in allowed:
                        continue
                    value = weight_idf * field_weight
                    doc_best = best.get(doc)
                    if doc_best is None:
                        best[doc] = {qword: (value, cand, sim)}
                    else:
                        old = doc_best.get(qword)
                        if old is None or value > old[0]:
                            doc_best[qword] = (value, cand, sim)
            total += top
        if total > 0.0:
            out.scores = {
                doc: min(1.0, sum(v[0] for v in per_word.values()) / total)
                for doc, per_word in best.items()
            }
            out.detail = best
        return out


@dataclass(slots=True)
class FuzzyScores:
    """{doc: score 0..1}, plus which vocabulary word each query word matched in a document
    (kept raw: only the few documents shown are ever explained)."""

    scores: dict[int, float] = field(default_factory=dict)
    detail: dict[int, dict[str, tuple[float, str, float]]] = field(default_factory=dict)

    def matches(self, doc: int) -> list[WordMatch]:
        return [
            WordMatch(qword, cand, sim)
            for qword, (_, cand, sim) in self.detail.get(doc, {}).items()
        ]
