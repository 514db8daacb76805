"""The one door to the network: every outbound request of pieces-lsp is `Egress.request`.

Keeping a single door makes the privacy promises checkable in one place: nothing is resolved,
connected or sent unless the user opted in; every string of the payload is redacted; the body
is serialised once, so the audit line's byte count and SHA-256 are those of the bytes on the
wire; and a line is appended to the audit log whatever happens (after checking, before
sending, that it can be). httpx is imported here, on first use, and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pieces_lsp.errors import (
    AuditLogError,
    EgressDisabledError,
    LLMResponseError,
    LLMUnavailableError,
    MissingAPIKeyError,
    PrivacyError,
)
from pieces_lsp.privacy.audit import AuditEntry, AuditLog
from pieces_lsp.privacy.redact import redact_outbound, redact_payload
from pieces_lsp.privacy.settings import OLLAMA, LLMSettings, check_url

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

_PURPOSE_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_PATH_RE = re.compile(r"^/[A-Za-z0-9._~/-]{0,200}$")
_RESERVED_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "host", "content-length"}
)
_ERROR_BODY_LIMIT = 8192
ERROR_TEXT_LIMIT = 200
USER_AGENT = "pieces-lsp"

OPT_IN_HELP = (
    "Network access is off: pieces-lsp sends nothing anywhere unless you opt in. To use a "
    "local Ollama, add this to config.toml in the pieces-lsp home folder "
    "(<home>/config.toml):\n"
    "\n"
    "    [privacy.llm]\n"
    '    provider = "ollama"          # or "openai-compatible" (then also set url)\n'
    '    model = "llama3.2"\n'
    "\n"
    'or pass {"privacy": {"llm": {"provider": "ollama", "model": "llama3.2"}}} in the '
    "language server's initializationOptions. Code is redacted (secrets, local paths) before "
    "it leaves, and every request is listed in the profile's audit.log."
)


class EgressResponse:
    """The streaming answer of one request, readable only inside `Egress.request`."""

    def __init__(self, response: httpx.Response, secret: str | None = None) -> None:
        self._response = response
        self._secret = secret
        self.status = response.status_code

    def __repr__(self) -> str:
        return f"<EgressResponse status={self.status}>"

    def error_text(self, raw: bytes | str) -> str:
        """A server's error message, safe to show (see `server_error_text`)."""
        return server_error_text(raw, self._secret)

    @property
    def content_type(self) -> str:
        return self._response.headers.get("content-type", "")

    def iter_lines(self) -> Iterator[str]:
        """Decoded lines as they arrive (NDJSON and server-sent events are both line-based)."""
        buffer = ""
        for text in self._response.iter_text():
            buffer += text
            *lines, buffer = buffer.split("\n")
            for line in lines:
                yield line.rstrip("\r")
        if buffer:
            yield buffer.rstrip("\r")

    def read(self, limit: int | None = None) -> bytes:
        """The body (at most `limit` bytes, so a huge error page cannot fill memory)."""
        chunks: list[bytes] = []
        size = 0
        for chunk in self._response.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size >= limit:
                break
        data = b"".join(chunks)
        return data if limit is None else data[:limit]


