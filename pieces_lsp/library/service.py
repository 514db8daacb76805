"""Snippet library operations in plain Python (no LSP, no SQL here)."""

from __future__ import annotations

import atexit
import dataclasses
import heapq
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field

from pieces_lsp.analysis.enrich import Enricher
from pieces_lsp.analysis.pipeline import Analysis
from pieces_lsp.errors import LibraryBusyError, NotFoundError, PiecesError, ValidationError
from pieces_lsp.library.cache import SnippetCache
from pieces_lsp.model import (
    LibraryStats,
    ListQuery,
    Page,
    Snippet,
    SnippetDraft,
    SnippetPatch,
    clean_tags,
    content_hash,
    utcnow,
    validate_content,
)
from pieces_lsp.storage import Database, SnippetRepository

_REFRESH_WAIT = 0.0
"""How long a read waits for the lock to pick up other processes' changes before it answers
from the (slightly stale) cache: reads stay fast while another window writes."""

_REFRESH_INTERVAL = 0.5
"""At most this often does a process pick up other processes' changes while they keep writing."""

_IMPORT_BATCH = 1000
log = logging.getLogger(__name__)


@dataclass(slots=True)
class SaveResult:
    snippet: Snippet
    created: bool
    analysis: Analysis | None = None
    """The enrichment of this save (None when the code was already in the library)."""
    suggested_tags: list[str] = field(default_factory=list)
    """Tags the user's other snippets pair with this one's tags (suggestions, not applied)."""


@dataclass(slots=True)
class MergeResult:
    imported: int = 0
    skipped: int = 0
    ids: list[str] = field(default_factory=list)
    hashes: set[str] = field(default_factory=set)
    """Content hashes of what was imported: ids may have been renamed, hashes never are."""


def _validate_id(sid: object) -> str:
    if not isinstance(sid, str) or not sid.strip():
        raise ValidationError("id", "must be a snippet id (a UUID string)")
    try:
        return str(uuid.UUID(sid.strip()))
    except ValueError:
        raise ValidationError("id", "must be a snippet id (a UUID string)") from None


def _newest_first(s: Snippet) -> tuple[object, str]:
    return (s.updated_at, s.id)


