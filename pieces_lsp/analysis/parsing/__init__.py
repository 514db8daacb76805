"""tree-sitter parsing: grammars from the official wheels, bounded parses, our query files.

Everything that reads code structure (frameworks, titles, placeholders, links in comments,
language identification by parse quality) goes through here, so limits live in one place.
"""

from pieces_lsp.analysis.parsing.bounded import (
    MAX_PARSE_BYTES,
    Parsed,
    parse,
    parse_quality,
)
from pieces_lsp.analysis.parsing.queries import captures, matches, preload, query
from pieces_lsp.analysis.parsing.registry import grammar, supported_languages

__all__ = [
    "MAX_PARSE_BYTES",
    "Parsed",
    "captures",
    "grammar",
    "matches",
    "parse",
    "parse_quality",
    "preload",
    "query",
    "supported_languages",
]
