"""The vectorised search indexes against plain per-document loops.

BM25 and fuzzy scoring read numpy arrays per term instead of looping over documents in Python;
these tests keep the simple loops (the previous implementation) as oracles and check on seeded
random data that scores, rankings and their tie order, the pruning of common terms, filters
and the fuzzy word matches come out exactly the same. The letter-set prefilter in front of the
edit-distance search must never lose a match.
"""

from __future__ import annotations

import heapq
import math
import random
import string
import uuid
import zlib

import numpy as np
import pytest
from rapidfuzz.distance import OSA

from pieces_lsp.model import Snippet
from pieces_lsp.search.docset import DocSet, allowed_mask, as_array
from pieces_lsp.search.fulltext import K1, B, FullTextIndex
from pieces_lsp.search.fuzzy import FuzzyIndex, letter_mask, max_edits
from pieces_lsp.search.index import SnippetIndex
from pieces_lsp.search.vectors import VectorIndex, embedding_text

WORDS = [
    "retry",
    "http",
    "json",
    "parse",
    "config",
    "request",
    "python",
    "data",
    "file",
    "read",
    "write",
    "string",
    "convert",
    "list",
    "dict",
    "sort",
    "value",
    "filename",
    "reader",
    "parser",
    "parsing",
    "requests",
]


def _random_bag(rng: random.Random) -> dict[str, float]:
    bag: dict[str, float] = {}
    for _ in range(rng.randint(1, 12)):
        w = rng.choice(WORDS) if rng.random() < 0.8 else "".join(rng.choices("abcdef", k=5))
        bag[w] = bag.get(w, 0.0) + rng.choice([1.0, 2.0, 3.0])
    return bag


def _bm25_loop(
    ix: FullTextIndex,
    docs: dict[int, dict[str, float]],
    query: list[tuple[str, float]],
    allowed: set[int] | None,
    max_postings: int | None,
) -> dict[int, float]:
    """The per-document BM25 loop the index used to run (dict postings, insertion order)."""
    ix.score_arrays([])  # brings the cached length norms up to date, as a query does
    postings: dict[str, dict[int, float]] = {}
    for d, bag in docs.items():
        for t, w in bag.items():
            postings.setdefault(t, {})[d] = w
    n = len(docs)
    norm = {d: float(ix._norm.data[d]) for d in docs}
    acc: dict[int, float] = {}
    ordered = sorted(
        ((t, w) for t, w in query if t in postings), key=lambda tw: len(postings[tw[0]])
    )
    for term, weight in ordered:
        posting = postings[term]
        df = len(posting)
        idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5)) * weight
        if idf <= 0.0:
            continue
        if max_postings is not None and df > max_postings and acc:
            for d in list(acc):
                tf = posting.get(d)
                if tf is not None:
                    acc[d] += idf * tf * (K1 + 1.0) / (tf + norm[d])
            continue
        for d, tf in posting.items():
            if allowed is None or d in allowed:
                acc[d] = acc.get(d, 0.0) + idf * tf * (K1 + 1.0) / (tf + norm[d])
    return acc


@pytest.mark.parametrize("seed", range(6))
def test_bm25_matches_the_per_document_loop(seed: int) -> None:
    rng = random.Random(seed)
    ix = FullTextIndex()
    docs: dict[int, dict[str, float]] = {}
    for num in range(300):
        docs[num] = _random_bag(rng)
        ix.add(num, docs[num])
    for num in rng.sample(range(300), 40):  # deletions leave holes in the numbering
        ix.remove(num)
        del docs[num]
    for _ in range(25):
        query = [(rng.choice(WORDS), rng.choice([1.0, 0.5])) for _ in range(rng.randint(1, 5))]
        query = list(dict(query).items())
        allowed = set(rng.sample(sorted(docs), 120)) if rng.random() < 0.4 else None
        for max_postings in (None, 30):
            want = _bm25_loop(ix, docs, query, allowed, max_postings)
            got = ix.scores(query, allowed, max_postings=max_postings)
            assert list(got.items()) == list(want.items())  # same scores, same order
            top = ix.top(query, 15, allowed, max_postings=max_postings)
            assert top == [(d, want[d]) for d in heapq.nlargest(15, want, key=want.__getitem__)]


def test_bm25_norms_follow_the_average_length() -> None:
    ix = FullTextIndex()
    ix.add(0, {"a": 1.0})
    ix.add(1, {"a": 1.0, "b": 9.0})
    ix.add(2, {"b": 2.0})
    ix.score_arrays([])
    avg = 13.0 / 3
    assert ix._norm.data[1] == K1 * (1.0 - B + B * 10.0 / avg)


def test_postings_stay_sorted_when_a_lower_number_comes_back() -> None:
    ix = FullTextIndex()
    ix.add(5, {"x": 1.0})
    ix.add(2, {"x": 2.0})
    ix.add(9, {"x": 1.0})
    ix.add(2, {"x": 3.0, "y": 1.0})  # re-index
    assert list(ix._postings["x"].docs) == [2, 5, 9]
    assert list(ix._postings["x"].weights) == [3.0, 1.0, 1.0]
    ix.remove(5)
    assert list(ix._postings["x"].docs) == [2, 9] and ix.df("y") == 1


