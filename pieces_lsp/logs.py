"""One logging set-up for every front end (server, CLI, MCP): stderr only, through one filter
that redacts secrets and local paths from every record.

Why a filter and not care at each call site: libraries log too (pygls logs whole JSON-RPC
messages at DEBUG, snippet content included), and a user asked to "send the log" must be able
to send it. The level comes from PIECES_LSP_LOG_LEVEL (default WARNING).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys

ENV_LEVEL = "PIECES_LSP_LOG_LEVEL"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Replaces the record's message (and traceback text) by its redacted rendering."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not take the process down
            message = str(record.msg)
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.stack_info:
            message += "\n" + record.stack_info
            record.stack_info = None
        record.msg = _redact(message)
        record.args = None
        record.exc_text = None
        return True


def _redact(message: str) -> str:
    """Protocol logs carry JSON whose strings are escaped (`\\"`, `\\n`): the secrets engine
    must see them as the code they are, so JSON is parsed and redacted value by value."""
    start = message.find("{")
    if start != -1:
        try:
            data = json.loads(message[start:])
        except ValueError:
            pass
        else:
            return message[:start] + json.dumps(_redact_value(data), ensure_ascii=False)
    return _redact_text(message)


# An LSP snippet tab stop `${1:NAME}` hides the assignment `NAME = "value"` from the secrets
# engine; in a log the template reads as well without its tab stops.
_TAB_STOP = re.compile(r"\$\{\d+:([^{}]*)\}")


def _redact_text(text: str) -> str:
    from pieces_lsp.privacy.redact import redact_outbound

    if "${" in text:
        text = _TAB_STOP.sub(r"\1", text)
    return redact_outbound(text)


def _redact_value(value: object) -> object:
    if isinstance(value, str):
        return _redact_text(value)
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v) for v in value]
    return value


def level_from_env(default: int = logging.WARNING) -> int:
    value = os.environ.get(ENV_LEVEL, "").strip().upper()
    if not value:
        return default
    level = logging.getLevelName(value)
    return level if isinstance(level, int) else default


def setup_logging(default: int = logging.WARNING) -> None:
    """Idempotent: the root logger gets exactly one redacting stderr handler."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_pieces", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._pieces = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level_from_env(default))
