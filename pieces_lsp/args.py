"""Checks of a request's JSON object arguments, shared by the front ends that take them (LSP
commands, MCP tools): fields are checked by name, so the caller gets `<field>: <problem>`
(-32602 from the server) and a message never quotes the rejected value, which could be code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pieces_lsp.errors import ValidationError

_MISSING = object()


def single_object(args: tuple[Any, ...]) -> dict[str, Any]:
    if len(args) == 1 and args[0] is None:
        return {}
    if len(args) != 1 or not isinstance(args[0], dict):
        raise ValidationError("arguments", "expected exactly one JSON object argument")
    return args[0]


def req_str(obj: Mapping[str, Any], name: str) -> str:
    value = obj.get(name, _MISSING)
    if value is _MISSING or value is None:
        raise ValidationError(name, "is required")
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(name, "must be a non-empty string")
    return value


def opt_str(obj: Mapping[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(name, "must be a string")
    return value


def opt_int(obj: Mapping[str, Any], name: str, default: int, lo: int, hi: int) -> int:
    value = obj.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValidationError(name, f"must be an integer from {lo} to {hi}")
    return value


def opt_str_list(obj: Mapping[str, Any], name: str) -> list[str] | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(name, "must be a list of strings")
    return value
