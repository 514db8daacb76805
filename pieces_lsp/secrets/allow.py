"""`pieces:allow-secret` markers: the user's word that a finding is a false positive.

On a line it allows that line; alone in a comment it allows the next line too (where a
formatter would leave it). `pieces:allow-secret-snippet` anywhere allows the whole text.
"""

from __future__ import annotations

import re

LINE_MARKER = "pieces:allow-secret"
SNIPPET_MARKER = "pieces:allow-secret-snippet"
_LINE = re.compile(r"pieces:allow-secret(?![\w-])")
_COMMENT_ONLY = re.compile(r"^\s*(?:#|//|--|/\*|\*|<!--|;|%|'|rem\b|\{-|\(\*)", re.IGNORECASE)


def snippet_allowed(text: str) -> bool:
    return SNIPPET_MARKER in text


def allowed_lines(text: str) -> set[int]:
    """0-based lines on which findings are allowed."""
    if LINE_MARKER not in text:
        return set()
    out: set[int] = set()
    for i, line in enumerate(text.split("\n")):
        if _LINE.search(line):
            out.add(i)
            if _COMMENT_ONLY.match(line):
                out.add(i + 1)
    return out
