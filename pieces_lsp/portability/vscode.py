"""VS Code snippet files (`*.code-snippets` and per-language `python.json`), import only.

They are JSON with comments and trailing commas, hence json5. Each entry becomes one snippet: the
entry name is the title, `body` (a string or a list of lines joined with "\\n") the content,
each `prefix` a tag (so the trigger word still finds it), `description` the description, and the
language the first `scope` or, for a language file, its file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import json5

from pieces_lsp.errors import PiecesError, PortabilityError, ValidationError
from pieces_lsp.model import Snippet

SUFFIX = ".code-snippets"
_JSON5_POSITION = re.compile(r":(\d+) .* at column (\d+)")


def load(path: Path) -> Any:
    """The parsed file; the error never echoes the file's text (json5 quotes the bad
    character, which could be part of a secret)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PortabilityError("not UTF-8 text") from None
    except OSError as exc:
        raise PortabilityError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    try:
        return json5.loads(text)
    except (ValueError, RecursionError) as exc:
        m = _JSON5_POSITION.search(str(exc))
        where = f" (line {m.group(1)}, column {m.group(2)})" if m else ""
        raise PortabilityError(f"not valid JSON with comments{where}") from None


def looks_like_snippets(data: Any) -> bool:
    """A snippet file is an object of objects, at least one of which has a `body`."""
    return (
        isinstance(data, dict)
        and bool(data)
        and all(isinstance(v, dict) for v in data.values())
        and any("body" in v for v in data.values())
    )


def _strings(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return list(value)
    raise ValidationError(field, "must be a string or a list of strings")


def _entry(name: str, entry: Any, default_language: str, uri: str) -> Snippet:
    if not isinstance(entry, dict):
        raise ValidationError("snippet", "must be an object with a body")
    if "body" not in entry:
        raise ValidationError("body", "is missing")
    body = entry["body"]
    if isinstance(body, list):
        content = "\n".join(_strings(body, "body"))
    elif isinstance(body, str):
        content = body
    else:
        raise ValidationError("body", "must be a string or a list of strings")
    description = entry.get("description") or ""
    if isinstance(description, list):
        description = "\n".join(_strings(description, "description"))
    if not isinstance(description, str):
        raise ValidationError("description", "must be a string")
    scope = entry.get("scope") or ""
    if not isinstance(scope, str):
        raise ValidationError("scope", "must be a comma-separated string")
    scopes = [s.strip().lower() for s in scope.split(",") if s.strip()]
    prefixes = [p.strip()[:64] for p in _strings(entry.get("prefix"), "prefix")]
    return Snippet.from_dict(
        {
            "title": name.strip()[:200],
            "content": content,
            "description": description.strip(),
            "language": scopes[0] if scopes else default_language,
            "tags": prefixes,
            "source": {"uri": uri},
        }
    )


def read(path: Path, data: Any = None) -> Iterator[Snippet | PortabilityError]:
    """Not-yet-enriched snippets, one per entry; a bad entry is yielded as a PortabilityError
    naming it (never its body) and the others still import."""
    if data is None:
        data = load(path)
    if not isinstance(data, dict):
        raise PortabilityError("not a VS Code snippet file (expected an object of snippets)")
    default_language = "" if path.name.endswith(SUFFIX) else path.stem.lower()
    uri = path.absolute().as_uri()
    for name, entry in data.items():
        label = " ".join(str(name).split())[:60]
        try:
            yield _entry(str(name), entry, default_language, uri)
        except PiecesError as exc:
            yield PortabilityError(f"snippet {label!r}: {exc.message}")