# -- fuzzy ---------------------------------------------------------------------------------------


def _typo(rng: random.Random, word: str) -> str:
    chars = list(word)
    i = rng.randrange(len(chars))
    op = rng.choice(["sub", "ins", "del", "swap"])
    if op == "sub":
        chars[i] = rng.choice(string.ascii_lowercase + string.digits)
    elif op == "ins":
        chars.insert(i, rng.choice(string.ascii_lowercase))
    elif op == "del" and len(chars) > 1:
        del chars[i]
    elif i + 1 < len(chars):
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set(WORDS)
    while len(words) < size:
        n = rng.randint(2, 14)
        words.add("".join(rng.choices(string.ascii_lowercase + "0123456789_", k=n)))
    return sorted(words)


def test_letter_mask_never_loses_a_match() -> None:
    rng = random.Random(7)
    vocab = _vocabulary(rng, 3000)
    for _ in range(300):
        word = rng.choice(vocab)
        for _ in range(rng.randint(0, 2)):
            word = _typo(rng, word)
        k = max(1, max_edits(word))
        for other in vocab:
            if abs(len(other) - len(word)) <= k and OSA.distance(word, other) <= k:
                assert (letter_mask(word) ^ letter_mask(other)).bit_count() <= 2 * k


def test_expansion_equals_a_full_scan_of_the_vocabulary() -> None:
    rng = random.Random(11)
    vocab = _vocabulary(rng, 2000)
    ix = FuzzyIndex()
    for num, word in enumerate(vocab):
        ix.add(num, {word: 1.0})
    for _ in range(200):
        word = _typo(rng, rng.choice(vocab))
        k = max_edits(word)
        got = {c for c, _ in ix.expand(word, prefix=False)}
        want = {w for w in vocab if k and OSA.distance(word, w) <= k}
        if word in vocab:
            want.add(word)
        assert got == want, word


def _fuzzy_loop(
    ix: FuzzyIndex,
    docs: dict[int, dict[str, float]],
    words: list[str],
    allowed: set[int] | None,
    max_docs: int | None,
) -> tuple[dict[int, float], dict[int, dict[str, tuple[float, str, float]]]]:
    """The per-document fuzzy scoring loop the index used to run."""
    vocab: dict[str, dict[int, float]] = {}
    for d, bag in docs.items():
        for w, weight in bag.items():
            vocab.setdefault(w, {})[d] = weight
    n_docs = len(docs)
    best: dict[int, dict[str, tuple[float, str, float]]] = {}
    total = 0.0
    for qword in words:
        expansions = ix.expand(qword)
        if not expansions:
            total += math.log1p(n_docs)
            continue
        top = 0.0
        for cand, sim in expansions:
            posting = vocab[cand]
            if max_docs is not None and len(posting) > max_docs:
                continue
            weight_idf = sim * math.log1p(n_docs / len(posting))
            top = max(top, weight_idf)
            for doc, field_weight in posting.items():
                if allowed is not None and doc not in allowed:
                    continue
                value = weight_idf * field_weight
                doc_best = best.setdefault(doc, {})
                old = doc_best.get(qword)
                if old is None or value > old[0]:
                    doc_best[qword] = (value, cand, sim)
        total += top
    if total <= 0.0:
        return {}, {}
    scores = {d: min(1.0, sum(v[0] for v in pw.values()) / total) for d, pw in best.items()}
    return scores, best


@pytest.mark.parametrize("seed", range(4))
def test_fuzzy_scores_match_the_per_document_loop(seed: int) -> None:
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 400)
    ix = FuzzyIndex()
    docs: dict[int, dict[str, float]] = {}
    for num in range(250):
        bag = {rng.choice(vocab): rng.choice([1.0, 0.8, 0.7]) for _ in range(rng.randint(1, 8))}
        docs[num] = bag
        ix.add(num, bag)
    for num in rng.sample(range(250), 30):
        ix.remove(num)
        del docs[num]
    for _ in range(30):
        words = list(dict.fromkeys(_typo(rng, rng.choice(vocab)) for _ in range(rng.randint(1, 4))))
        allowed = set(rng.sample(sorted(docs), 100)) if rng.random() < 0.4 else None
        max_docs = 20 if rng.random() < 0.3 else None
        want, detail = _fuzzy_loop(ix, docs, words, allowed, max_docs)
        found = ix.scores(words, DocSet(allowed) if allowed else allowed, max_docs=max_docs)
        assert list(found.scores.items()) == list(want.items())
        top = found.top(20)
        assert top == [(d, want[d]) for d in heapq.nlargest(20, want, key=want.__getitem__)]
        matches = found.matches_for([d for d, _ in top])
        for d, _ in top:
            assert [(m.query_word, m.matched, m.similarity) for m in matches[d]] == [
                (q, cand, sim) for q, (_, cand, sim) in detail[d].items()
            ]
            assert found.matches(d) == matches[d]


