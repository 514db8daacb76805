"""Our query files (`grammars/queries/<language>/<name>.scm`), compiled once per language.

Queries are data: adding a language's imports or definitions is a new .scm file, not code. A
query that fails to compile against the installed grammar version is logged and treated as
absent, so a grammar upgrade degrades one feature instead of breaking enrichment.
"""

from __future__ import annotations

import logging
import threading

from tree_sitter import Node, Query, QueryCursor

from pieces_lsp.analysis.parsing.bounded import Parsed
from pieces_lsp.analysis.parsing.registry import grammar, specs
from pieces_lsp.resources import grammars_dir

log = logging.getLogger(__name__)

MATCH_LIMIT = 4096

_lock = threading.Lock()
_compiled: dict[tuple[str, str], Query | None] = {}


def query(language: str, name: str) -> Query | None:
    """The compiled `name` query for `language`, or None if there is none."""
    key = (language, name)
    try:
        return _compiled[key]
    except KeyError:
        pass
    with _lock:
        if key in _compiled:
            return _compiled[key]
        result: Query | None = None
        spec = specs().get(language)
        lang = grammar(language)
        if spec is not None and lang is not None:
            path = grammars_dir() / "queries" / spec.queries / f"{name}.scm"
            if path.is_file():
                try:
                    result = Query(lang, path.read_text(encoding="utf-8"))
                except Exception as exc:
                    log.warning("query %s/%s.scm does not compile: %s", spec.queries, name, exc)
        _compiled[key] = result
        return result


def captures(parsed: Parsed, name: str, node: Node | None = None) -> dict[str, list[Node]]:
    """Capture name -> nodes (in document order) for one of our queries; {} if absent."""
    q = query(parsed.language, name)
    if q is None:
        return {}
    cursor = QueryCursor(q, match_limit=MATCH_LIMIT)
    found = cursor.captures(node or parsed.root)
    return {k: sorted(v, key=lambda n: n.start_byte) for k, v in found.items()}


def matches(parsed: Parsed, name: str, node: Node | None = None) -> list[dict[str, list[Node]]]:
    """Each match's captures, in document order; [] if the query is absent."""
    q = query(parsed.language, name)
    if q is None:
        return []
    cursor = QueryCursor(q, match_limit=MATCH_LIMIT)
    out = [caps for _idx, caps in cursor.matches(node or parsed.root)]
    out.sort(key=lambda caps: min((n.start_byte for ns in caps.values() for n in ns), default=0))
    return out


def preload() -> int:
    """Load every grammar and compile every query file now (about a second): the worker does
    this while it warms up, so no save pays a first-use cost. Returns the number of queries."""
    count = 0
    for lang, spec in specs().items():
        if grammar(lang) is None:
            continue
        folder = grammars_dir() / "queries" / spec.queries
        if folder.is_dir():
            for path in sorted(folder.glob("*.scm")):
                count += query(lang, path.stem) is not None
    return count