class Egress:
    """Sends requests to the configured LLM server, and only there."""

    def __init__(
        self,
        settings: LLMSettings,
        audit: AuditLog,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.audit = audit
        self._transport = transport  # tests of httpx wiring only; the suite uses real sockets

    @contextmanager
    def request(
        self,
        *,
        purpose: str,
        path: str,
        payload: Mapping[str, Any] | None,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[EgressResponse]:
        """Send `payload` (redacted) as JSON to `<url><path>` and yield the streaming response.

        Raises EgressDisabledError (before any DNS lookup or socket) when the user has not
        opted in, MissingAPIKeyError, AuditLogError, LLMUnavailableError (refused, DNS,
        timeout, connection cut) and LLMResponseError (HTTP status >= 300). Errors the caller
        raises inside the block (e.g. a malformed stream) are recorded with their `outcome`.
        """
        settings = self.settings
        if not settings.enabled:
            raise EgressDisabledError(OPT_IN_HELP)
        if not settings.url:
            raise EgressDisabledError(
                f"privacy.llm.url is required for provider {settings.provider!r}; nothing was sent."
            )
        problem = check_url(settings.url)
        if problem:  # settings built by hand, not by resolve_llm_settings
            raise EgressDisabledError(f"privacy.llm.url {problem}; nothing was sent.")
        if not _PURPOSE_RE.match(purpose):
            raise ValueError("purpose must be a short lowercase label like 'ask'")
        if not _PATH_RE.match(path):
            raise ValueError("path must be a plain absolute URL path like '/api/chat'")
        if method not in ("GET", "POST"):
            raise ValueError("method must be GET or POST")
        extra = dict(headers or {})
        if any(name.lower() in _RESERVED_HEADERS for name in extra):
            raise ValueError("the Authorization, Cookie, Host and length headers are ours")

        secret = _api_key(settings)
        body = b""
        if payload is not None:
            clean = redact_payload(dict(payload))
            body = json.dumps(clean, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        digest = hashlib.sha256(body).hexdigest()
        base = urlsplit(settings.url)
        url = settings.url.rstrip("/") + path
        host = _host_of(settings.url)
        try:
            self.audit.check_writable()
        except OSError as exc:
            raise AuditLogError(
                f"The audit log cannot be written ({exc.strerror or type(exc).__name__}); "
                "nothing was sent."
            ) from None

        send_headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/x-ndjson, text/event-stream, application/json",
            **extra,
        }
        if payload is not None:
            send_headers["Content-Type"] = "application/json"
        if secret:
            send_headers["Authorization"] = f"Bearer {secret}"

        status: int | None = None
        outcome = "aborted"
        started = time.monotonic()
        try:
            import httpx

            timeout = httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0))
            with httpx.Client(
                timeout=timeout,
                trust_env=False,  # no proxy or netrc from the environment, silently
                follow_redirects=False,
                transport=self._transport,
            ) as client:
                try:
                    with client.stream(
                        method, url, content=body or None, headers=send_headers
                    ) as response:
                        status = response.status_code
                        reply = EgressResponse(response, secret)
                        if status >= 300:
                            raise _status_error(settings, host, reply)
                        yield reply
                except httpx.HTTPError as exc:
                    raise _transport_error(settings, host, exc) from None
            outcome = "ok"
        except PrivacyError as exc:
            outcome = exc.outcome
            raise
        finally:
            duration = (time.monotonic() - started) * 1000
            log.debug(
                "egress %s %s purpose=%s status=%s outcome=%s bytes=%d",
                method,
                host,
                purpose,
                status,
                outcome,
                len(body),
            )
            try:
                self.audit.append(
                    AuditEntry(
                        host=host,
                        purpose=purpose,
                        method=method,
                        path=(base.path.rstrip("/") + path) or "/",
                        bytes=len(body),
                        sha256=digest,
                        status=status,
                        outcome=outcome,
                        duration_ms=duration,
                    )
                )
            except OSError:
                log.error("could not append to the audit log after a request")


