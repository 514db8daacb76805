"""SearchService: full-text, fuzzy and blended search, similar snippets and completion.

The service is plain Python over `LibraryService.snapshot()`: each call first brings the index
in step with the library (a no-op while the token is unchanged), then ranks. Calls come from
the language server's worker thread while the library's background refresher may swap its
cache; the index is only touched under this service's lock, and snapshots are consistent
copies, so the two never see each other half-done.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections import deque
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pieces_lsp.errors import NotFoundError, ValidationError
from pieces_lsp.model import clean_tags, validate_content
from pieces_lsp.search import text
from pieces_lsp.search.blend import RankedList, blend_scores
from pieces_lsp.search.errors import NEURAL_UNAVAILABLE, SearchUnavailableError
from pieces_lsp.search.explain import explain, explain_completion
from pieces_lsp.search.fulltext import merge_weighted
from pieces_lsp.search.hits import SearchHit, SimilarHit
from pieces_lsp.search.index import IndexedDoc, SnippetIndex
from pieces_lsp.search.neural import NeuralRetriever
from pieces_lsp.search.rerank import rerank
from pieces_lsp.search.retrievers import (
    FullTextRetriever,
    FuzzyRetriever,
    Query,
    Retrieved,
    Retriever,
)
from pieces_lsp.search.shape import shape
from pieces_lsp.secrets import redact

if TYPE_CHECKING:
    from pieces_lsp.library import LibraryService
    from pieces_lsp.search.suggest import Suggestion

MODES = ("hybrid", "fulltext", "fuzzy", "neural")
MAX_QUERY_CHARS = 1000
MAX_LIMIT = 200

HYBRID_WEIGHTS: dict[str, float] = {"fulltext": 1.0, "fuzzy": 0.2, "neural": 2.0}
"""Each retriever's weight in the hybrid blend. Fuzzy mainly rescues misspelt names, so its
weight grows with the share of query words the full-text index has never seen (see `_blend`).
The neural list (meaning) weighs 2x full text (words): chosen on held-out training pairs with
`bench/tune_hybrid.py` (the eval sets only measure). Without the token-matching re-rank 1.5 and
2.0 tied there; with it (`--rerank`) 2.0 is ahead of 1.5 by 0.003 and 0.001 on the two
held-out groups, and 3.0 or 4.0 are no better. Re-checked with embedder v3: 2.0 ahead of 1.5
by 0.003 and 0.004; 3.0 +0.0025 on one group and -0.0002 on the other, so 2.0 stays."""
HYBRID_RELATIVE = frozenset({"fulltext", "neural"})
"""Lists scaled to their own best before blending (BM25 over its upper bound is small for long
queries, which would hand the blend to fuzzy)."""

RECENT_QUERIES = 20
USAGE_NUDGE = 0.02
"""How much insertions and recent use lift a hybrid result: enough to order near-ties, never
enough to lift a poor match over a good one."""

NEURAL_ALONE = 0.75
"""In hybrid, a snippet only the neural list found must score at least this share of the
query's best cosine; snippets the word lists found also take any neural score."""

CANDIDATE_DEPTH = 100
"""How deep each retriever's list goes before blending: fusion only reorders candidates, so a
document must make at least one list's top to be found."""

# complete(): how the final score is made (weights sum to 1).
COMPLETE_RELEVANCE = 0.6
COMPLETE_LANGUAGE = 0.25
COMPLETE_USAGE = 0.15
COMPLETE_CONTEXT_LINES = 6
COMPLETE_CONTEXT_CHARS = 2000
COMPLETE_MAX_TERMS = 12
COMPLETE_CANDIDATES = 300
COMPLETE_COMMON_MIN = 20
COMPLETE_COMMON_SHARE = 10
"""Context words found in more than a tenth of the library (`return`, `self`) say nothing
about which snippet fits; dropping them keeps completion fast and its ranking meaningful."""

SIMILAR_QUERY_TERMS = 40
SIMILAR_CANDIDATES = 200
NEAR_DUPLICATE_SCORE = 0.95
SIMILAR_ON_SAVE = 0.6
SIMILAR_ON_SAVE_LIMIT = 3

