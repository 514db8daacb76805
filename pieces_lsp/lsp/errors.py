"""Domain errors -> JSON-RPC errors, with no traceback and no snippet content ever sent."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pygls.exceptions import JsonRpcException

from pieces_lsp.errors import PiecesError, ValidationError

INVALID_PARAMS = -32602
REQUEST_FAILED = -32803
INTERNAL_ERROR = -32603

log = logging.getLogger(__name__)
T = TypeVar("T")


def to_jsonrpc(exc: BaseException) -> JsonRpcException:
    if isinstance(exc, JsonRpcException):
        return exc
    if isinstance(exc, ValidationError):
        return JsonRpcException(message=exc.message, code=INVALID_PARAMS)
    if isinstance(exc, PiecesError):
        return JsonRpcException(message=exc.message, code=REQUEST_FAILED)
    # The text of an unexpected exception may quote user data: keep only its type.
    log.error("internal error in a handler: %s", type(exc).__name__, exc_info=exc)
    return JsonRpcException(
        message=f"internal error ({type(exc).__name__}); see the server log", code=INTERNAL_ERROR
    )


def clean_errors(fn: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Wrap an async handler so every failure reaches the editor as a clean JSON-RPC error."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return await fn(*args, **kwargs)
        except Exception as exc:
            raise to_jsonrpc(exc) from None

    return wrapper


def clean_command(server: Any, name: str) -> Callable[[Callable[..., Awaitable[T]]], Any]:
    """`@clean_command(server, "pieces.x")`: register an executeCommand handler whose every
    failure reaches the editor as a clean JSON-RPC error."""

    def wrap(fn: Callable[..., Awaitable[T]]) -> Any:
        return server.command(name)(clean_errors(fn))

    return wrap