def send(
    settings: LLMSettings,
    audit: AuditLog,
    *,
    purpose: str,
    path: str,
    payload: Mapping[str, Any] | None,
    method: str = "POST",
    headers: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> AbstractContextManager[EgressResponse]:
    """`Egress(settings, audit).request(...)` as one call: a context manager yielding an
    `EgressResponse`."""
    return Egress(settings, audit, transport=transport).request(
        purpose=purpose, path=path, payload=payload, method=method, headers=headers
    )


def _api_key(settings: LLMSettings) -> str | None:
    """Read at request time, so the key lives in the environment only."""
    name = settings.api_key_env
    if not name:
        return None
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingAPIKeyError(
            f"The environment variable {name} (privacy.llm.api_key_env) is not set or is "
            f"empty: set it in the environment the editor or CLI starts pieces-lsp from."
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise MissingAPIKeyError(
            f"The environment variable {name} holds control characters; it cannot be sent "
            "as an API key."
        )
    return value


def _host_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}"


def _what_to_check(settings: LLMSettings) -> str:
    if settings.provider == OLLAMA:
        return "is Ollama running (`ollama serve`) and is privacy.llm.url right?"
    return "is the server running and reachable, and is privacy.llm.url right?"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _transport_error(settings: LLMSettings, host: str, exc: Exception) -> PrivacyError:
    import socket

    import httpx

    check = _what_to_check(settings)
    if isinstance(exc, httpx.ConnectTimeout):
        return LLMUnavailableError(
            f"Timed out connecting to the LLM server at {host}: {check}", outcome="timeout"
        )
    if isinstance(exc, httpx.TimeoutException):
        return LLMUnavailableError(
            f"The LLM server at {host} did not answer within {settings.timeout:g} s "
            "(privacy.llm.timeout): it may be loading the model or overloaded; try again, or "
            "raise the timeout.",
            outcome="timeout",
        )
    if isinstance(exc, httpx.ConnectError):
        causes = list(_causes(exc))
        if any(isinstance(c, socket.gaierror) for c in causes) or "name" in str(exc).lower():
            return LLMUnavailableError(
                f"Cannot resolve the LLM server's host {host}: check privacy.llm.url.",
                outcome="unresolved",
            )
        if (
            any(isinstance(c, ConnectionRefusedError) for c in causes)
            or "refused" in str(exc).lower()
        ):
            return LLMUnavailableError(
                f"Connection refused by the LLM server at {host}: {check}", outcome="refused"
            )
        return LLMUnavailableError(
            f"Cannot connect to the LLM server at {host}: {check}", outcome="unreachable"
        )
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return LLMUnavailableError(
            f"The connection to the LLM server at {host} broke before the answer was "
            "complete; try again.",
            outcome="interrupted",
        )
    return LLMUnavailableError(
        f"The request to the LLM server at {host} failed ({type(exc).__name__}).",
        outcome="unreachable",
    )


def _status_error(settings: LLMSettings, host: str, reply: EgressResponse) -> PrivacyError:
    status = reply.status
    if 300 <= status < 400:
        return LLMResponseError(
            f"The LLM server at {host} answered with a redirect ({status}); redirects are not "
            "followed: set privacy.llm.url to the final address.",
            outcome="redirect",
            status=status,
        )
    try:
        text = reply.error_text(reply.read(_ERROR_BODY_LIMIT))
    except Exception:  # the error page itself broke off: the status says enough
        text = ""
    hint = ""
    if status in (401, 403):
        hint = " Check the API key (the variable named by privacy.llm.api_key_env)."
    elif status == 404:
        hint = " Check privacy.llm.model and privacy.llm.url."
        if settings.provider == OLLAMA:
            hint += " For Ollama, `ollama pull <model>` first."
    elif status == 429:
        hint = " The server is rate limiting; try again later."
    detail = f": {text}" if text else ""
    return LLMResponseError(
        f"The LLM server at {host} answered HTTP {status}{detail}.{hint}",
        outcome="http-error",
        status=status,
    )


def server_error_text(raw: bytes | str, secret: str | None = None) -> str:
    """A server's error message, made safe to show: its own JSON error field if any, with the
    key (servers echo it back on 401), secrets and paths redacted, on one line, short."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error", data.get("message", data.get("detail")))
        if isinstance(error, dict):
            error = error.get("message", error.get("type"))
        if isinstance(error, str):
            text = error
    text = redact_outbound(" ".join(_without_key(text, secret).split()))
    if len(text) > ERROR_TEXT_LIMIT:
        text = text[: ERROR_TEXT_LIMIT - 1].rstrip() + "…"
    return text


_KEY_WINDOW = 8


def _without_key(text: str, secret: str | None) -> str:
    """Servers echo keys back on 401, whole or in part ("Incorrect API key: sk-abc...xyz"):
    any word sharing 8 characters in a row with the key is removed."""
    if not secret:
        return text
    text = text.replace(secret, "<redacted:api-key>")
    if len(secret) < _KEY_WINDOW:
        return text
    windows = {secret[i : i + _KEY_WINDOW] for i in range(len(secret) - _KEY_WINDOW + 1)}

    def scrub(match: re.Match[str]) -> str:
        word = match.group(0)
        for i in range(len(word) - _KEY_WINDOW + 1):
            if word[i : i + _KEY_WINDOW] in windows:
                return "<redacted:api-key>"
        return word

    return re.sub(r"[^\s\"'`,;()<>\[\]{}]{8,}", scrub, text)
