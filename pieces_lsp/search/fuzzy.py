"""Typo-tolerant matching of query words against the words of titles, tags and identifiers.

People search their own snippets by the names they half remember ("retyr", "confg"), so each
query word is expanded to the vocabulary words within a small edit distance (optimal string
alignment, so a swapped pair of letters is one edit) or that start with it, and snippets are
scored by how well each query word is matched. Matching runs against the vocabulary (about 100k
distinct words at 100k snippets) rather than every snippet: a 64-bit letter-set signature per
word rules out almost all of it in one numpy pass (see `letter_mask`), and rapidfuzz computes
the distances of the rest in C. Scoring then reads each matched word's posting arrays with
numpy, so a word found in thousands of snippets costs one vector operation, not a Python loop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from pieces_lsp.search.docset import allowed_mask
from pieces_lsp.search.fulltext import Postings, found_order, top_of

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


def _bit(ch: str) -> int:
    o = ord(ch)
    if 97 <= o <= 122:  # a-z
        return o - 97
    if 48 <= o <= 57:  # 0-9
        return 26 + o - 48
    return 36 + o % 28


def letter_mask(word: str) -> int:
    """The set of characters in `word` as bits (letters and digits each their own bit, other
    characters folded onto the rest). One edit changes that set by at most two characters (a
    substitution drops one and adds one; an insertion or deletion, one; a transposition, none),
    so two words within k edits differ in at most 2k bits: a filter that cannot lose a match,
    while unrelated words of the same length differ in far more."""
    m = 0
    get = _ASCII_BITS.get
    for ch in set(word):
        bit = get(ch)
        m |= bit if bit is not None else 1 << _bit(ch)
    return m


_ASCII_BITS = {chr(o): 1 << _bit(chr(o)) for o in range(128)}
"""Every word added to the vocabulary gets a mask: a table lookup keeps that off the build."""


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(masks: np.ndarray) -> np.ndarray:
    """Set bits per uint64 (numpy 2 has `bitwise_count`; numpy 1 takes a byte table)."""
    count = getattr(np, "bitwise_count", None)
    if count is not None:
        return count(masks)
    return _BYTE_BITS[masks.view(np.uint8)].reshape(-1, 8).sum(axis=1)


@dataclass(frozen=True, slots=True)
class WordMatch:
    query_word: str
    matched: str
    similarity: float


class FuzzyIndex:
    def __init__(self) -> None:
        self._vocab: dict[str, Postings] = {}
        self._doc_words: dict[int, dict[str, float]] = {}
        self._mask: dict[str, int] = {}
        self._by_len: dict[int, set[str]] = {}
        self._len_lists: dict[int, tuple[list[str], np.ndarray]] = {}
        self._by_prefix: dict[str, set[str]] = {}
        self._expansions: dict[tuple[str, bool], list[tuple[str, float]]] = {}
        self._size = 0
        """One past the largest document number ever indexed (the dense arrays' extent)."""

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
        self._size = max(self._size, doc + 1)
        vocab = self._vocab
        for word, weight in words.items():
            docs = vocab.get(word)
            if docs is None:
                vocab[word] = Postings(doc, weight)
                self._add_word(word)
            elif docs.docs[-1] < doc:
                docs.docs.append(doc)
                docs.weights.append(weight)
            else:
                docs.put(doc, weight)

    def remove(self, doc: int) -> None:
        words = self._doc_words.pop(doc, None)
        if words is None:
            return
        for word in words:
            docs = self._vocab.get(word)
            if docs is None:
                continue
            docs.drop(doc)
            if not docs:
                del self._vocab[word]
                self._drop_word(word)

    def _add_word(self, word: str) -> None:
        self._expansions.clear()
        self._mask[word] = letter_mask(word)
        self._by_len.setdefault(len(word), set()).add(word)
        self._len_lists.pop(len(word), None)
        if len(word) > _PREFIX_LEN:
            self._by_prefix.setdefault(word[:_PREFIX_LEN], set()).add(word)

    def _drop_word(self, word: str) -> None:
        self._expansions.clear()
        self._mask.pop(word, None)
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

    def _words_of_length(self, n: int) -> tuple[list[str], np.ndarray]:
        """The vocabulary words of one length (sorted) and their letter masks."""
        got = self._len_lists.get(n)
        if got is None:
            words = sorted(self._by_len.get(n, ()))
            masks = np.fromiter((self._mask[w] for w in words), dtype=np.uint64, count=len(words))
            got = self._len_lists[n] = (words, masks)
        return got

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
            signature = np.uint64(letter_mask(word))
            for length in range(max(1, n - k), n + k + 1):
                words, masks = self._words_of_length(length)
                if not words:
                    continue
                near = np.flatnonzero(_popcount(masks ^ signature) <= 2 * k)
                if not len(near):
                    continue
                choices = [words[i] for i in near.tolist()]
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
        and a word everywhere tells nothing about which snippet fits).

        Each matched vocabulary word is one vectorised pass over its postings, with the same
        float64 arithmetic in the same order as a per-document loop; which word each query
        word matched is kept per query word as arrays and only turned into `WordMatch`es for
        the documents shown (`FuzzyScores.matches`)."""
        n_docs = len(self._doc_words)
        if not words or not n_docs:
            return FuzzyScores.empty()
        size = self._size
        unmatched_idf = math.log1p(n_docs)
        mask = allowed_mask(allowed, size)
        acc = np.zeros(size, dtype=np.float64)
        first = np.full(size, -1, dtype=np.int64)
        best = np.zeros(size, dtype=np.float64)  # this query word's best value per document
        arg = np.full(size, -1, dtype=np.int32)  # ... and the expansion that gave it
        details: list[_WordDetail] = []
        step = 0
        total = 0.0
        for qword in dict.fromkeys(words):
            expansions = self.expand(qword, prefix=prefix)
            if not expansions:
                total += unmatched_idf
                continue
            top = 0.0
            touched: list[np.ndarray] = []
            for i, (cand, sim) in enumerate(expansions):
                posting = self._vocab[cand]
                df = len(posting)
                if max_docs is not None and df > max_docs:
                    continue
                weight_idf = sim * math.log1p(n_docs / df)
                top = max(top, weight_idf)
                docs = posting.numbers()
                field = posting.values()
                if mask is not None:
                    keep = mask[docs]
                    docs = docs[keep]
                    field = field[keep]
                    if not len(docs):
                        continue
                value = weight_idf * field
                held = best[docs]
                better = value > held
                touched.append(docs[held == 0.0])  # new to this query word (values are > 0)
                won = docs[better]
                best[won] = value[better]
                arg[won] = i
                fresh = docs[first[docs] < 0]
                first[fresh] = step
                step += 1
            total += top
            if touched:
                hit = touched[0]
                if len(touched) > 1:
                    hit = np.concatenate(touched)
                    hit.sort()
                acc[hit] += best[hit]
                details.append(_WordDetail(qword, hit, arg[hit], expansions))
                best[hit] = 0.0
                arg[hit] = -1
        if total <= 0.0:
            return FuzzyScores.empty()
        docs = np.flatnonzero(first >= 0)
        return FuzzyScores(docs, np.minimum(1.0, acc[docs] / total), first[docs], details)


@dataclass(frozen=True, slots=True)
class _WordDetail:
    """For one query word: the documents it matched (ascending), which of its expansions
    gave each document its best value, and the expansions."""

    query_word: str
    docs: np.ndarray
    expansion: np.ndarray
    expansions: list[tuple[str, float]]

    def add_matches(self, want: np.ndarray, out: list[list[WordMatch]]) -> None:
        """Append this word's match to `out[j]` for each `want[j]` it matched."""
        if not len(self.docs):
            return
        at = np.minimum(np.searchsorted(self.docs, want), len(self.docs) - 1)
        for j in np.flatnonzero(self.docs[at] == want).tolist():
            cand, sim = self.expansions[int(self.expansion[at[j]])]
            out[j].append(WordMatch(self.query_word, cand, sim))


