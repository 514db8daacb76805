"""Composition root: the CLI and the server build the same services from a Config.

Nothing happens at import time and nothing touches the disk until a service is used, so the
language server can answer `initialize` before DuckDB is even imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pieces_lsp.config import Config

if TYPE_CHECKING:
    from pieces_lsp.analysis.enrich import Enricher
    from pieces_lsp.library import LibraryService
    from pieces_lsp.privacy import AuditLog, LLMClient
    from pieces_lsp.search import SearchService


@dataclass
class Services:
    config: Config
    _library: LibraryService | None = None
    _search: SearchService | None = None
    _enricher: Enricher | None = None

    @property
    def enricher(self) -> Enricher:
        """Full on-device enrichment, isolated in a worker process unless
        PIECES_LSP_ANALYSIS=inprocess (debugging, profiling)."""
        if self._enricher is None:
            import os

            from pieces_lsp.analysis.enrich import IsolatedEnricher, LocalEnricher

            if os.environ.get("PIECES_LSP_ANALYSIS", "").strip().lower() == "inprocess":
                self._enricher = LocalEnricher()
            else:
                self._enricher = IsolatedEnricher()
        return self._enricher

    @property
    def library(self) -> LibraryService:
        if self._library is None:
            from pieces_lsp.library import LibraryService
            from pieces_lsp.storage import Database

            db = Database(self.config.paths, lock_timeout=self.config.lock_timeout)
            self._library = LibraryService(db, self.enricher, self.config.profile)
        return self._library

    @property
    def search(self) -> SearchService:
        if self._search is None:
            from pieces_lsp.search import SearchService

            self._search = SearchService(self.library)
        return self._search

    @property
    def audit(self) -> AuditLog:
        """Every outbound request of this profile is recorded here (never its body)."""
        from pieces_lsp.privacy import AuditLog

        return AuditLog(self.config.paths.audit_log)

    @property
    def llm(self) -> LLMClient:
        """Built per use, so a settings change applies to the next request. With the provider
        off this still works: the client refuses before any socket is opened."""
        from pieces_lsp.privacy import LLMClient

        return LLMClient(self.config.llm, self.audit)


def build_services(config: Config) -> Services:
    return Services(config)
