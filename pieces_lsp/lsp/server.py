"""Server factory: each capability module registers its handlers on one server object."""

from __future__ import annotations

import sys
from typing import BinaryIO

from pieces_lsp.lsp import (
    assist,
    code_actions,
    commands,
    completion,
    diagnostics,
    documents,
    lifecycle,
)
from pieces_lsp.lsp.state import PiecesServer


def create_server() -> PiecesServer:
    server = PiecesServer()
    for feature in (lifecycle, commands, assist, documents, diagnostics, code_actions, completion):
        feature.register(server)
    return server


def serve_stdio(protocol_out: BinaryIO | None = None) -> None:
    """Run over stdio. Anything a library prints to stdout would corrupt the protocol, so the
    caller hands us the real stdout and `sys.stdout` points at stderr from then on."""
    out = protocol_out or sys.stdout.buffer
    sys.stdout = sys.stderr
    create_server().start_io(sys.stdin.buffer, out)