_LANGUAGE_FAMILIES = (
    frozenset({"javascript", "javascriptreact", "typescript", "typescriptreact", "vue"}),
    frozenset({"c", "cpp", "objective-c", "objective-cpp"}),
    frozenset({"shellscript", "bash", "sh", "zsh"}),
    frozenset({"java", "kotlin", "scala", "groovy"}),
)
_PARTIAL_WORD = re.compile(r"(?:[^\W\d]|\$)[\w$]*$")
"""The word being typed at the cursor (matched by prefix as well as by its terms)."""


def _check_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("limit", f"must be an integer between 1 and {MAX_LIMIT}")
    return limit


def _check_language(language: object) -> str | None:
    if language is None:
        return None
    if not isinstance(language, str):
        raise ValidationError("language", "must be a string")
    return language.strip().lower() or None


def _language_match(doc_language: str, language: str | None) -> float:
    if language is None:
        return 0.0
    if doc_language == language:
        return 1.0
    for family in _LANGUAGE_FAMILIES:
        if doc_language in family and language in family:
            return 0.5
    return 0.0


class SearchService:
    def __init__(self, library: LibraryService) -> None:
        self._library = library
        self._index = SnippetIndex()
        self._lock = threading.Lock()
        self._retrievers: dict[str, Retriever] = {
            r.name: r for r in (FullTextRetriever(), FuzzyRetriever())
        }
        self.neural = NeuralRetriever(library)
        self._retrievers[self.neural.name] = self.neural
        self._hybrid_weights = dict(HYBRID_WEIGHTS)
        self._recent: deque[str] = deque(maxlen=RECENT_QUERIES)

    def add_retriever(self, retriever: Retriever, *, hybrid_weight: float = 0.0) -> None:
        """Serve `retriever` as the search mode of its name (e.g. "neural") and, with a
        positive weight, blend it into "hybrid". The retriever reads the index it is handed
        on each call (document numbers, snippets with their stored embeddings), so it needs
        no hook into index updates."""
        with self._lock:
            self._retrievers[retriever.name] = retriever
            if hybrid_weight > 0.0:
                self._hybrid_weights[retriever.name] = hybrid_weight

    # -- keeping up with the library -----------------------------------------------------------

    def _synced(self) -> SnippetIndex:
        """Call with the lock held."""
        token, snippets = self._library.snapshot()
        self._index.sync(token, snippets)
        return self._index

    def warm(self) -> int:
        """Build the index now (e.g. in the background after start-up) instead of on the first
        search; returns the number of snippets indexed."""
        with self._lock:
            index = self._synced()
            with suppress(SearchUnavailableError):
                self.neural.vectors(index)  # embeds what has no stored vector yet
            return len(index)

    def busy(self) -> bool:
        """True while the index is being built or updated (e.g. the start-up warm-up): callers
        on a keystroke path answer "incomplete" instead of waiting seconds for it."""
        return self._lock.locked()

    # -- search --------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        mode: str = "hybrid",
        language: str | None = None,
        tags: list[str] | None = None,
    ) -> list[SearchHit]:
        if not isinstance(query, str) or not query.strip():
            raise ValidationError("query", "must be a non-empty string")
        if len(query) > MAX_QUERY_CHARS:
            raise ValidationError("query", f"is longer than {MAX_QUERY_CHARS} characters")
        limit = _check_limit(limit)
        if not isinstance(mode, str) or mode not in MODES:
            raise ValidationError("mode", f"must be one of {', '.join(MODES)}")
        lang = _check_language(language)
        wanted_tags = clean_tags(tags)
        if mode not in self._retrievers and mode != "hybrid":
            raise SearchUnavailableError(NEURAL_UNAVAILABLE)
        parsed = Query.parse(query)
        self._remember(query)
        with self._lock:
            index = self._synced()
            allowed = index.allowed(lang, wanted_tags)
            if allowed is not None and not allowed:
                return []
            names = [n for n in self._hybrid_weights if n in self._retrievers]
            if mode != "hybrid":
                names = [mode]
            depth = max(CANDIDATE_DEPTH, limit)
            lists = []
            for n in names:
                try:
                    lists.append(self._retrievers[n].retrieve(index, parsed, allowed, depth))
                except SearchUnavailableError:
                    if mode != "hybrid":
                        raise
            token_match: dict[int, float] = {}
            if mode == "hybrid":
                ranking, token_match = self._token_rerank(index, parsed, lists)
                ranking = self._nudged(index, ranking, limit)
            else:
                ranking = lists[0].ranking
            matches = {d: m for rl in lists for d, m in rl.matches.items()}
            ranks = {
                rl.name: {d: (r, sc) for r, (d, sc) in enumerate(rl.ranking, start=1)}
                for rl in lists
            }
            if token_match:
                by_match = sorted(token_match.items(), key=lambda ds: -ds[1])
                ranks["tokens"] = {d: (r, sc) for r, (d, sc) in enumerate(by_match, start=1)}
            hits = []
            for d, score in ranking[:limit]:
                doc = index.by_num(d)
                signals = {name: got[d] for name, got in ranks.items() if d in got}
                why = explain(index, doc, parsed, matches, signals.get("neural"))
                hits.append(self._hit(doc, score, why, signals))
            return hits

    def _token_rerank(
        self, index: SnippetIndex, query: Query, lists: Sequence[Retrieved]
    ) -> tuple[list[tuple[int, float]], dict[int, float]]:
        """The blend, its head re-ranked by token matching when the neural model is there
        (`search/rerank.py`); without it the blend stands as it is."""
        ranking = self._blend(index, query, lists)
        neural = self._retrievers.get("neural")
        if neural is None or not hasattr(neural, "token_matches"):
            return ranking, {}
        try:
            if not neural.matches_tokens():  # an older model: the blend as it is, unscaled
                return ranking, {}
            return rerank(ranking, lambda nums: neural.token_matches(index, query.raw, nums))
        except SearchUnavailableError:
            return ranking, {}

    def _remember(self, query: str) -> None:
        """Recent searches feed query suggestions. They stay in this process's memory only:
        queries are never logged or stored."""
        q = " ".join(query.split())[:200]
        if q in self._recent:
            self._recent.remove(q)
        self._recent.append(q)

    def recent_queries(self) -> list[str]:
        """Newest first."""
        return list(reversed(self._recent))

    def suggest(
        self, text_: str, offset: int, language: str | None, limit: int = 5
    ) -> list[Suggestion]:
        """3-5 queries worth running from where the cursor is (see `search.suggest`)."""
        from pieces_lsp.search.suggest import suggest

        return suggest(text_, offset, language, self.recent_queries(), limit=limit)

    @staticmethod
    def _nudged(
        index: SnippetIndex, ranking: list[tuple[int, float]], limit: int
    ) -> list[tuple[int, float]]:
        """A nudge can only reorder results within USAGE_NUDGE of each other, so only the head
        of the ranking (down to that distance below the last shown result) needs it."""
        if not ranking:
            return ranking
        cut = ranking[min(limit, len(ranking)) - 1][1] - USAGE_NUDGE
        head = [ds for ds in ranking if ds[1] >= cut]
        now = datetime.now(timezone.utc)
        nudged = [(d, min(1.0, s + USAGE_NUDGE * index.by_num(d).usage(now))) for d, s in head]
        nudged.sort(key=lambda ds: -ds[1])
        return nudged + ranking[len(head) :]

    def _blend(
        self, index: SnippetIndex, query: Query, lists: Sequence[Retrieved]
    ) -> list[tuple[int, float]]:
        unknown = sum(1 for t, _ in query.terms if not index.fulltext.df(t))
        unknown_share = unknown / len(query.terms) if query.terms else 1.0
        lexical = {d for rl in lists if rl.name != "neural" for d, _ in rl.ranking}
        ranked = []
        for rl in lists:
            if rl.name == "neural" and rl.ranking:
                # Meaning alone must be near this query's best meaning match to join: a
                # keyword search should not fill up with loosely related snippets, while a
                # query in other words still finds what it describes.
                bar = NEURAL_ALONE * rl.ranking[0][1]
                rl = Retrieved(rl.name, [(d, s) for d, s in rl.ranking if s >= bar or d in lexical])
            weight = self._hybrid_weights.get(rl.name, 1.0)
            if rl.name == "fuzzy":
                weight += (1.0 - weight) * unknown_share
            ranked.append(RankedList(rl.name, rl.ranking, weight, rl.name in HYBRID_RELATIVE))
        return blend_scores(ranked)

    @staticmethod
    def _hit(
        doc: IndexedDoc,
        score: float,
        why: str,
        signals: dict[str, tuple[int, float]] | None = None,
    ) -> SearchHit:
        s = doc.snippet
        return SearchHit(
            id=s.id,
            title=doc.get_title(),
            language=s.language,
            tags=list(s.tags),
            score=max(0.0, min(1.0, score)),
            preview=doc.get_preview(),
            why=redact(why),
            signals={
                k: {"rank": r, "score": round(sc, 4)} for k, (r, sc) in (signals or {}).items()
            },
        )

    # -- similar -------------------------------------------------------------------------------

    def similar(
        self,
        *,
        snippet_id: str | None = None,
        content: str | None = None,
        limit: int = 10,
    ) -> list[SimilarHit]:
        """Snippets most like one in the library (by id, itself excluded) or like some code."""
        if (snippet_id is None) == (content is None):
            raise ValidationError("snippet_id", "give either snippet_id or content, not both")
        limit = _check_limit(limit)
        exclude: str | None = None
        if snippet_id is not None:
            target = self._library.get(snippet_id)  # validates the id; NotFoundError if gone
            exclude = target.id
        else:
            validate_content(content)
        with self._lock:
            index = self._synced()
            if exclude is not None:
                doc = index.by_id(exclude)
                if doc is None:
                    raise NotFoundError(f"no snippet with id {exclude}")
                content = doc.snippet.content
            assert content is not None
            return self._similar(
                index, content, exclude, limit, self._meaning(index, content, exclude)
            )

    def like_new(self, snippet_id: str) -> list[SimilarHit]:
        """ "You already saved something like this": after a save, the few snippets that are
        near-duplicates or clearly alike (SIMILAR_ON_SAVE). Skipped while the index is still
        being built, so a save never waits for the start-up warm-up."""
        if self.busy():
            return []
        hits = self.similar(snippet_id=snippet_id, limit=SIMILAR_ON_SAVE_LIMIT)
        return [h for h in hits if h.near_duplicate or h.score >= SIMILAR_ON_SAVE]

    def _meaning(self, index: SnippetIndex, content: str, exclude: str | None) -> dict[int, float]:
        """{doc: embedding cosine} of the nearest snippets, or {} without the model."""
        try:
            vectors = self.neural.vectors(index)
        except SearchUnavailableError:
            return {}
        doc = index.by_id(exclude) if exclude is not None else None
        vec = vectors.vector(doc.num) if doc is not None else None
        if vec is None:
            vec = self.neural.embedder().embed_documents([content])[0]
        return dict(vectors.top(vec, SIMILAR_CANDIDATES))

    @staticmethod
    def _similar(
        index: SnippetIndex,
        content: str,
        exclude: str | None,
        limit: int,
        meaning: dict[int, float] | None = None,
    ) -> list[SimilarHit]:
        """Candidates come from BM25 with the snippet's most telling terms as the query, from
        the nearest embeddings and from equal code shapes. Each is scored by the mean of its
        code's tf-idf cosine (same words) and its embedding cosine (same meaning); a
        near-duplicate (same shape) scores at least NEAR_DUPLICATE_SCORE. Code only: a near
        duplicate saved with another title is still a near duplicate."""
        meaning = meaning or {}
        ft = index.fulltext
        vec = ft.tfidf(merge_weighted([(text.terms(content), 1.0)]))
        candidates: set[int] = set(meaning)
        if vec:
            probe = heapq.nlargest(SIMILAR_QUERY_TERMS, vec.items(), key=lambda kv: kv[1])
            top = probe[0][1]
            candidates.update(
                num
                for num, _ in ft.top(
                    [(t, w / top) for t, w in probe],
                    SIMILAR_CANDIDATES,
                    max_postings=ft.pruning_threshold(),
                )
            )
        same = index.same_shape(shape(content))
        candidates |= same
        scored: list[tuple[float, bool, IndexedDoc]] = []
        for num in candidates:
            doc = index.by_num(num)
            if doc.id == exclude:
                continue
            words = 0.0
            if vec:
                other = ft.tfidf(merge_weighted([(text.terms(doc.snippet.content), 1.0)]))
                words = ft.cosine(vec, other)
            score = (words + max(0.0, meaning[num])) / 2 if meaning and num in meaning else words
            if not meaning and num in same:
                score = max(score, words)
            duplicate = num in same
            if duplicate:
                score = max(score, NEAR_DUPLICATE_SCORE)
            if score > 0.0:
                scored.append((min(1.0, score), duplicate, doc))
        scored.sort(key=lambda sd: (-sd[0], sd[2].num))
        return [
            SimilarHit(id=d.id, title=d.get_title(), score=s, near_duplicate=dup)
            for s, dup, d in scored[:limit]
        ]

    # -- completion ----------------------------------------------------------------------------

    def complete(self, *, language: str | None, context: str, limit: int = 20) -> list[SearchHit]:
        """Snippets to offer at the cursor: relevant to the few lines before it (the word being
        typed counts most, and matches by prefix), of the document's language, and ones the
        user inserts often or lately. Bounded work per call, whatever the library size."""
        limit = _check_limit(limit)
        lang = _check_language(language)
        if not isinstance(context, str):
            raise ValidationError("context", "must be a string")
        with self._lock:
            index = self._synced()
            if not len(index):
                return []
            relevance, matched_words = self._context_relevance(index, context)
            now = datetime.now(timezone.utc)
            candidates = set(
                heapq.nlargest(COMPLETE_CANDIDATES, relevance, key=relevance.__getitem__)
            )
            if len(candidates) < limit:
                candidates |= self._fallback(index, lang, limit)
            scored: list[tuple[float, int]] = []
            for num in candidates:
                doc = index.by_num(num)
                score = (
                    COMPLETE_RELEVANCE * relevance.get(num, 0.0)
                    + COMPLETE_LANGUAGE * _language_match(doc.snippet.language, lang)
                    + COMPLETE_USAGE * doc.usage(now)
                )
                scored.append((score, num))
            best = heapq.nlargest(limit, scored, key=lambda sn: (sn[0], -sn[1]))
            return [
                self._hit(
                    index.by_num(num),
                    score,
                    explain_completion(
                        index, index.by_num(num), matched_words, lang, now, relevance.get(num)
                    ),
                )
                for score, num in best
                if score > 0.0
            ]

    @staticmethod
    def _context_relevance(
        index: SnippetIndex, context: str
    ) -> tuple[dict[int, float], list[tuple[str, str]]]:
        """{doc: 0..1} from the lines before the cursor, plus the (term, word) pairs used."""
        tail = context[-COMPLETE_CONTEXT_CHARS:]
        lines = tail.replace("\r\n", "\n").split("\n")[-COMPLETE_CONTEXT_LINES:]
        weights: dict[str, float] = {}
        words: dict[str, str] = {}
        for age, line in enumerate(reversed(lines)):
            w = 1.0 if age == 0 else 0.6 / age
            for term, word in text.query_terms(line):
                if w > weights.get(term, 0.0):
                    weights[term] = w
                    words[term] = word
        ft = index.fulltext
        common = max(COMPLETE_COMMON_MIN, len(ft) // COMPLETE_COMMON_SHARE)
        useful = [(t, w) for t, w in weights.items() if 0 < ft.df(t) <= common]
        useful.sort(key=lambda tw: -tw[1] * ft.idf(tw[0]))
        query = useful[:COMPLETE_MAX_TERMS]
        scores: dict[int, float] = {}
        bound = ft.upper_bound(query)
        if bound > 0.0:
            raw = ft.scores(query, max_postings=ft.pruning_threshold())
            if raw:
                top = max(raw.values())
                scores = {d: s / top for d, s in raw.items()}
        partial = _PARTIAL_WORD.search(lines[-1]) if lines and not tail[-1:].isspace() else None
        if partial is not None and len(partial.group()) >= 2:
            for word in text.fuzzy_words(partial.group()) or {partial.group().lower()}:
                found = index.fuzzy.scores([word], prefix=True, max_docs=common)
                for num, sim in found.scores.items():
                    if sim > scores.get(num, 0.0):
                        scores[num] = sim
        return scores, [(t, words[t]) for t, _ in query]

    @staticmethod
    def _fallback(index: SnippetIndex, language: str | None, limit: int) -> set[int]:
        """Nothing around the cursor matched well enough: offer what the user reaches for
        most, then the snippets of this language changed last. Touches only used and recent
        snippets, never the whole library."""
        out = set(index.used())
        if language:
            out.update(index.recent(language, limit))
        return out
