"""`pieces.ask`: answer a question with the user's own snippets as context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pieces_lsp.assist.context import ContextItem, build_context, render
from pieces_lsp.errors import ValidationError

if TYPE_CHECKING:
    from pieces_lsp.library import LibraryService
    from pieces_lsp.privacy import LLMClient
    from pieces_lsp.search import SearchService

SYSTEM = (
    "You are a coding assistant inside the user's editor. Answer the question using the "
    "code snippets given as context when they are relevant; cite them as [1], [2]. Be concise. "
    "Values shown as <redacted:...> or paths shown as <path>/... were hidden on purpose: do not "
    "guess them."
)
MAX_QUESTION = 4000
SEARCH_K = 3


@dataclass(slots=True)
class Answer:
    answer: str
    sources: list[ContextItem] = field(default_factory=list)
    provider: str = ""
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "sources": [s.to_dict() for s in self.sources],
            "provider": self.provider,
            "model": self.model,
        }


def ask(
    question: str,
    *,
    library: LibraryService,
    search: SearchService,
    llm: LLMClient,
    ids: Sequence[str] | None = None,
    selection: tuple[str, str] | None = None,
    on_delta: Callable[[str], None] | None = None,
) -> Answer:
    """Snippets named by `ids` are the context; without ids, the top few hybrid search hits for
    the question are (the search's own floors already drop weak neural-only matches)."""
    question = question.strip()
    if not question:
        raise ValidationError("question", "must not be empty")
    if len(question) > MAX_QUESTION:
        raise ValidationError("question", f"must be at most {MAX_QUESTION} characters")
    llm.ensure_enabled()
    if ids:
        snippets = [library.get(i) for i in dict.fromkeys(ids)]
    else:
        hits = search.search(question, limit=SEARCH_K)
        snippets = [library.get(h.id) for h in hits]
    items = build_context(snippets, llm.settings.max_context_chars, selection)
    user = question if not items else f"Context:\n\n{render(items)}\n\nQuestion: {question}"
    text = llm.chat(
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
        purpose="ask",
        on_delta=on_delta,
    )
    return Answer(
        answer=text.strip(),
        sources=items,
        provider=llm.settings.provider,
        model=llm.settings.model or "",
    )
