"""Find and redact secrets with the rules in `grammars/secrets.toml`.

Findings keep the rule, the line and a redacted preview, never the value: the library must be
safe to export, back up and show in an editor.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from pieces_lsp.model import SecretFinding
from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ALLOW_MARKER = "pieces:allow-secret"
_PLACEHOLDER = re.compile(
    r"^(?:x{3,}|\*{3,}|\.{3,}|<[^>]*>|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|%\([^)]*\)s|\{\{[^}]*\}\}|"
    r"(?:your|my|example|dummy|changeme|placeholder|redacted)[-_a-z]*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    description: str
    pattern: re.Pattern[str]
    group: int


@dataclass(frozen=True, slots=True)
class Match:
    rule: str
    start: int
    end: int
    line: int  # 0-based, as in LSP


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    data = tomllib.loads((grammars_dir() / "secrets.toml").read_text(encoding="utf-8"))
    return tuple(
        Rule(r["id"], r["description"], re.compile(r["regex"]), int(r.get("group", 0)))
        for r in data["rule"]
    )


def _is_placeholder(value: str) -> bool:
    return "<redacted:" in value or bool(_PLACEHOLDER.match(value.strip()))


def find(text: str) -> list[Match]:
    """Non-overlapping matches, first rule wins (provider rules come before generic ones)."""
    return list(_find(text))


@lru_cache(maxsize=4)
def _find(text: str) -> tuple[Match, ...]:
    """One enrichment asks about the same text several times (findings, the title's and the
    tags' redaction): scan it once."""
    allowed_lines = {i for i, line in enumerate(text.split("\n")) if ALLOW_MARKER in line}
    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())
    taken: list[tuple[int, int]] = []
    out: list[Match] = []
    for rule in rules():
        for m in rule.pattern.finditer(text):
            start, end = m.span(rule.group)
            if start < 0 or _is_placeholder(m.group(rule.group)):
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            line = _line_of(line_starts, start)
            if line in allowed_lines:
                continue
            taken.append((start, end))
            out.append(Match(rule.id, start, end, line))
    out.sort(key=lambda x: x.start)
    return tuple(out)


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def redact(text: str, matches: list[Match] | None = None) -> str:
    """Replace each secret by `<redacted:RULE>`; text already redacted comes back unchanged."""
    matches = find(text) if matches is None else matches
    parts: list[str] = []
    pos = 0
    for m in matches:
        parts.append(text[pos : m.start])
        parts.append(f"<redacted:{m.rule}>")
        pos = m.end
    parts.append(text[pos:])
    return "".join(parts)


def findings(text: str) -> list[SecretFinding]:
    """One finding per secret, with the line it starts on shown redacted."""
    matches = find(text)
    out = []
    for m in matches:
        line_start = text.rfind("\n", 0, m.start) + 1
        line_end = text.find("\n", m.start)
        line_end = len(text) if line_end < 0 else line_end
        on_line = [
            Match(x.rule, x.start - line_start, min(x.end, line_end) - line_start, 0)
            for x in matches
            if line_start <= x.start < line_end
        ]
        preview = redact(text[line_start:line_end], on_line).strip()[:160]
        out.append(SecretFinding(rule=m.rule, line=m.line, preview=preview))
    return out
