"""Secrets in open documents as diagnostics (source `pieces`, code = rule id, Warning).

Opening publishes at once; edits are debounced so typing is never slowed by scanning. The
message names the kind of secret, never its value.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.workspace import TextDocument

from pieces_lsp import secrets
from pieces_lsp.lsp.state import PiecesServer

log = logging.getLogger(__name__)
DEBOUNCE = 0.3
MAX_DOCUMENT = 5 * 1024 * 1024
MAX_LINE = 100 * 1024
SOURCE = "pieces"

_pending: dict[str, asyncio.Task[None]] = {}


def _too_big(text: str) -> bool:
    if len(text) > MAX_DOCUMENT:
        return True
    return any(len(line) > MAX_LINE for line in text.split("\n"))


def find_in(doc: TextDocument) -> list[secrets.Match]:
    """Scan a document with its context: the path (tests, config files) and the language."""
    path = urlparse(doc.uri).path if doc.uri.startswith("file:") else doc.uri
    return secrets.find(doc.source, unquote(path), doc.language_id or None)


def compute(ls: PiecesServer, uri: str) -> list[types.Diagnostic]:
    doc = ls.workspace.text_documents.get(uri)
    if doc is None or not ls.settings.diagnostics_secrets:
        return []
    text = doc.source
    if _too_big(text):
        log.info(
            "document skipped for secret scanning: over %d bytes or a very long line", MAX_DOCUMENT
        )
        return []
    ruleset = secrets.load_rules()
    out = []
    for m in find_in(doc):
        rng = types.Range(
            start=doc.client_position_at_offset(m.start),
            end=doc.client_position_at_offset(m.end),
        )
        out.append(
            types.Diagnostic(
                range=rng,
                message=f"Possible secret: {ruleset.describe(m.rule)}. Move it to an "
                "environment variable; pieces stores it redacted.",
                severity=types.DiagnosticSeverity.Warning,
                source=SOURCE,
                code=m.rule,
                data={"rule": m.rule},
            )
        )
    return out


def publish(ls: PiecesServer, uri: str) -> None:
    doc = ls.workspace.text_documents.get(uri)
    version = doc.version if doc is not None else None
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=compute(ls, uri), version=version)
    )


def schedule(ls: PiecesServer, uri: str) -> None:
    previous = _pending.pop(uri, None)
    if previous is not None:
        previous.cancel()

    async def later() -> None:
        await asyncio.sleep(DEBOUNCE)
        _pending.pop(uri, None)
        publish(ls, uri)

    _pending[uri] = asyncio.get_running_loop().create_task(later())


def refresh_all(ls: PiecesServer) -> None:
    for uri in list(ls.workspace.text_documents):
        publish(ls, uri)


def register(server: PiecesServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PiecesServer, params: types.DidOpenTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PiecesServer, params: types.DidChangeTextDocumentParams) -> None:
        schedule(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PiecesServer, params: types.DidCloseTextDocumentParams) -> None:
        task = _pending.pop(params.text_document.uri, None)
        if task is not None:
            task.cancel()
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )
