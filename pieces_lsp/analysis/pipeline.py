"""One snippet in, every on-device enrichment out: the order the analysers run in.

Each analyser is independent and may fail on odd input; a failure costs that one field (logged
without content) and never the save. The text is parsed once and the tree is shared.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pieces_lsp import secrets
from pieces_lsp.analysis.languages import PLAINTEXT
from pieces_lsp.model import SecretFinding

log = logging.getLogger(__name__)

T = TypeVar("T")

HEAD_CHARS = 16 * 1024
"""Language, kind, frameworks, titles, tags and links are read from the first 16K characters:
they are settled long before that, and a 1 MB paste must still enrich in milliseconds. Secrets
are always searched in the whole text; a template is only made for text within this bound."""


def _head(content: str) -> str:
    if len(content) <= HEAD_CHARS:
        return content
    cut = content.rfind("\n", 0, HEAD_CHARS)
    return content[: cut + 1] if cut > HEAD_CHARS // 2 else content[:HEAD_CHARS]


_MARKDOWN = re.compile(
    r"^\s{0,3}(?:#{1,6}\s|[-*+]\s+\S|\d+[.)]\s+\S|>\s|```|~~~)|\[[^\]\n]+\]\([^)\s]+\)|"
    r"\*\*[^*\n]+\*\*|`[^`\n]+`",
    re.MULTILINE,
)


@dataclass(slots=True)
class RelatedLinkInfo:
    url: str
    title: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "title": self.title, "source": self.source}


@dataclass(slots=True)
class Analysis:
    """Everything enrichment knows about a text; the `pieces.analyze` result shape."""

    language: str
    language_confidence: float = 0.0
    language_source: str = "model"
    kind: str = "code"
    code_share: float = 1.0
    frameworks: list[str] = field(default_factory=list)
    project_frameworks: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    title: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    related_links: list[RelatedLinkInfo] = field(default_factory=list)
    secrets: list[SecretFinding] = field(default_factory=list)
    template: str | None = None
    elapsed_ms: float = 0.0
    failed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "language_confidence": round(self.language_confidence, 4),
            "language_source": self.language_source,
            "kind": self.kind,
            "code_share": round(self.code_share, 4),
            "frameworks": list(self.frameworks),
            "project_frameworks": list(self.project_frameworks),
            "imports": list(self.imports),
            "title": self.title,
            "description": self.description,
            "tags": list(self.tags),
            "links": list(self.links),
            "related_links": [r.to_dict() for r in self.related_links],
            # Rule ids and lines only: a preview of a secret is still too much for a preview.
            "secrets": [{"rule": s.rule, "line": s.line} for s in self.secrets],
            "template": self.template,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        """Rebuild from the worker process's JSON (which carries full secret findings)."""
        return cls(
            language=str(d["language"]),
            language_confidence=float(d.get("language_confidence", 0.0)),
            language_source=str(d.get("language_source", "model")),
            kind=str(d.get("kind", "code")),
            code_share=float(d.get("code_share", 1.0)),
            frameworks=[str(x) for x in d.get("frameworks", [])],
            project_frameworks=[str(x) for x in d.get("project_frameworks", [])],
            imports=[str(x) for x in d.get("imports", [])],
            title=str(d.get("title", "")),
            description=str(d.get("description", "")),
            tags=[str(x) for x in d.get("tags", [])],
            links=[str(x) for x in d.get("links", [])],
            related_links=[RelatedLinkInfo(**r) for r in d.get("related_links", [])],
            secrets=[SecretFinding.from_dict(s) for s in d.get("secret_findings", [])],
            template=d.get("template"),
            elapsed_ms=float(d.get("elapsed_ms", 0.0)),
            failed=[str(x) for x in d.get("failed", [])],
        )

    def to_wire(self) -> dict[str, Any]:
        """The worker's reply: the public shape plus what the library stores."""
        d = self.to_dict()
        d["secret_findings"] = [s.to_dict() for s in self.secrets]
        d["elapsed_ms"] = self.elapsed_ms
        d["failed"] = list(self.failed)
        return d


def _guard(result: Analysis, name: str, fn: Callable[[], T], default: T) -> T:
    try:
        return fn()
    except Exception as exc:  # one analyser's bug must not cost the whole enrichment
        log.warning("analysis step %s failed: %s", name, type(exc).__name__)
        result.failed.append(name)
        return default


def analyze(
    content: str,
    *,
    filename: str | None = None,
    language_id: str | None = None,
    workspace: str | None = None,
) -> Analysis:
    """Enrich `content`. `filename`/`language_id` win over guessing the language."""
    from pieces_lsp.analysis import (
        describe,
        frameworks,
        imports,
        kind,
        langid,
        links,
        parsing,
        project,
        related,
        tags,
        template,
    )

    started = time.perf_counter()
    out = Analysis(language=PLAINTEXT)
    text = _head(content)
    guess = _guard(
        out,
        "language",
        lambda: langid.identify(text, filename=filename, language_id=language_id),
        None,
    )
    if guess is not None:
        out.language = guess.language
        out.language_confidence = guess.confidence
        out.language_source = guess.source
    lang = out.language

    k = _guard(out, "kind", lambda: kind.classify(text), None)
    if k is not None:
        out.kind, out.code_share = k.kind, k.code_share
    # Text the user said is code (a file name or languageId) is code, whatever it looks like.
    told = out.language_source in ("filename", "languageId")
    if out.kind == "prose" and told and lang not in (PLAINTEXT, "markdown"):
        out.kind = "mixed"
    elif out.kind == "prose" and not told:
        # A language model asked about prose still names its closest language; prose is
        # Markdown when it uses Markdown's syntax and plain text otherwise.
        lang = out.language = "markdown" if _MARKDOWN.search(text) else PLAINTEXT

    parsed = None
    if lang != PLAINTEXT:
        parsed = _guard(out, "parse", lambda: parsing.parse(text, lang), None)
        if parsed is not None and parsed.too_deep:
            parsed = None  # pathological nesting: the text-level fallbacks take over
    out.secrets = _guard(
        out, "secrets", lambda: secrets.findings(content, filename=filename, language=lang), []
    )
    out.imports = _guard(out, "imports", lambda: imports.imports(text, lang, parsed), [])
    out.frameworks = _guard(
        out,
        "frameworks",
        lambda: frameworks.detect(text, lang, parsed=parsed, imported=out.imports),
        [],
    )
    # What the project declares, apart from what the code shows: tags only, not the description.
    ws = Path(workspace) if workspace else None
    out.project_frameworks = _guard(
        out,
        "project",
        lambda: [
            f for f in project.project_frameworks(filename, ws, lang) if f not in out.frameworks
        ],
        [],
    )
    titled = _guard(
        out,
        "describe",
        lambda: describe.describe(
            text, lang, parsed, frameworks=out.frameworks, imports=out.imports
        ),
        None,
    )
    if titled is not None:
        out.title, out.description = titled
    out.tags = _guard(
        out,
        "tags",
        lambda: tags.tags(
            text,
            lang,
            parsed,
            frameworks=[*out.frameworks, *out.project_frameworks],
            imports=out.imports,
        ),
        [],
    )
    out.links = _guard(out, "links", lambda: links.extract_links(text), [])
    out.related_links = _guard(
        out,
        "related_links",
        lambda: [
            RelatedLinkInfo(url=r.url, title=r.title, source=r.source)
            for r in related.related_links(out.frameworks, out.imports, lang, workspace=ws)
        ],
        [],
    )
    if out.kind != "prose" and text is content:
        out.template = _guard(
            out, "template", lambda: template.template(content, lang, parsed), None
        )
    out.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return out
