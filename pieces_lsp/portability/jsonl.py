"""JSON Lines: one `Snippet.to_dict()` object per line, our lossless interchange format.

Lines are split on `\\n` only (never `str.splitlines`, which also breaks on U+2028 and friends
that JSON leaves unescaped), so any content survives byte for byte. A bad line becomes a failure
for that line and the rest of the file still imports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from pieces_lsp.errors import PiecesError, PortabilityError
from pieces_lsp.model import Snippet

_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
"""Unicode line breaks JSON leaves raw; escaped so line-splitting readers (ours included, and
`str.splitlines` elsewhere) see exactly one record per line."""


def encode(snippet: Snippet) -> str:
    """One line (without its newline) holding the canonical JSON shape."""
    text = json.dumps(snippet.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def decode(line: str) -> Snippet:
    """Parse one line; raises PiecesError with a message that never quotes the content."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise PortabilityError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise PortabilityError("each line must be a JSON object")
    return Snippet.from_dict(data)


def describe_failure(exc: Exception) -> str:
    """A one-line, content-free description of why a record could not be read: our own
    errors are written to be shown; anything else is named by type only, because its message
    may quote the offending value."""
    if isinstance(exc, PiecesError):
        return exc.message.splitlines()[0] if exc.message else type(exc).__name__
    return f"malformed record ({type(exc).__name__})"


def read(path: Path) -> Iterator[Snippet | PortabilityError]:
    """Every record of the file, in order; failures are yielded (not raised) as
    PortabilityError values naming the line, so one bad line never stops the import."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                yield decode(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield PortabilityError(f"line {number}: not UTF-8 text")
            except Exception as exc:  # one bad record must not stop the rest
                yield PortabilityError(f"line {number}: {describe_failure(exc)}")
