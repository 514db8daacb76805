"""Conversions between LSP shapes and domain values (paths, ranges, snippet text)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types

from pieces_lsp.errors import ValidationError

_PLACEHOLDER = re.compile(r"\$(?:\d+|\{\d+(?::[^}]*)?\}|\{\d+\|[^}]*\|\})")


def path_arg(value: Any, field: str = "path") -> Path:
    """A filesystem path from a command argument: absolute path or `file:` URI (the server's
    working directory is whatever the editor chose, so relative paths would surprise)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "is required (an absolute path or file: URI)")
    if value.startswith("file:"):
        value = unquote(urlparse(value).path)
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ValidationError(field, "must be an absolute path or a file: URI")
    return path


def uri_path(uri: str) -> Path | None:
    """The local path of a `file:` URI; None for `untitled:` and other schemes."""
    if not uri.startswith("file:"):
        return None
    return Path(unquote(urlparse(uri).path))


def range_arg(value: Any) -> types.Range:
    try:
        start, end = value["start"], value["end"]
        rng = types.Range(
            start=types.Position(line=int(start["line"]), character=int(start["character"])),
            end=types.Position(line=int(end["line"]), character=int(end["character"])),
        )
    except (KeyError, TypeError, ValueError):
        raise ValidationError(
            "range", "must be {start: {line, character}, end: {line, character}}"
        ) from None
    if (
        rng.start.line < 0
        or rng.start.character < 0
        or ((rng.end.line, rng.end.character) < (rng.start.line, rng.start.character))
    ):
        raise ValidationError("range", "start must not be after end, and not negative")
    return rng


def position_arg(value: Any) -> types.Position:
    try:
        pos = types.Position(line=int(value["line"]), character=int(value["character"]))
    except (KeyError, TypeError, ValueError):
        raise ValidationError("position", "must be {line, character}") from None
    if pos.line < 0 or pos.character < 0:
        raise ValidationError("position", "must not be negative")
    return pos


def has_placeholders(content: str) -> bool:
    return bool(_PLACEHOLDER.search(content))


def as_snippet_text(content: str) -> str:
    """LSP snippet syntax for a saved snippet: snippets imported from editors already carry tab
    stops and are kept; plain code is escaped and gets a final tab stop."""
    if has_placeholders(content):
        return content
    escaped = content.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")
    return escaped + "$0"


def as_plain_text(content: str) -> str:
    """Plain text for clients without snippet support: drop tab stops, keep defaults."""
    if not has_placeholders(content):
        return content
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", content)
    text = re.sub(r"\$\{\d+\|([^,|]*)[^}]*\|\}", r"\1", text)
    return re.sub(r"\$\{?\d+\}?", "", text)
