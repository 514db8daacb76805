"""Replace secrets by stable markers, and describe findings without their values.

The marker `<redacted:RULE>` replaces only the value, so quotes and syntax survive and the
redacted code still parses; a marker is a placeholder to the engine, so redacting twice is a
no-op.
"""

from __future__ import annotations

from pieces_lsp.model import SecretFinding
from pieces_lsp.secrets.engine import Match, find


def marker(rule: str) -> str:
    return f"<redacted:{rule}>"


def redact(
    text: str,
    matches: list[Match] | None = None,
    *,
    filename: str | None = None,
    language: str | None = None,
) -> str:
    matches = find(text, filename, language) if matches is None else matches
    if not matches:
        return text
    parts: list[str] = []
    pos = 0
    for m in matches:
        parts.append(text[pos : m.start])
        parts.append(marker(m.rule))
        pos = m.end
    parts.append(text[pos:])
    return "".join(parts)


def findings(
    text: str, *, filename: str | None = None, language: str | None = None
) -> list[SecretFinding]:
    """One finding per secret, with the line it starts on shown redacted."""
    matches = find(text, filename, language)
    out = []
    for m in matches:
        line_start = text.rfind("\n", 0, m.start) + 1
        line_end = text.find("\n", m.start)
        line_end = len(text) if line_end < 0 else line_end
        on_line = [
            Match(x.rule, x.kind, x.start - line_start, min(x.end, line_end) - line_start, 0)
            for x in matches
            if line_start <= x.start < line_end
        ]
        preview = redact(text[line_start:line_end], on_line).strip()[:160]
        out.append(SecretFinding(rule=m.rule, line=m.line, preview=preview))
    return out
