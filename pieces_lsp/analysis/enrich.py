"""Enrichment on save: everything a snippet gets without the user typing it.

Three enrichers share one interface, so the library service never changes:
- `IsolatedEnricher` (the default for the server and CLI) runs the full pipeline in a worker
  process that can be killed if a grammar hangs in C code;
- `LocalEnricher` runs the same pipeline in-process (tests, benches, evals);
- `BasicEnricher` is the regex-only fallback used when the worker is unavailable: a save never
  fails because enrichment did.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Protocol

from pieces_lsp import secrets
from pieces_lsp.analysis.languages import PLAINTEXT, language_from_path
from pieces_lsp.analysis.pipeline import Analysis

if TYPE_CHECKING:
    from pieces_lsp.analysis.worker import AnalysisWorker

log = logging.getLogger(__name__)

_DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?"
    r"(?:def|class|function|func|fn|interface|struct|enum|trait|type|module|object)\s+"
    r"\(?[^)]*?\)?\s*([A-Za-z_$][\w$]*)"
)
_COMMENT_PREFIX = re.compile(r"^\s*(?:#!|#|//|/\*+|\*|--|;|%|<!--|\"\"\"|''')\s*")


class Enricher(Protocol):
    def enrich(
        self,
        content: str,
        *,
        language: str | None = None,
        uri: str | None = None,
        workspace: str | None = None,
    ) -> Analysis: ...


def _title_from(content: str, language: str) -> str:
    redacted = secrets.redact(content)
    lines = [ln for ln in redacted.split("\n") if ln.strip()]
    for line in lines[:50]:
        m = _DEFINITION.match(line)
        if m:
            return line.strip().rstrip("{:").strip()[:60]
    for line in lines:
        text = _COMMENT_PREFIX.sub("", line).strip()
        if len(text) >= 3:
            return text[:60]
    return f"Untitled {language} snippet"


def _editor_language(language: str | None) -> str | None:
    lang = (language or "").strip().lower()
    return lang or None


class BasicEnricher:
    """Offline, deterministic, fast: never more than a regex pass over the content."""

    def enrich(
        self,
        content: str,
        *,
        language: str | None = None,
        uri: str | None = None,
        workspace: str | None = None,
    ) -> Analysis:
        told = _editor_language(language)
        from_path = None if told else language_from_path(uri)
        lang = told or from_path or PLAINTEXT
        source = "languageId" if told else "filename" if from_path else "none"
        return Analysis(
            language=lang,
            language_confidence=1.0 if lang != PLAINTEXT else 0.0,
            language_source=source,
            title=_title_from(content, lang),
            tags=[] if lang == PLAINTEXT else [lang],
            secrets=secrets.findings(content, filename=uri, language=lang),
        )


class LocalEnricher:
    """The full pipeline in this process: for tests, benches and evals."""

    def enrich(
        self,
        content: str,
        *,
        language: str | None = None,
        uri: str | None = None,
        workspace: str | None = None,
    ) -> Analysis:
        from pieces_lsp.analysis.pipeline import analyze

        return analyze(
            content, filename=uri, language_id=_editor_language(language), workspace=workspace
        )


class IsolatedEnricher:
    """The full pipeline in a killable worker process, falling back to `BasicEnricher`."""

    def __init__(self, worker: AnalysisWorker | None = None) -> None:
        if worker is None:
            from pieces_lsp.analysis.worker import shared

            worker = shared()
        self.worker = worker
        self._fallback = BasicEnricher()

    def warm(self) -> None:
        self.worker.warm()

    def enrich(
        self,
        content: str,
        *,
        language: str | None = None,
        uri: str | None = None,
        workspace: str | None = None,
    ) -> Analysis:
        from pieces_lsp.errors import AnalysisUnavailableError

        try:
            return self.worker.analyze(
                content,
                filename=uri,
                language_id=_editor_language(language),
                workspace=workspace,
            )
        except AnalysisUnavailableError as exc:
            log.warning("enrichment fell back to the basic analyser: %s", exc)
            result = self._fallback.enrich(content, language=language, uri=uri)
            result.failed.append("worker")
            return result
