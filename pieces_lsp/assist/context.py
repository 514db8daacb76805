"""What an LLM gets to see: only what an answer needs.

The top few snippets (chosen by the user, or the best search hits for the question), each
trimmed, inside one character budget. Redaction of secrets and local paths happens once more
at the door (`privacy.egress`); trimming here keeps the request small and the exposure minimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pieces_lsp.model import Snippet

MAX_SNIPPETS = 5
MIN_PER_SNIPPET = 400


@dataclass(frozen=True, slots=True)
class ContextItem:
    id: str | None  # None for the editor selection, which is not a saved snippet
    title: str
    language: str
    text: str
    trimmed: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "trimmed": self.trimmed,
        }


def trim(text: str, budget: int) -> tuple[str, bool]:
    """Keep whole lines from the top: a definition's head says most about what it does."""
    if len(text) <= budget:
        return text, False
    cut = text.rfind("\n", 0, budget)
    cut = cut if cut > budget // 2 else budget
    return text[:cut].rstrip() + "\n…", True


def build_context(
    snippets: Sequence[Snippet],
    budget: int,
    selection: tuple[str, str] | None = None,
) -> list[ContextItem]:
    """`selection` is (text, language) of the editor range the question is about; it comes
    first and gets up to half the budget."""
    items: list[ContextItem] = []
    remaining = max(budget, MIN_PER_SNIPPET)
    if selection is not None and selection[0].strip():
        text, cut = trim(selection[0], remaining // 2 if snippets else remaining)
        items.append(ContextItem(None, "selected code", selection[1] or "text", text, cut))
        remaining -= len(text)
    chosen = list(snippets)[:MAX_SNIPPETS]
    for i, s in enumerate(chosen):
        share = max(MIN_PER_SNIPPET, remaining // (len(chosen) - i))
        text, cut = trim(s.content, share)
        items.append(ContextItem(s.id, s.title, s.language, text, cut))
        remaining -= len(text)
        if remaining <= 0:
            break
    return items


def render(items: Sequence[ContextItem]) -> str:
    blocks = []
    for n, item in enumerate(items, 1):
        label = item.title if item.id is None else f"[{n}] {item.title}"
        blocks.append(f"{label} ({item.language}):\n```{item.language}\n{item.text}\n```")
    return "\n\n".join(blocks)
