"""The only door to the network: opt-in policy, redaction, audit log, and the LLM client.

Nothing here talks to the network unless the user set `privacy.llm.provider`; see
`settings` for the policy, `egress` for the one function every request goes through.
Importing this package is cheap (the server's cold start imports it for its settings): the
secrets engine and httpx load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pieces_lsp.errors import (
    AuditLogError,
    EgressDisabledError,
    LLMResponseError,
    LLMUnavailableError,
    MissingAPIKeyError,
    PrivacyError,
)
from pieces_lsp.privacy.audit import AuditEntry, AuditLog
from pieces_lsp.privacy.settings import PROVIDERS, LLMSettings, resolve_llm_settings

if TYPE_CHECKING:
    from pieces_lsp.privacy.egress import Egress, EgressResponse, send
    from pieces_lsp.privacy.llm import LLMClient
    from pieces_lsp.privacy.redact import redact_outbound

_LAZY = {
    "Egress": "pieces_lsp.privacy.egress",
    "EgressResponse": "pieces_lsp.privacy.egress",
    "send": "pieces_lsp.privacy.egress",
    "LLMClient": "pieces_lsp.privacy.llm",
    "redact_outbound": "pieces_lsp.privacy.redact",
}

__all__ = [
    "PROVIDERS",
    "AuditEntry",
    "AuditLog",
    "AuditLogError",
    "Egress",
    "EgressDisabledError",
    "EgressResponse",
    "LLMClient",
    "LLMResponseError",
    "LLMSettings",
    "LLMUnavailableError",
    "MissingAPIKeyError",
    "PrivacyError",
    "redact_outbound",
    "resolve_llm_settings",
    "send",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
