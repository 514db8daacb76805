"""Chat with the user's own LLM server: Ollama's `/api/chat` or any OpenAI-compatible
`/v1/chat/completions`, streaming, through the egress door.

Messages are redacted *before* they are cut to the context budget: cutting first could split a
secret in two and leave a half the secrets engine no longer recognises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pieces_lsp.errors import EgressDisabledError, LLMResponseError, ValidationError
from pieces_lsp.privacy.egress import OPT_IN_HELP, Egress, EgressResponse
from pieces_lsp.privacy.redact import redact_outbound
from pieces_lsp.privacy.settings import OLLAMA, LLMSettings

if TYPE_CHECKING:
    import httpx

    from pieces_lsp.privacy.audit import AuditLog

ROLES = ("system", "user", "assistant")
TRUNCATED = "\n[… truncated]"
_MAX_ANSWER_CHARS = 1_000_000


class LLMClient:
    """Streaming chat completions from the configured provider."""

    def __init__(
        self,
        settings: LLMSettings,
        audit: AuditLog,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._egress = Egress(settings, audit, transport=transport)

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    def ensure_enabled(self) -> None:
        """Refuse early (before gathering context or opening a progress bar) when off."""
        if not self.settings.enabled:
            raise EgressDisabledError(OPT_IN_HELP)

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        purpose: str,
        on_delta: Callable[[str], None] | None = None,
    ) -> str:
        """The whole answer; `on_delta` sees each piece as it arrives, in order.

        Raises EgressDisabledError when the user has not opted in, and the other
        PrivacyError classes when the server cannot be reached or answers badly."""
        settings = self.settings
        if not settings.enabled:
            raise EgressDisabledError(OPT_IN_HELP)
        prepared = fit_to_budget(
            [
                {"role": m["role"], "content": redact_outbound(m["content"])}
                for m in _valid(messages)
            ],
            settings.max_context_chars,
        )
        payload: dict[str, Any] = {"model": settings.model, "messages": prepared, "stream": True}
        if settings.provider == OLLAMA:
            path, parse = "/api/chat", _ollama_deltas
        else:
            path, parse = openai_path(settings.url or ""), _openai_deltas
        parts: list[str] = []
        size = 0
        with self._egress.request(purpose=purpose, path=path, payload=payload) as reply:
            for delta in parse(reply):
                if not delta:
                    continue
                size += len(delta)
                if size > _MAX_ANSWER_CHARS:
                    raise LLMResponseError(
                        "The LLM's answer is too long; stopped reading.", outcome="too-long"
                    )
                parts.append(delta)
                if on_delta is not None:
                    on_delta(delta)
            if not parts:
                raise LLMResponseError("The LLM server sent an empty answer.", outcome="empty")
        return "".join(parts)


def openai_path(url: str) -> str:
    """`/v1/chat/completions`, unless the configured URL already ends in `/v1` (as most
    providers document it), which must not become `/v1/v1`."""
    return "/chat/completions" if url.rstrip("/").endswith("/v1") else "/v1/chat/completions"


def _valid(messages: Any) -> list[dict[str, str]]:
    if not isinstance(messages, list) or not messages:
        raise ValidationError("messages", "must be a non-empty list")
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            raise ValidationError("messages", f"each needs a role ({', '.join(ROLES)})")
        if not isinstance(m.get("content"), str):
            raise ValidationError("messages", "each needs a text content")
    return messages


def fit_to_budget(messages: list[dict[str, str]], budget: int) -> list[dict[str, str]]:
    """At most `budget` characters of content: system messages first, then the newest
    messages; the oldest message that does not fit is cut at its end, older ones dropped."""
    if sum(len(m["content"]) for m in messages) <= budget:
        return messages
    keep: dict[int, str] = {}
    left = budget
    order = [i for i, m in enumerate(messages) if m["role"] == "system"]
    order += [i for i in reversed(range(len(messages))) if messages[i]["role"] != "system"]
    for i in order:
        content = messages[i]["content"]
        if left <= 0:
            break
        if len(content) <= left:
            keep[i] = content
            left -= len(content)
        else:
            room = max(0, left - len(TRUNCATED))
            keep[i] = content[:room] + TRUNCATED
            left = 0
    return [{"role": messages[i]["role"], "content": keep[i]} for i in sorted(keep)]


def _json_line(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError:
        raise LLMResponseError(
            "The LLM server sent a stream we cannot read (not JSON); is privacy.llm.provider "
            "right for this server?",
            outcome="malformed",
        ) from None


def _ollama_deltas(reply: EgressResponse) -> Iterator[str]:
    """NDJSON: `{"message": {"content": ...}, "done": false}` ... `{"done": true}`, or an
    `{"error": ...}` line when the model fails mid-way."""
    for line in reply.iter_lines():
        if not line.strip():
            continue
        item = _json_line(line)
        if not isinstance(item, dict):
            raise LLMResponseError("The LLM server sent an unexpected stream.", outcome="malformed")
        if "error" in item:
            raise _error_line(reply, item)
        message = item.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if content is not None and not isinstance(content, str):
            raise LLMResponseError("The LLM server sent an unexpected stream.", outcome="malformed")
        if content:
            yield content
        if item.get("done") is True:
            return
    raise LLMResponseError(
        "The LLM server's stream ended before the answer was complete.", outcome="malformed"
    )


def _openai_deltas(reply: EgressResponse) -> Iterator[str]:
    """Server-sent events: `data: {"choices": [{"delta": {"content": ...}}]}` ... then
    `data: [DONE]`. A server that ignores `stream` and sends one JSON object is accepted."""
    finished = False
    for line in reply.iter_lines():
        if not line.strip() or line.startswith((":", "event:", "id:", "retry:")):
            continue
        if line.startswith("data:"):
            data = line[5:].strip()
            if data == "[DONE]":
                return
            item = _json_line(data)
        elif line.lstrip().startswith("{"):
            item = _json_line(line)  # a non-streamed answer
        else:
            raise LLMResponseError(
                "The LLM server sent a stream we cannot read (not server-sent events); is "
                "privacy.llm.provider right for this server?",
                outcome="malformed",
            )
        if not isinstance(item, dict):
            raise LLMResponseError("The LLM server sent an unexpected stream.", outcome="malformed")
        if "error" in item:
            raise _error_line(reply, item)
        choices = item.get("choices")
        if not isinstance(choices, list):
            raise LLMResponseError("The LLM server sent an unexpected stream.", outcome="malformed")
        for choice in choices[:1]:
            if not isinstance(choice, dict):
                raise LLMResponseError(
                    "The LLM server sent an unexpected stream.", outcome="malformed"
                )
            part = choice.get("delta") or choice.get("message") or {}
            content = part.get("content") if isinstance(part, dict) else None
            if content is not None and not isinstance(content, str):
                raise LLMResponseError(
                    "The LLM server sent an unexpected stream.", outcome="malformed"
                )
            if content:
                yield content
            if choice.get("finish_reason"):
                finished = True
    if not finished:
        raise LLMResponseError(
            "The LLM server's stream ended before the answer was complete.", outcome="malformed"
        )


def _error_line(reply: EgressResponse, item: dict[str, Any]) -> LLMResponseError:
    import json

    text = reply.error_text(json.dumps(item))
    return LLMResponseError(
        f"The LLM server reported an error: {text or 'no details'}", outcome="server-error"
    )
