"""The search index of one library, kept in step with it through `snapshot()` tokens.

The library is the source of truth and may change in this process (own saves) or in another
window's process (picked up by the library's cache refresh); either way the snapshot token
moves. On a new token the index diffs the snapshot against what it holds and re-analyses only
the snippets whose searchable text changed, so a save costs one snippet's tokenisation, not the
library's. Snippets are numbered internally (ints are cheaper dict keys than UUID strings, and
index numpy arrays). Numbers only grow and are never reused, even for the same snippet with a
new text: posting arrays stay sorted by appending, and the vectors find what changed by
looking above the last number they saw.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, KeysView, Sequence
from dataclasses import dataclass
from datetime import datetime

from pieces_lsp.model import Snippet
from pieces_lsp.search import text
from pieces_lsp.search.docset import DocSet
from pieces_lsp.search.fulltext import FullTextIndex, merge_weighted
from pieces_lsp.search.fuzzy import FuzzyIndex
from pieces_lsp.search.hits import make_preview
from pieces_lsp.search.shape import shape
from pieces_lsp.secrets import redact

# Field weights of the full-text bag (a word in the title counts as TITLE occurrences).
TITLE = 3.0
TAGS = 2.0
DESCRIPTION = 2.0
CONTENT = 1.0
LANGUAGE = 1.0

# Field weights of the fuzzy vocabulary (how much a perfect match in that field is worth).
FUZZY_TITLE = 1.0
FUZZY_TAG = 1.0
FUZZY_DESCRIPTION = 0.8
FUZZY_IDENTIFIER = 0.7

_USE_COUNT_SATURATION = math.log1p(50)
"""Fifty insertions count as "used all the time"; more adds nothing."""
_RECENCY_HALF_LIFE_DAYS = 14.0


def _text_key(s: Snippet) -> tuple[object, ...]:
    """What the index reads from a snippet: when none of it changed (a use was recorded, or the
    library replaced the object on refresh) the snippet is not re-analysed."""
    return (s.title, s.description, tuple(s.tags), s.language, s.content_hash)


@dataclass(slots=True)
class IndexedDoc:
    num: int
    snippet: Snippet
    key: tuple[object, ...]
    title_terms: frozenset[str]
    tag_terms: frozenset[str]
    description_terms: frozenset[str]
    shape: str = ""
    """The code's shape (`search.shape`): equal shapes are near-duplicates."""
    preview: str | None = None
    safe_title: str | None = None

    @property
    def id(self) -> str:
        return self.snippet.id

    def get_preview(self) -> str:
        """Redaction runs regexes over the whole content: do it once per content, on demand."""
        if self.preview is None:
            self.preview = make_preview(self.snippet.content)
        return self.preview

    def get_title(self) -> str:
        """The title as shown in results: redacted too, since users type titles by hand."""
        if self.safe_title is None:
            self.safe_title = redact(self.snippet.title)
        return self.safe_title

    def usage(self, now: datetime) -> float:
        """0..1: how much the user relies on this snippet (insertions, and how recently)."""
        s = self.snippet
        count = min(1.0, math.log1p(max(0, s.inserted_count)) / _USE_COUNT_SATURATION)
        recency = 0.0
        if s.last_used_at is not None:
            days = max(0.0, (now - s.last_used_at).total_seconds() / 86400.0)
            recency = 0.5 ** (days / _RECENCY_HALF_LIFE_DAYS)
        return 0.5 * count + 0.5 * recency


