"""The secrets engine: find, redact and describe credentials in text, offline.

Used wherever a snippet could leave its place: on save (findings stored, never values), in
editor diagnostics, on export with `--redact`, and before any opt-in network request.
"""

from pieces_lsp.secrets.allow import LINE_MARKER as ALLOW_MARKER
from pieces_lsp.secrets.allow import SNIPPET_MARKER as ALLOW_SNIPPET_MARKER
from pieces_lsp.secrets.engine import Match, find, rule_matches
from pieces_lsp.secrets.redaction import findings, marker, redact
from pieces_lsp.secrets.rules import RulesError, RuleSet
from pieces_lsp.secrets.rules import load as load_rules

__all__ = [
    "ALLOW_MARKER",
    "ALLOW_SNIPPET_MARKER",
    "Match",
    "RuleSet",
    "RulesError",
    "find",
    "findings",
    "load_rules",
    "marker",
    "redact",
    "rule_matches",
]