# -- filters and vectors -------------------------------------------------------------------------


def test_docset_keeps_its_array_and_mask() -> None:
    ds = DocSet({9, 3, 5})
    ds &= {3, 9, 11}
    assert as_array(ds).tolist() == [3, 9] and ds.array() is ds.array()
    mask = allowed_mask(ds, 12)
    assert mask is not None and np.flatnonzero(mask).tolist() == [3, 9]
    assert allowed_mask(ds, 12) is mask
    assert np.flatnonzero(allowed_mask({1, 40}, 8)).tolist() == [1]
    assert allowed_mask(None, 8) is None


@pytest.mark.parametrize("share", [0.05, 0.9])
def test_vector_top_with_a_filter_equals_brute_force(share: float) -> None:
    rng = np.random.default_rng(3)
    vi = VectorIndex(16, "test")
    vecs = rng.normal(size=(400, 16)).astype(np.float32)
    for num, v in enumerate(vecs):
        vi._put(num, str(num), v)
    for num in range(0, 400, 7):
        vi._release(num)
    live = [n for n in range(400) if n % 7]
    allowed = set(rng.choice(live, int(len(live) * share), replace=False).tolist())
    q = rng.normal(size=16).astype(np.float32)
    q /= np.linalg.norm(q)
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    want = sorted(allowed, key=lambda n: -float(unit[n] @ q))[:10]
    got = vi.top(q, 10, DocSet(allowed))
    assert [n for n, _ in got] == want
    assert [n for n, _ in vi.top(q, 10, allowed)] == want
    assert all(abs(s - float(unit[n] @ q)) < 1e-5 for n, s in got)
    everything = [n for n, _ in vi.top(q, 400)]
    assert sorted(everything) == live


# -- following the library -----------------------------------------------------------------------


def _snippet(sid: int, content: str, **extra: object) -> Snippet:
    return Snippet.from_dict(
        {"id": str(uuid.UUID(int=sid)), "content": content, "language": "python", **extra}
    )


def test_index_and_vectors_follow_adds_updates_uses_and_deletes() -> None:
    """Only snippets whose text changed are re-analysed and re-embedded, and the matrix rows
    always hold the live documents' vectors (checked against a fresh full build)."""
    embedded: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = np.random.default_rng(zlib.crc32(t.encode())).normal(size=8)
        return out

    stored: list[tuple[str, str, bytes]] = []
    index = SnippetIndex()
    vectors = VectorIndex(8, "test")
    library = {i: _snippet(i, f"def f{i}(x):\n    return x + {i}\n") for i in range(50)}

    def step(token: str) -> None:
        index.sync(token, list(library.values()))
        vectors.sync(index, embed, lambda: [], stored.extend)
        fresh = VectorIndex(8, "test")
        fresh.sync(index, embed, lambda: [], lambda rows: None)
        assert sorted(vectors.nums()) == sorted(index.nums()) == sorted(fresh.nums())
        for num in index.nums():
            assert np.array_equal(vectors.vector(num), fresh.vector(num))
        q = np.ones(8, dtype=np.float32) / np.sqrt(8)
        got, want = vectors.top(q, 10), fresh.top(q, 10)
        assert [n for n, _ in got] == [n for n, _ in want]
        # A row's place in the matrix may change the product's last bit (BLAS blocking).
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-6)

    step("t0")
    assert len(embedded) == 50 * 2  # the followed index and the fresh one
    embedded.clear()
    library[3] = _snippet(3, "def changed(x):\n    return -x\n")  # text changed
    library[60] = _snippet(60, "def added():\n    pass\n")  # new
    del library[7]  # deleted
    used = library[9]
    library[9] = _snippet(9, used.content, inserted_count=4)  # a use, same text
    step("t1")
    # The followed index embedded only the two new texts (the fresh one then embeds all).
    assert sorted(embedded[:2]) == sorted([vec_text(index, 3), vec_text(index, 60)])
    assert len(stored) == 52
    embedded.clear()
    step("t1")  # same token: nothing to do
    assert len(embedded) == 50  # the fresh index only
    embedded.clear()
    for i in range(10):  # a burst of deletes without adds
        library.pop(i, None)
    step("t2")
    assert len(embedded) == len(library)  # again the fresh index only


def vec_text(index: SnippetIndex, sid: int) -> str:
    doc = index.by_id(str(uuid.UUID(int=sid)))
    assert doc is not None
    return embedding_text(doc)


def test_typos_still_find_titles_and_tags() -> None:
    ix = FuzzyIndex()
    ix.add(0, {"parse": 1.0, "json": 1.0})
    ix.add(1, {"parser": 0.7, "yaml": 1.0})
    ix.add(2, {"retry": 1.0, "http": 1.0})
    found = ix.scores(["pasre", "json"])
    assert found.top(3)[0][0] == 0
    assert [(m.query_word, m.matched) for m in found.matches(0)] == [
        ("pasre", "parse"),
        ("json", "json"),
    ]
    assert [d for d, _ in ix.scores(["retyr"]).top(3)] == [2]
