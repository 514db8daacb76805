"""Token matching (`search/rerank.py`): the re-scoring arithmetic, MaxSim with the real embedder,
its cache, and the hybrid search that uses it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.ml import embed
from pieces_lsp.model import SnippetDraft
from pieces_lsp.search.rerank import TokenMatcher, rerank

ITERABLE = '''def is_iterable(obj):
    """True when obj can be looped over."""
    try:
        iter(obj)
    except TypeError:
        return False
    return True
'''
LIST_SUM = '''def total(values):
    """Add up a list of numbers."""
    return sum(values)
'''
MAIL = """def send_mail(to, subject, body):
    msg = EmailMessage()
    msg["To"], msg["Subject"] = to, subject
    msg.set_content(body)
    with smtplib.SMTP("localhost") as server:
        server.send_message(msg)
"""


def test_rerank_reorders_the_head_and_keeps_the_tail_below_it():
    ranking = [(1, 0.9), (2, 0.8), (3, 0.7), (4, 0.6)]
    matches = {1: 0.1, 2: 0.9, 3: 0.2}
    got, found = rerank(ranking, lambda nums: [matches[n] for n in nums], depth=3, weight=0.5)
    assert [d for d, _ in got] == [2, 1, 3, 4]
    assert found == matches
    assert got[0][1] == pytest.approx((0.8 + 0.5 * 0.9) / 1.5)
    assert got[-1][1] == pytest.approx(0.6 / 1.5)  # the tail: a match of 0
    assert all(0.0 <= s <= 1.0 for _, s in got)
    assert min(s for _, s in got[:3]) >= got[3][1]
    # weight 0 or nothing to rank: the blend stands
    assert rerank(ranking, lambda nums: [1.0] * len(nums), weight=0.0) == (ranking, {})
    assert rerank([], lambda nums: []) == ([], {})


@pytest.fixture(scope="module")
def embedder() -> embed.Embedder:
    return embed.get_embedder()


def test_shipped_model_has_token_vectors(embedder: embed.Embedder):
    assert embedder.has_token_vectors
    vocab = embedder.document_token_vectors()
    assert vocab.shape[1] == embedder.dim and vocab.dtype == np.float32
    norms = np.linalg.norm(vocab[1000:1100], axis=1)
    assert np.allclose(norms, 1.0, atol=1e-4)
    vecs, weights = embedder.query_tokens("how to check if a value is iterable in python")
    assert len(vecs) == len(weights) > 3 and weights.sum() == pytest.approx(1.0)
    # the words that decide the search weigh more than the filler around them
    ids = embedder._tokenizer.encode("iterable", add_special_tokens=False).ids
    filler = embedder._tokenizer.encode("how", add_special_tokens=False).ids
    order = np.unique(embedder._tokenizer.encode(
        embed.preprocess_query("how to check if a value is iterable in python"),
        add_special_tokens=False,
    ).ids)  # fmt: skip
    w = dict(zip(order.tolist(), weights.tolist(), strict=True))
    assert max(w[i] for i in ids if i in w) > w[filler[0]]


class CountingEmbedder:
    """The real embedder, counting how many texts it tokenizes."""

    def __init__(self, inner: embed.Embedder) -> None:
        self.inner = inner
        self.tokenized = 0

    def token_ids(self, texts: list[str]) -> list[np.ndarray]:
        self.tokenized += len(texts)
        return self.inner.token_ids(texts)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_maxsim_prefers_the_snippet_that_does_what_is_asked(embedder: embed.Embedder):
    counting = CountingEmbedder(embedder)
    matcher = TokenMatcher(counting)
    docs = [("it", lambda: ITERABLE), ("sum", lambda: LIST_SUM), ("mail", lambda: MAIL)]
    scores = matcher.scores("check whether a variable is iterable", docs)
    assert scores[0] == max(scores) and scores[0] > scores[2]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert counting.tokenized == 3
    again = matcher.scores("email someone a message", docs)
    assert counting.tokenized == 3  # token ids are cached by the text's key
    assert again[2] == max(again)
    assert matcher.scores("!!!", docs) == [0.0, 0.0, 0.0]  # a query without words
    assert matcher.scores("iterable", [("empty", lambda: "")]) == [0.0]
    assert matcher.scores("iterable", []) == []


def test_hybrid_results_carry_the_token_match(tmp_path: Path):
    svc = build_services(resolve_config({"home": str(tmp_path)}, env={}))
    for code in (ITERABLE, LIST_SUM, MAIL):
        svc.library.save(SnippetDraft(content=code, language="python"))
    hits = svc.search.search("check whether a variable is iterable", limit=3)
    assert "is_iterable" in hits[0].preview
    assert hits[0].signals["tokens"]["rank"] == 1
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # the other modes are single lists, untouched
    neural = svc.search.search("check whether a variable is iterable", mode="neural", limit=3)
    assert all("tokens" not in h.signals for h in neural)


def test_a_model_without_token_vectors_leaves_the_blend_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    svc = build_services(resolve_config({"home": str(tmp_path)}, env={}))
    for code in (ITERABLE, LIST_SUM, MAIL):
        svc.library.save(SnippetDraft(content=code, language="python"))
    monkeypatch.setattr(embed.get_embedder(), "has_token_vectors", False)
    hits = svc.search.search("check whether a variable is iterable", limit=3)
    assert hits and all(h.signals.get("tokens", {}).get("score", 0.0) == 0.0 for h in hits)


class HeadSession:
    """The shipped graph's session with a stand-in `match` output (twice `projected`), as a
    graph with a trained matching head (models/embed/match.py) would answer."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def get_inputs(self):
        return self.inner.get_inputs()

    def get_outputs(self):
        outs = list(self.inner.get_outputs())
        fake = type("Out", (), {"name": "match", "shape": outs[0].shape})()
        return [*outs, fake]

    def run(self, names, feed):
        self.asked.extend(names)
        if names == ["match"]:
            return [2.0 * self.inner.run(["projected"], feed)[0]]
        return self.inner.run(names, feed)


def test_a_matching_head_is_read_when_the_graph_has_one(monkeypatch: pytest.MonkeyPatch):
    real = embed.session
    made: list[HeadSession] = []

    def with_head(*args, **kwargs):
        made.append(HeadSession(real(*args, **kwargs)))
        return made[-1]

    monkeypatch.setattr(embed, "session", with_head)
    fresh = embed.Embedder()
    assert fresh.has_token_vectors and fresh._token_output == "match"
    docs = [("it", lambda: ITERABLE), ("sum", lambda: LIST_SUM), ("mail", lambda: MAIL)]
    scores = TokenMatcher(fresh).scores("check whether a variable is iterable", docs)
    assert "match" in made[0].asked and "projected" not in made[0].asked
    assert scores[0] == max(scores) > scores[2]
    # the shipped graph has no head: token matching reads `projected`
    assert embed.get_embedder()._token_output == "projected"
