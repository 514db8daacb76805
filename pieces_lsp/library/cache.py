"""The in-memory read side of the library.

Reads on the editor's hot paths (completion, hover, symbols) must not wait for the file lock that
another window's save holds, so they are served from here. The cache follows the file through the
generation token: when it moves, only rows stamped with a newer change sequence (and tombstones)
are fetched.
"""

from __future__ import annotations

from collections.abc import Iterable

from pieces_lsp.model import Snippet


class SnippetCache:
    def __init__(self) -> None:
        self.by_id: dict[str, Snippet] = {}
        self.by_hash: dict[str, str] = {}
        self.library_id: str | None = None
        self.seq: int = -1
        self.rev: int = 0
        """Counts every change of the contents, our own writes included: `seq` only advances
        when nothing of other processes was missed, so it cannot tell indexes to catch up."""

    @property
    def token(self) -> str | None:
        """The file generation this cache has caught up with (compared with the file's)."""
        return None if self.library_id is None else f"{self.library_id}:{self.seq}"

    @property
    def view_token(self) -> str | None:
        """Changes whenever the contents do: what indexes built on the cache follow."""
        return None if self.library_id is None else f"{self.library_id}:{self.seq}:{self.rev}"

    def reset(self, library_id: str, seq: int, items: Iterable[Snippet]) -> None:
        self.by_id = {}
        self.by_hash = {}
        for s in items:
            self._put(s)
        self.library_id = library_id
        self.seq = seq

    def apply(self, seq: int, changed: Iterable[Snippet], gone: Iterable[str]) -> None:
        for sid in gone:
            self._drop(sid)
        for s in changed:
            self._put(s)
        self.seq = max(self.seq, seq)

    def put_own(self, s: Snippet, seq: int) -> None:
        """Write-through of our own commit; advance only if nothing of others was missed."""
        self._put(s)
        if seq == self.seq + 1:
            self.seq = seq

    def drop_own(self, sid: str, seq: int) -> None:
        self._drop(sid)
        if seq == self.seq + 1:
            self.seq = seq

    def _put(self, s: Snippet) -> None:
        self.rev += 1
        old = self.by_id.get(s.id)
        if old is not None and self.by_hash.get(old.content_hash) == s.id:
            del self.by_hash[old.content_hash]
        self.by_id[s.id] = s
        self.by_hash[s.content_hash] = s.id

    def _drop(self, sid: str) -> None:
        self.rev += 1
        old = self.by_id.pop(sid, None)
        if old is not None and self.by_hash.get(old.content_hash) == sid:
            del self.by_hash[old.content_hash]
