"""Enrichment on save: everything a snippet gets without the user typing it.

This is the deterministic baseline (language from the file name, a title from the first
definition, secrets). The tree-sitter and model-based enrichers replace parts of it behind the
same `Enricher` interface, so the library service never changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from pieces_lsp.analysis import secrets
from pieces_lsp.analysis.languages import PLAINTEXT, language_from_path
from pieces_lsp.model import SecretFinding

_DEFINITION = re.compile(
    r"^\s*(?:export\s+)?(?:default\s+)?(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?"
    r"(?:def|class|function|func|fn|interface|struct|enum|trait|type|module|object)\s+"
    r"\(?[^)]*?\)?\s*([A-Za-z_$][\w$]*)"
)
_COMMENT_PREFIX = re.compile(r"^\s*(?:#!|#|//|/\*+|\*|--|;|%|<!--|\"\"\"|''')\s*")


@dataclass(slots=True)
class Enrichment:
    language: str
    title: str
    description: str = ""
    frameworks: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    secrets: list[SecretFinding] = field(default_factory=list)


class Enricher(Protocol):
    def enrich(
        self,
        content: str,
        *,
        language: str | None = None,
        uri: str | None = None,
        title: str | None = None,
    ) -> Enrichment: ...


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


class BasicEnricher:
    """Offline, deterministic, fast: never more than a regex pass over the content."""

    def enrich(
        self,
        content: str,
        *,
        language: str | None = None,
        uri: str | None = None,
        title: str | None = None,
    ) -> Enrichment:
        lang = (language or "").strip().lower() or language_from_path(uri) or PLAINTEXT
        found = secrets.findings(content)
        return Enrichment(
            language=lang,
            title=title.strip()[:200] if title and title.strip() else _title_from(content, lang),
            tags=[] if lang == PLAINTEXT else [lang],
            secrets=found,
        )
