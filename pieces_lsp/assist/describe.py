"""`pieces.snippet.describe`: let the opted-in LLM refine a snippet's title, description and
tags, keeping the offline (on-device) result whenever the LLM is off or its answer is unusable.

The model's answer is data, not instructions: it is parsed as JSON, bounded, checked for
secrets, and only then written, so a bad answer can never damage the library.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pieces_lsp import secrets
from pieces_lsp.assist.context import trim
from pieces_lsp.model import Snippet, SnippetPatch

if TYPE_CHECKING:
    from pieces_lsp.library import LibraryService
    from pieces_lsp.privacy import LLMClient

MAX_TITLE = 60
MAX_DESCRIPTION = 400
MAX_TAGS = 8
MAX_TAG = 32
_TAG_RE = re.compile(r"[^a-z0-9+#.\-]+")
_JSON_OBJECT = re.compile(r"\{.*\}", re.S)

SYSTEM = (
    "You write catalogue entries for a code snippet library. Reply with one JSON object and "
    'nothing else: {"title": "...", "description": "...", "tags": ["...", "..."]}. '
    f"title: a human-readable summary of what the code does, at most {MAX_TITLE} characters, "
    "no trailing period. description: one or two sentences on what it defines, its inputs and "
    "outputs, libraries used and side effects (network, files, subprocess). tags: 3 to 6 "
    "lower-case keywords. Never include secrets, keys or values shown as <redacted:...>."
)


@dataclass(slots=True)
class Refinement:
    snippet: Snippet
    refined: bool
    source: str  # "llm" or "offline"
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return self.snippet.to_dict() | {
            "refined": self.refined,
            "source": self.source,
            "reason": self.reason,
        }


def _clean_tags(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    out: list[str] = []
    for raw in value:
        if not isinstance(raw, str):
            continue
        tag = _TAG_RE.sub("-", raw.strip().lower()).strip("-")[:MAX_TAG]
        if tag and tag not in out:
            out.append(tag)
    return out[:MAX_TAGS]


def _one_line(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def _has_secret(text: str) -> bool:
    return "<redacted:" in text or bool(text and secrets.find(text, None, None))


def parse_reply(reply: str) -> tuple[str, str, list[str]]:
    """Returns ("", "", []) for fields the reply does not give usably."""
    match = _JSON_OBJECT.search(reply)
    if match is None:
        return "", "", []
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return "", "", []
    if not isinstance(data, dict):
        return "", "", []
    title = _one_line(data.get("title"), MAX_TITLE).rstrip(".")
    description = _one_line(data.get("description"), MAX_DESCRIPTION)
    tags = _clean_tags(data.get("tags"))
    if _has_secret(title):
        title = ""
    if _has_secret(description):
        description = ""
    tags = [t for t in tags if not _has_secret(t)]
    return title, description, tags


def refine_description(snippet_id: str, *, library: LibraryService, llm: LLMClient) -> Refinement:
    snippet = library.get(snippet_id)
    if not llm.settings.enabled:
        return Refinement(
            snippet, False, "offline", "the LLM is off: this is the on-device description"
        )
    code, _ = trim(snippet.content, max(400, llm.settings.max_context_chars))
    user = (
        f"Language: {snippet.language}\n"
        f"Current title: {snippet.title}\n"
        f"Current description: {snippet.description}\n"
        f"Current tags: {', '.join(snippet.tags)}\n\n"
        f"```{snippet.language}\n{code}\n```"
    )
    reply = llm.chat(
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
        purpose="describe",
    )
    title, description, tags = parse_reply(reply)
    if not (title or description or tags):
        return Refinement(
            snippet, False, "offline", "the LLM's answer was not usable; nothing was changed"
        )
    # Tags the user (or the offline enrichment) gave are kept: the LLM adds, it never removes.
    merged = list(dict.fromkeys([*snippet.tags, *tags]))
    patch = SnippetPatch(
        title=title or None,
        description=description or None,
        tags=merged if tags else None,
    )
    updated = library.update(snippet.id, patch)
    return Refinement(updated, True, "llm")
