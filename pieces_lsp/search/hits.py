"""What search returns: small, JSON-ready records that never carry a raw secret.

Hits go to editors (completion items, quick picks) and to the CLI, so they hold a short preview
instead of the whole content, and the preview is redacted: a search result must be safe to
show on a shared screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pieces_lsp.secrets import redact

PREVIEW_LINES = 5
PREVIEW_WIDTH = 120


@dataclass(slots=True)
class SearchHit:
    id: str
    title: str
    language: str
    tags: list[str] = field(default_factory=list)
    score: float = 0.0
    """0..1, higher is better."""
    preview: str = ""
    why: str = ""
    """A short human explanation, e.g. 'title matches "retry", tag http'."""
    signals: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per retriever that found it (fulltext, fuzzy, neural): its rank there and its score."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "tags": list(self.tags),
            "score": round(self.score, 4),
            "preview": self.preview,
            "why": self.why,
            "signals": {k: dict(v) for k, v in self.signals.items()},
        }


@dataclass(slots=True)
class SimilarHit:
    id: str
    title: str
    score: float
    """0..1: how alike the code is, in words (tf-idf cosine) and in meaning (embedding cosine)."""
    near_duplicate: bool = False
    """The same code up to names, spacing and comments."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "score": round(self.score, 4),
            "near_duplicate": self.near_duplicate,
        }


def make_preview(content: str) -> str:
    """The first few non-empty lines, redacted, common indentation removed, each line cut to
    PREVIEW_WIDTH characters. The whole content is redacted before it is cut, so a secret that
    spans lines (a PEM block) is recognised even though only its first line is shown."""
    lines: list[str] = []
    for line in redact(content).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip().expandtabs(4)
        if line.strip():
            lines.append(line)
            if len(lines) == PREVIEW_LINES:
                break
    indent = min((len(ln) - len(ln.lstrip()) for ln in lines), default=0)
    out = []
    for line in lines:
        line = line[indent:]
        if len(line) > PREVIEW_WIDTH:
            line = line[: PREVIEW_WIDTH - 1] + "…"
        out.append(line)
    return "\n".join(out)
