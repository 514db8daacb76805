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


_HASH = "python shellscript ruby perl yaml toml r elixir powershell dockerfile makefile terraform"
_SLASHES = (
    "javascript javascriptreact typescript typescriptreact java kotlin scala groovy c cpp csharp "
    "fsharp objective-c swift dart go rust php zig jsonc"
)
_COMMENT: dict[str, tuple[str, str]] = {
    **{lang: ("# ", "") for lang in _HASH.split()},
    **{lang: ("// ", "") for lang in _SLASHES.split()},
    **{lang: ("-- ", "") for lang in ["sql", "lua", "haskell"]},
    **{lang: ("<!-- ", " -->") for lang in ["html", "xml", "markdown", "vue"]},
    **{lang: ("/* ", " */") for lang in ["css", "scss"]},
    "ini": ("; ", ""),
    "bat": ("REM ", ""),
    "matlab": ("% ", ""),
    "latex": ("% ", ""),
    "ocaml": ("(* ", " *)"),
}


def line_marker_comment(language: str | None) -> str | None:
    """The trailing comment that allows a line in `language`, or None where there are no
    comments to put it in (JSON)."""
    open_close = _COMMENT.get((language or "").lower())
    if open_close is None:
        return None
    return f"{open_close[0]}{LINE_MARKER}{open_close[1]}"
