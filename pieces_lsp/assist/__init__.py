"""Opt-in LLM features: answering questions about snippets and refining their descriptions.

Everything here is a plain service over the library, search and `privacy.LLMClient`; the
network is only ever reached through `pieces_lsp.privacy`, which checks the opt-in, redacts and
audits. With the LLM off, `ask` refuses with how to opt in and `describe` keeps the offline result.
"""

from pieces_lsp.assist.ask import Answer, ask
from pieces_lsp.assist.context import ContextItem, build_context
from pieces_lsp.assist.describe import Refinement, refine_description

__all__ = [
    "Answer",
    "ContextItem",
    "Refinement",
    "ask",
    "build_context",
    "refine_description",
]