class FuzzyScores:
    """Scores 0..1 of the documents matched (arrays), plus which vocabulary word each query
    word matched in a document (kept raw: only the few documents shown are ever explained)."""

    __slots__ = ("_details", "_dict", "_docs", "_order", "_values")

    def __init__(
        self,
        docs: np.ndarray,
        values: np.ndarray,
        order: np.ndarray,
        details: list[_WordDetail],
    ) -> None:
        self._docs = docs
        self._values = values
        self._order = order
        self._details = details
        self._dict: dict[int, float] | None = None

    @classmethod
    def empty(cls) -> FuzzyScores:
        none = np.zeros(0, dtype=np.intp)
        return cls(none, np.zeros(0, dtype=np.float64), none, [])

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def scores(self) -> dict[int, float]:
        """{doc: score} in the order documents were first matched: built on first use
        (completion wants it; search only wants `top`)."""
        if self._dict is None:
            self._dict = found_order(self._docs, self._values, self._order)
        return self._dict

    def top(self, limit: int) -> list[tuple[int, float]]:
        """The `limit` best (doc, score); ties in the order documents were first matched."""
        return top_of(self._docs, self._values, self._order, limit)

    def matches(self, doc: int) -> list[WordMatch]:
        return self.matches_for([doc])[doc]

    def matches_for(self, docs: Sequence[int]) -> dict[int, list[WordMatch]]:
        """{doc: the query words it matched, in query order}, one array lookup per query
        word for all of `docs`."""
        out: list[list[WordMatch]] = [[] for _ in docs]
        if len(docs):
            want = np.asarray(docs, dtype=np.intp)
            for detail in self._details:
                detail.add_matches(want, out)
        return dict(zip(docs, out, strict=True))