class SnippetIndex:
    def __init__(self) -> None:
        self.fulltext = FullTextIndex()
        self.fuzzy = FuzzyIndex()
        self.token: str | None = None
        self._by_id: dict[str, IndexedDoc] = {}
        self._by_num: dict[int, IndexedDoc] = {}
        self._by_language: dict[str, set[int]] = {}
        self._by_tag: dict[str, set[int]] = {}
        self._by_shape: dict[str, set[int]] = {}
        self._used: set[int] = set()
        self._next = 0
        self.removals = 0
        """Documents dropped so far: followers (the vectors) diff the numbers only when it moved."""

    def __len__(self) -> int:
        return len(self._by_id)

    # -- following the library -----------------------------------------------------------------

    def sync(self, token: str | None, snippets: Iterable[Snippet]) -> None:
        """Make the index match a library snapshot taken under `token`."""
        if token is not None and token == self.token:
            return
        snippets = snippets if isinstance(snippets, list) else list(snippets)
        by_id = self._by_id
        # The library hands back the same objects for snippets that did not change, so one
        # comprehension finds the few that did (a save in a 100k library: one of them).
        moved = [s for s in snippets if (d := by_id.get(s.id)) is None or d.snippet is not s]
        # Ids are unique, so unless every indexed snippet is still there the counts differ.
        some_gone = len(by_id) + sum(1 for s in moved if s.id not in by_id) != len(snippets)
        fresh: list[Snippet] = []
        for s in moved:
            doc = by_id.get(s.id)
            if doc is None:
                fresh.append(s)
            elif doc.key != _text_key(s):
                self._remove(doc)
                fresh.append(s)
            else:
                doc.snippet = s  # usage counters moved; the text did not
                self._track_use(doc)
        if some_gone:
            seen = {s.id for s in snippets}
            for sid in [sid for sid in by_id if sid not in seen]:
                self._remove(by_id[sid])
        # Oldest first, so document numbers follow modification time and "recent" is cheap.
        fresh.sort(key=lambda s: s.updated_at)
        for s in fresh:
            self._add(s)
        self.token = token

    def _track_use(self, doc: IndexedDoc) -> None:
        if doc.snippet.inserted_count > 0 or doc.snippet.last_used_at is not None:
            self._used.add(doc.num)
        else:
            self._used.discard(doc.num)

    def _add(self, s: Snippet) -> None:
        num = self._next
        self._next += 1
        title = text.terms(s.title)
        tag_terms = [t for tag in s.tags for t in text.terms(tag)]
        description = text.terms(s.description)
        content = text.terms(s.content)
        language = text.terms(s.language)
        self.fulltext.add(
            num,
            merge_weighted(
                [
                    (title, TITLE),
                    (tag_terms, TAGS),
                    (description, DESCRIPTION),
                    (content, CONTENT),
                    (language, LANGUAGE),
                ]
            ),
        )
        words: dict[str, float] = {}
        for source, weight in (
            (text.identifier_words(s.content), FUZZY_IDENTIFIER),
            (text.fuzzy_words(s.description), FUZZY_DESCRIPTION),
            (text.fuzzy_words(s.title), FUZZY_TITLE),
        ):
            for w in source:
                if weight > words.get(w, 0.0):
                    words[w] = weight
        for tag in s.tags:
            for w in (*text.fuzzy_words(tag), tag.replace(" ", "")):
                words[w] = FUZZY_TAG
        self.fuzzy.add(num, words)
        doc = IndexedDoc(
            num=num,
            snippet=s,
            key=_text_key(s),
            title_terms=frozenset(title),
            tag_terms=frozenset(tag_terms),
            description_terms=frozenset(description),
            shape=shape(s.content),
        )
        if doc.shape:
            self._by_shape.setdefault(doc.shape, set()).add(num)
        self._by_id[s.id] = doc
        self._by_num[num] = doc
        self._by_language.setdefault(s.language, set()).add(num)
        for tag in s.tags:
            self._by_tag.setdefault(tag, set()).add(num)
        self._track_use(doc)

    def _remove(self, doc: IndexedDoc) -> None:
        self.removals += 1
        self.fulltext.remove(doc.num)
        self.fuzzy.remove(doc.num)
        del self._by_id[doc.id]
        del self._by_num[doc.num]
        self._used.discard(doc.num)
        same = self._by_shape.get(doc.shape)
        if same is not None:
            same.discard(doc.num)
            if not same:
                del self._by_shape[doc.shape]
        lang = self._by_language.get(doc.snippet.language)
        if lang is not None:
            lang.discard(doc.num)
            if not lang:
                del self._by_language[doc.snippet.language]
        for tag in doc.snippet.tags:
            tagged = self._by_tag.get(tag)
            if tagged is not None:
                tagged.discard(doc.num)
                if not tagged:
                    del self._by_tag[tag]

    # -- lookups -------------------------------------------------------------------------------

    def by_id(self, sid: str) -> IndexedDoc | None:
        return self._by_id.get(sid)

    def by_num(self, num: int) -> IndexedDoc:
        return self._by_num[num]

    def nums(self) -> KeysView[int]:
        """The live document numbers (a set-like view: differences run in C)."""
        return self._by_num.keys()

    def added_after(self, num: int) -> list[int]:
        """Live document numbers above `num`, ascending. Numbers only grow and `_by_num` keeps
        insertion order, so this reads the newest entries only, whatever the library size."""
        out: list[int] = []
        for n in reversed(self._by_num):
            if n <= num:
                break
            out.append(n)
        out.reverse()
        return out

    def docs(self, nums: Iterable[int] | None = None) -> Iterable[IndexedDoc]:
        if nums is None:
            return self._by_num.values()
        return (self._by_num[n] for n in nums)

    def allowed(self, language: str | None, tags: Sequence[str]) -> DocSet | None:
        """Document numbers passing the filters (all given tags required), or None for "no
        filter": filters shrink the candidate set before any ranking runs."""
        if not language and not tags:
            return None
        sets: list[set[int]] = []
        if language:
            sets.append(self._by_language.get(language, set()))
        for tag in tags:
            sets.append(self._by_tag.get(tag, set()))
        sets.sort(key=len)
        out = DocSet(sets[0])
        for other in sets[1:]:
            out &= other
        return out

    def same_shape(self, code_shape: str) -> set[int]:
        """Documents whose code has this shape (near-duplicates)."""
        return set(self._by_shape.get(code_shape, ())) if code_shape else set()

    def used(self) -> set[int]:
        """Documents the user has inserted at least once."""
        return self._used

    def recent(self, language: str | None, limit: int) -> list[int]:
        """The most recently changed documents (of a language), newest first, without sorting
        the library: numbers are handed out in modification order."""
        out: list[int] = []
        for num in reversed(self._by_num):
            if language is None or self._by_num[num].snippet.language == language:
                out.append(num)
                if len(out) >= limit:
                    break
        return out