class LibraryService:
    def __init__(self, db: Database, enricher: Enricher, profile: str) -> None:
        self.db = db
        self.enricher = enricher
        self.profile = profile
        self.repo = SnippetRepository()
        self._cache = SnippetCache()
        # Readers take a snapshot (list(dict.values()) is atomic under the GIL); writers of the
        # cache (own commits, refreshes, the background refresher) serialise on this lock.
        self._cache_lock = threading.RLock()
        self._refresher: threading.Thread | None = None
        self._refreshed_at = 0.0
        atexit.register(self._stop_background)

    # -- cache ---------------------------------------------------------------------------------

    def _fresh(self) -> SnippetCache:
        """Bring the cache up to date with other processes' commits. Once there is something
        to serve, a read never waits long: if another window holds the file, it answers from
        the cache and a background thread catches up as soon as the lock is free."""
        cache = self._cache
        token = self.db.current_token()
        if cache.token is not None and token == cache.token:
            return cache
        if cache.token is None and token is None and not self.db.exists():
            return cache
        if cache.token is None:
            self._refresh(timeout=None)
            return self._cache
        refresher = self._refresher
        if refresher is not None and refresher.is_alive():
            return cache  # already catching up; answer now
        if time.monotonic() - self._refreshed_at < _REFRESH_INTERVAL:
            return cache  # a reader must not turn into a second writer on the lock
        try:
            self._refresh(timeout=_REFRESH_WAIT)
        except LibraryBusyError:
            self._refresh_in_background()
        return self._cache

    def _refresh(self, timeout: float | None) -> None:
        with self.db.connection(timeout=timeout, linger=False) as conn, self._cache_lock:
            cache = self._cache
            library_id = self.db.library_id(conn)
            seq = self.db.generation(conn)
            self._refreshed_at = time.monotonic()
            if cache.library_id != library_id or cache.seq < 0:
                cache.reset(library_id, seq, self.repo.iter_all(conn))
            elif seq != cache.seq:
                changed, gone = self.repo.changed_since(conn, cache.seq)
                cache.apply(seq, changed, gone)

    def _refresh_in_background(self) -> None:
        with self._cache_lock:
            if self._refresher is not None and self._refresher.is_alive():
                return
            self._refresher = threading.Thread(
                target=self._background_refresh, name="pieces-cache-refresh", daemon=True
            )
            self._refresher.start()

    def _stop_background(self) -> None:
        """Runs at exit before the database's own shutdown (atexit is last-in, first-out)."""
        self.db._shutting_down = True
        refresher = self._refresher
        if refresher is not None and refresher.is_alive():
            refresher.join(timeout=10)

    def _background_refresh(self) -> None:
        try:
            self._refresh(timeout=None)
        except PiecesError as exc:
            log.warning("library cache refresh failed: %s", exc)

    def _wrote_behind_cache(self) -> None:
        """A bulk write of ours the cache did not follow: the next read must fetch it (read
        your own writes), whatever the rate limit for other processes' changes says."""
        self._refreshed_at = float("-inf")

    def _own_write(self, apply: Callable[[SnippetCache], None]) -> None:
        with self._cache_lock:
            if self._cache.library_id is not None:
                apply(self._cache)

    # -- writes --------------------------------------------------------------------------------

    def save(self, draft: SnippetDraft) -> SaveResult:
        """Save, or return the existing snippet when the same code is already in the library."""
        content = validate_content(draft.content)
        digest = content_hash(content)
        tags = clean_tags(draft.tags)
        # Known code answers from the cache, but only a current one: refreshing first would
        # cost a second file open on every save while other windows write.
        cache = self._cache
        if cache.token is not None and cache.token == self.db.current_token():
            cached_id = cache.by_hash.get(digest)
            if cached_id is not None:
                return SaveResult(cache.by_id[cached_id], created=False)
        info = self.enricher.enrich(
            content, language=draft.language, uri=draft.source.uri, workspace=draft.workspace
        )
        now = utcnow()
        snippet = Snippet(
            id=str(uuid.uuid4()),
            title=(draft.title or "").strip() or info.title,
            description=(draft.description or "").strip() or info.description,
            content=content,
            language=info.language,
            content_hash=digest,
            created_at=now,
            updated_at=now,
            frameworks=info.frameworks,
            tags=clean_tags([*tags, *info.tags]),
            links=info.links,
            secrets=info.secrets,
            source=draft.source,
            kind=info.kind,
            template=info.template,
            related_links=[r.to_dict() for r in info.related_links],
        )
        with self.db.write() as txn:
            existing = self.repo.by_hash(txn.conn, digest)
            if existing is None:
                self.repo.insert(txn.conn, snippet, txn.seq)
        if existing is not None:
            return SaveResult(existing, created=False)
        self._own_write(lambda c: c.put_own(snippet, txn.seq))
        return SaveResult(
            snippet, created=True, analysis=info, suggested_tags=self._suggest_tags(snippet)
        )

    def _suggest_tags(self, snippet: Snippet) -> list[str]:
        """Tags that travel with this snippet's tags elsewhere in the library."""
        try:
            from pieces_lsp.analysis.tags import suggest_from_library

            others = (s.tags for s in self._fresh().by_id.values() if s.id != snippet.id)
            return suggest_from_library(snippet.tags, others)
        except Exception as exc:  # a suggestion is never worth failing a save over
            log.warning("tag suggestions failed: %s", type(exc).__name__)
            return []

    def _enrich_change(
        self, current: Snippet, content: str, language: str
    ) -> tuple[Analysis, set[str]]:
        """Enrichment of the new code, and the tags enrichment gave the old code (those go
        when the code changes; the user's own tags stay)."""
        info = self.enricher.enrich(content, language=language, uri=None)
        old = self.enricher.enrich(current.content, language=current.language)
        return info, set(old.tags)

    def update(self, snippet_id: str, patch: SnippetPatch) -> Snippet:
        sid = _validate_id(snippet_id)
        # Enrich before taking the write lock: the analysis worker may be starting, and other
        # windows must not wait for it. Redone under the lock only if the snippet changed since.
        early: tuple[str, str, Analysis, set[str]] | None = None
        if isinstance(patch.content, str) and patch.content.strip():
            before = self._fresh().by_id.get(sid)
            if before is not None and before.content != patch.content:
                language = (patch.language or before.language).strip().lower()
                info, old_tags = self._enrich_change(before, patch.content, language)
                early = (before.content, language, info, old_tags)
        with self.db.write() as txn:
            current = self.repo.get(txn.conn, sid)
            if current is None:
                raise NotFoundError(f"no snippet with id {sid}")
            new = dataclasses.replace(current, updated_at=utcnow())
            if patch.title is not None:
                if not isinstance(patch.title, str) or not patch.title.strip():
                    raise ValidationError("title", "must be a non-empty string")
                new.title = patch.title.strip()[:200]
            if patch.description is not None:
                if not isinstance(patch.description, str):
                    raise ValidationError("description", "must be a string")
                new.description = patch.description.strip()
            if patch.tags is not None:
                new.tags = clean_tags(patch.tags)
            if patch.language is not None:
                if not isinstance(patch.language, str) or not patch.language.strip():
                    raise ValidationError("language", "must be a non-empty string")
                new.language = patch.language.strip().lower()
            if patch.content is not None and patch.content != current.content:
                new.content = validate_content(patch.content)
                new.content_hash = content_hash(new.content)
                other = self.repo.by_hash(txn.conn, new.content_hash)
                if other is not None and other.id != sid:
                    raise ValidationError(
                        "content", f"is identical to snippet {other.id}; delete one of them"
                    )
                if early is not None and early[:2] == (current.content, new.language):
                    info, old_tags = early[2], early[3]
                else:
                    info, old_tags = self._enrich_change(current, new.content, new.language)
                if patch.tags is None:
                    mine = [t for t in current.tags if t not in old_tags]
                    new.tags = clean_tags([*mine, *info.tags])
                new.secrets = info.secrets
                new.links = info.links
                new.frameworks = info.frameworks
                new.kind = info.kind
                new.template = info.template
                new.related_links = [r.to_dict() for r in info.related_links]
            self.repo.replace(txn.conn, new, txn.seq)
        self._own_write(lambda c: c.put_own(new, txn.seq))
        return new

    def record_use(self, snippet_id: str) -> Snippet:
        """Count an insertion: ranking favours what the user actually reuses."""
        sid = _validate_id(snippet_id)
        when = utcnow()
        with self.db.write() as txn:
            if not self.repo.record_use(txn.conn, sid, when, txn.seq):
                raise NotFoundError(f"no snippet with id {sid}")
            updated = self.repo.get(txn.conn, sid)
        assert updated is not None
        self._own_write(lambda c: c.put_own(updated, txn.seq))
        return updated

    def delete(self, snippet_id: str, *, purge: bool = True) -> None:
        """Delete; with `purge` the file is rewritten so the content is gone from disk."""
        sid = _validate_id(snippet_id)
        with self.db.write() as txn:
            if not self.repo.delete(txn.conn, sid, txn.seq):
                raise NotFoundError(f"no snippet with id {sid}")
        self._own_write(lambda c: c.drop_own(sid, txn.seq))
        if purge:
            self.db.compact()

    def erase(self) -> int:
        """Erase the whole profile: every snippet, the database file and the profile folder."""
        count = self.stats().snippets if self.db.exists() else 0
        self.db.destroy()
        self._cache = SnippetCache()
        return count

    def merge(
        self,
        items: Iterable[Snippet],
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> MergeResult:
        """Add snippets from an export, a backup or another tool, merging by content hash:
        known code is skipped, a clashing id gets a fresh one, everything else keeps its id,
        timestamps and counters."""
        result = MergeResult()
        batch: list[Snippet] = []

        def flush() -> None:
            if not batch:
                return
            with self.db.write() as txn:
                known = self.repo.existing_hashes(txn.conn, [s.content_hash for s in batch])
                ids = self.repo.existing_ids(txn.conn, [s.id for s in batch])
                fresh: list[Snippet] = []
                seen: set[str] = set()
                for s in batch:
                    if s.content_hash in known or s.content_hash in seen:
                        result.skipped += 1
                        continue
                    seen.add(s.content_hash)
                    if s.id in ids:
                        s = dataclasses.replace(s, id=str(uuid.uuid4()))
                    ids.add(s.id)
                    fresh.append(s)
                self.repo.insert_many(txn.conn, fresh, txn.seq)
            self._wrote_behind_cache()
            result.imported += len(fresh)
            result.ids.extend(s.id for s in fresh)
            result.hashes.update(s.content_hash for s in fresh)
            if on_progress:
                on_progress(len(batch))
            batch.clear()

        for item in items:
            batch.append(item)
            if len(batch) >= _IMPORT_BATCH:
                flush()
        flush()
        return result

    def replace_all(self, items: list[Snippet]) -> int:
        """Swap the whole library for `items` in one transaction (restore --replace), then
        purge the old rows from disk."""
        unique: dict[str, Snippet] = {}
        ids: set[str] = set()
        for s in items:
            if s.content_hash in unique:
                continue
            if s.id in ids:
                s = dataclasses.replace(s, id=str(uuid.uuid4()))
            ids.add(s.id)
            unique[s.content_hash] = s
        with self.db.write() as txn:
            self.repo.delete_all(txn.conn, txn.seq)
            self.repo.insert_many(txn.conn, list(unique.values()), txn.seq)
        self._wrote_behind_cache()
        self.db.compact()
        return len(unique)

    def enrich_imported(self, s: Snippet) -> Snippet:
        """Fill what a foreign format lacks and recompute what must never be trusted from a
        file (secret findings)."""
        info = self.enricher.enrich(
            s.content,
            language=None if s.language in ("", "plaintext") else s.language,
            uri=s.source.uri,
        )
        s.title = s.title or info.title
        s.tags = clean_tags([*s.tags, *info.tags])
        s.description = s.description or info.description
        s.language = info.language
        s.secrets = info.secrets
        s.links = s.links or info.links
        s.frameworks = s.frameworks or info.frameworks
        s.kind = info.kind
        s.template = s.template or info.template
        s.related_links = s.related_links or [r.to_dict() for r in info.related_links]
        return s

    # -- reads ---------------------------------------------------------------------------------

    def get(self, snippet_id: str) -> Snippet:
        sid = _validate_id(snippet_id)
        snippet = self._fresh().by_id.get(sid)
        if snippet is None:
            raise NotFoundError(f"no snippet with id {sid}")
        return snippet

    def _matching(self, q: ListQuery) -> list[Snippet]:
        items: Iterable[Snippet] = list(self._fresh().by_id.values())
        if q.language:
            lang = q.language.lower()
            items = (s for s in items if s.language == lang)
        if q.tag:
            tag = q.tag.strip().lower()
            items = (s for s in items if tag in s.tags)
        if q.text:
            needle = q.text.lower()
            items = (
                s
                for s in items
                if needle in s.title.lower()
                or needle in s.description.lower()
                or needle in s.content.lower()
                or any(needle in t for t in s.tags)
            )
        return list(items)

    def list(self, q: ListQuery | None = None) -> Page:
        q = q or ListQuery()
        if not isinstance(q.limit, int) or q.limit < 0 or q.limit > 10_000:
            raise ValidationError("limit", "must be an integer between 0 and 10000")
        if not isinstance(q.offset, int) or q.offset < 0:
            raise ValidationError("offset", "must be a non-negative integer")
        matching = self._matching(q)
        # Only the requested page is ordered: a full sort of 100k snippets per call dominated.
        page = heapq.nlargest(q.offset + q.limit, matching, key=_newest_first)[q.offset :]
        return Page(items=page, total=len(matching))

    def iter_snippets(self, q: ListQuery | None = None) -> Iterator[Snippet]:
        """Everything matching the filter (no paging), oldest first: exports stay stable."""
        q = q or ListQuery()
        yield from sorted(self._matching(q), key=lambda s: (s.created_at, s.id))

    def snapshot(self) -> tuple[str | None, list[Snippet]]:
        """(token, every snippet) for indexes built on top of the library (search, symbols):
        rebuild or update them when the token moves."""
        cache = self._fresh()
        with self._cache_lock:
            return cache.view_token, list(cache.by_id.values())

    def vectors(self, model: str) -> list[tuple[str, str, bytes]]:
        """Stored search vectors made by `model` (derived data: not part of the snippet cache
        and not exported)."""
        if not self.db.exists():
            return []
        with self.db.connection(linger=False) as conn:
            return self.repo.vectors(conn, model)

    def store_vectors(self, model: str, rows: list[tuple[str, str, bytes]]) -> int:
        """Keep computed vectors for the next start. A plain transaction, not a library write:
        no generation bump, so other windows do not refresh for derived data."""
        if not rows or not self.db.exists():
            return 0
        with self.db.connection() as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                n = self.repo.store_vectors(conn, model, rows)
                conn.execute("COMMIT")
            except BaseException:
                with suppress(Exception):
                    conn.execute("ROLLBACK")
                raise
            return n

    def count(self) -> int:
        return len(self._fresh().by_id)

    def stats(self) -> LibraryStats:
        snapshot = list(self._fresh().by_id.values())
        languages: dict[str, int] = {}
        tags: dict[str, int] = {}
        for s in snapshot:
            languages[s.language] = languages.get(s.language, 0) + 1
            for t in s.tags:
                tags[t] = tags.get(t, 0) + 1
        from pieces_lsp.storage.database import LATEST_SCHEMA

        return LibraryStats(
            snippets=len(snapshot),
            profile=self.profile,
            path=str(self.db.paths.database),
            bytes=self.db.size_bytes(),
            languages=dict(sorted(languages.items(), key=lambda kv: -kv[1])),
            tags=dict(sorted(tags.items(), key=lambda kv: -kv[1])[:50]),
            schema_version=LATEST_SCHEMA,
        )
