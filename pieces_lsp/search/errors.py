"""Errors only search raises."""

from __future__ import annotations

from pieces_lsp.errors import PiecesError

NEURAL_UNAVAILABLE = "this kind of search is not available"


class SearchUnavailableError(PiecesError):
    """The requested kind of search cannot run in this build (e.g. no embedding model): the
    request is fine, the product cannot serve it yet, so it is not a UserError."""
