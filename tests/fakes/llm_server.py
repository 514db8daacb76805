"""A fake LLM server on 127.0.0.1 that records exactly what it received.

Speaks Ollama's `/api/chat` (NDJSON) or the OpenAI-compatible `/v1/chat/completions`
(server-sent events), streaming its reply in several chunks, and can misbehave on demand. Tests
assert on `fake.requests` / `fake.received_text()`: what reached the wire, not what the client
meant to send. Standard library only, so any test (unit, e2e, editors) can start one.

    with FakeLLM(mode="ollama", reply="Hello") as fake:
        settings = LLMSettings(provider="ollama", url=fake.url, model="m")

    @pytest.fixture
    def fake():
        yield from serve(mode="openai")
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ollama", "openai")
BEHAVIOURS = (
    "ok",  # the reply, streamed in chunks
    "http500",  # 500 with the provider's JSON error shape
    "http401",  # 401 whose message echoes the bearer token, as real servers do
    "http404",  # 404 "model not found"
    "malformed",  # 200, then a line that is not JSON
    "hang",  # sleeps `hang_seconds` before answering (longer than the client's timeout)
    "error-line",  # one chunk, then the provider's in-stream error
    "empty",  # a well-formed stream with no content
    "truncated",  # chunks, then the connection closes without the final line
    "redirect",  # 302 to another address
)
ALLOWED_PORTS_ENV = "PIECES_LSP_TEST_ALLOWED_PORTS_FILE"


class FakeLLM:
    """A threaded HTTP server on 127.0.0.1, port chosen by the OS."""

    def __init__(
        self,
        mode: str = "ollama",
        reply: str = "Hello from the fake",
        behaviour: str = "ok",
        *,
        chunks: int = 4,
        hang_seconds: float = 5.0,
        chunk_delay: float = 0.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"behaviour must be one of {BEHAVIOURS}")
        self.mode = mode
        self.reply = reply
        self.behaviour = behaviour
        self.chunks = max(1, chunks)
        self.hang_seconds = hang_seconds
        self.chunk_delay = chunk_delay
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeLLM:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        allowed = os.environ.get(ALLOWED_PORTS_ENV)
        if allowed:
            with open(allowed, "a", encoding="utf-8") as f:
                f.write(f"127.0.0.1:{self.port}\n")
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes "hang" handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests read -------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None, "start the fake first"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def received_text(self) -> str:
        """Every request body received so far, concatenated (for "never arrives" checks)."""
        with self._lock:
            return "".join(r["body"].decode("utf-8", errors="replace") for r in self.requests)

    def received_everything(self) -> str:
        """Bodies, paths and header values: everything the client put on the wire."""
        with self._lock:
            parts = []
            for r in self.requests:
                parts.append(r["path"])
                parts.extend(f"{k}: {v}" for k, v in r["headers"].items())
                parts.append(r["body"].decode("utf-8", errors="replace"))
            return "\n".join(parts)

    def _record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    # -- wire formats ----------------------------------------------------------------------

    def pieces(self) -> list[str]:
        text = self.reply
        size = max(1, -(-len(text) // self.chunks))
        return [text[i : i + size] for i in range(0, len(text), size)] or [""]

    def stream_lines(self, model: str) -> list[bytes]:
        """The lines of a successful stream (before any misbehaviour is applied)."""
        pieces = [] if self.behaviour == "empty" else self.pieces()
        if self.mode == "ollama":
            lines = [
                _ndjson(
                    {
                        "model": model,
                        "created_at": "2025-01-01T00:00:00Z",
                        "message": {"role": "assistant", "content": p},
                        "done": False,
                    }
                )
                for p in pieces
            ]
            lines.append(
                _ndjson(
                    {
                        "model": model,
                        "created_at": "2025-01-01T00:00:00Z",
                        "message": {"role": "assistant", "content": ""},
                        "done": True,
                        "done_reason": "stop",
                    }
                )
            )
            return lines
        lines = [
            _sse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "delta": {"role": "assistant", "content": p},
                            "finish_reason": None,
                        }
                    ],
                }
            )
            for p in pieces
        ]
        lines.append(
            _sse(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "model": model,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
            )
        )
        lines.append(b"data: [DONE]\n\n")
        return lines

    def error_body(self, message: str) -> bytes:
        if self.mode == "ollama":
            return json.dumps({"error": message}).encode()
        return json.dumps(
            {"error": {"message": message, "type": "invalid_request_error", "code": None}}
        ).encode()


def serve(**kwargs: Any) -> Iterator[FakeLLM]:
    """For pytest fixtures: `yield from serve(mode="openai")`."""
    with FakeLLM(**kwargs) as fake:
        yield fake


def _ndjson(item: dict[str, Any]) -> bytes:
    return json.dumps(item).encode() + b"\n"


def _sse(item: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(item).encode() + b"\n\n"


def _handler_for(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: a fake that printed what it got would defeat "never in any log"."""

        def do_GET(self) -> None:
            self._record(b"")
            if self.path in ("/api/tags", "/v1/models", "/models"):
                if fake.mode == "ollama":
                    body = {"models": [{"name": "fake-model", "model": "fake-model"}]}
                else:
                    body = {"object": "list", "data": [{"id": "fake-model", "object": "model"}]}
                self._send_json(200, json.dumps(body).encode())
            else:
                self._send_json(404, fake.error_body("not found"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parsed = self._record(body)
            expected = ("/api/chat",) if fake.mode == "ollama" else ("/v1/chat/completions",)
            if self.path not in expected:
                self._send_json(404, fake.error_body(f"unknown path {self.path}"))
                return
            model = parsed.get("model", "") if isinstance(parsed, dict) else ""
            behaviour = fake.behaviour
            if behaviour == "hang":
                fake._stop.wait(fake.hang_seconds)
                if fake._stop.is_set():
                    return
            if behaviour == "http500":
                self._send_json(500, fake.error_body("internal error: the model runner crashed"))
                return
            if behaviour == "http401":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                self._send_json(401, fake.error_body(f"Incorrect API key provided: {token}"))
                return
            if behaviour == "http404":
                self._send_json(
                    404, fake.error_body(f"model '{model}' not found, try pulling it first")
                )
                return
            if behaviour == "redirect":
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                return
            lines = fake.stream_lines(str(model))
            final = lines[-1:] if fake.mode == "ollama" else lines[-2:]
            body_lines = lines[: len(lines) - len(final)]
            if behaviour == "malformed":
                lines = [*body_lines[:1], b"this is not json {\n", *body_lines[1:], *final]
            elif behaviour == "error-line":
                if fake.mode == "ollama":
                    error = _ndjson({"error": "model runner crashed mid-answer"})
                else:
                    error = _sse({"error": {"message": "model runner crashed mid-answer"}})
                lines = [*body_lines[:1], error]
            elif behaviour == "truncated":
                lines = body_lines[:2]
            self._stream(lines)

        # -- helpers ---------------------------------------------------------------------

        def _record(self, body: bytes) -> Any:
            try:
                parsed: Any = json.loads(body) if body else None
            except ValueError:
                parsed = None
            fake._record(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k: v for k, v in self.headers.items()},
                    "body": body,
                    "json": parsed,
                }
            )
            return parsed

        def _send_json(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def _stream(self, lines: list[bytes]) -> None:
            content_type = "application/x-ndjson" if fake.mode == "ollama" else "text/event-stream"
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for line in lines:
                    self.wfile.write(f"{len(line):x}\r\n".encode() + line + b"\r\n")
                    self.wfile.flush()
                    if fake.chunk_delay:
                        time.sleep(fake.chunk_delay)
                if fake.behaviour != "truncated":
                    self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

    return Handler
