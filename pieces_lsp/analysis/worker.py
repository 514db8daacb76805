"""Run analysis in a child process that can be abandoned.

A tree-sitter grammar can loop inside its C scanner while holding the GIL; no Python-side
timeout can interrupt that, so the pipeline runs in a separate process (`python -m
pieces_lsp.analysis.worker`) that we kill and restart when it overruns. The same isolation
contains a crashing grammar or model runtime. Requests and replies are JSON lines over the
child's stdin/stdout, one request at a time.

Running as the child, this module points `sys.stdout` at stderr before importing anything
noisy, and keeps the real stdout for replies only.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from typing import IO, Any

from pieces_lsp.analysis.pipeline import Analysis
from pieces_lsp.errors import AnalysisUnavailableError

log = logging.getLogger(__name__)

FIRST_REPLY_TIMEOUT_S = 30.0
"""The first request also imports the grammars and loads the models (seconds on a busy CI)."""
REPLY_TIMEOUT_S = 5.0
"""Enrichment takes milliseconds; five seconds means a hang, not a slow snippet."""


class AnalysisWorker:
    """The parent's handle on the worker process: started lazily, restarted after a failure."""

    def __init__(
        self,
        *,
        reply_timeout_s: float = REPLY_TIMEOUT_S,
        first_reply_timeout_s: float = FIRST_REPLY_TIMEOUT_S,
        command: list[str] | None = None,
    ) -> None:
        self.reply_timeout_s = reply_timeout_s
        self.first_reply_timeout_s = first_reply_timeout_s
        self._command = command or [sys.executable, "-m", "pieces_lsp.analysis.worker"]
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._answered_once = False
        self._next_id = 0
        self.restarts = 0
        atexit.register(self.close)

    # -- lifecycle -----------------------------------------------------------------------------

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        try:
            proc = subprocess.Popen(
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,  # the worker's log lines join ours on stderr
                env=env,
                close_fds=True,
            )
        except OSError as exc:
            raise AnalysisUnavailableError(f"cannot start the analysis worker: {exc}") from exc
        self._replies = queue.Queue()
        self._answered_once = False
        assert proc.stdout is not None
        threading.Thread(
            target=_pump, args=(proc.stdout, self._replies), name="analysis-replies", daemon=True
        ).start()
        self._proc = proc
        return proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            proc.kill()
        with contextlib.suppress(Exception):
            proc.wait(timeout=5)
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        """Stop the worker: closing its stdin ends it cleanly, a kill makes sure."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            with contextlib.suppress(Exception):
                if proc.stdin is not None:
                    proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=2)
            self._kill()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    # -- requests ------------------------------------------------------------------------------

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                if proc is not None:
                    self.restarts += 1
                    self._kill()
                proc = self._start()
            self._next_id += 1
            request["id"] = self._next_id
            line = json.dumps(request, ensure_ascii=False).encode("utf-8", "surrogatepass")
            try:
                assert proc.stdin is not None
                proc.stdin.write(line + b"\n")
                proc.stdin.flush()
            except OSError as exc:
                self._kill()
                raise AnalysisUnavailableError("the analysis worker stopped reading") from exc
            timeout = self.reply_timeout_s if self._answered_once else self.first_reply_timeout_s
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                try:
                    reply = self._replies.get(timeout=max(remaining, 0.0))
                except queue.Empty:
                    self._kill()
                    raise AnalysisUnavailableError(
                        f"analysis took longer than {timeout:g} s; the worker was restarted"
                    ) from None
                if reply is None:
                    self._kill()
                    raise AnalysisUnavailableError("the analysis worker exited")
                if reply.get("id") == request["id"]:
                    break  # a late reply to an abandoned request is skipped
            self._answered_once = True
        if not reply.get("ok"):
            raise AnalysisUnavailableError(f"analysis failed: {reply.get('error', 'unknown')}")
        return reply

    def warm(self) -> None:
        """Start the worker and load grammars and models, so the first save is fast."""
        self._call({"op": "warm"})

    def analyze(
        self,
        content: str,
        *,
        filename: str | None = None,
        language_id: str | None = None,
        workspace: str | None = None,
    ) -> Analysis:
        reply = self._call(
            {
                "op": "analyze",
                "content": content,
                "filename": filename,
                "language_id": language_id,
                "workspace": workspace,
            }
        )
        return Analysis.from_dict(reply["result"])


_shared: AnalysisWorker | None = None
_shared_lock = threading.Lock()


def shared() -> AnalysisWorker:
    """One worker per process: every library of this process enriches through it."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = AnalysisWorker()
        return _shared


def _pump(stream: IO[bytes], replies: queue.Queue[dict[str, Any] | None]) -> None:
    """Reader thread: one JSON reply per line; None marks the end of the stream."""
    try:
        for raw in stream:
            try:
                replies.put(json.loads(raw))
            except ValueError:
                continue
    except (OSError, ValueError):
        pass
    replies.put(None)


# -- the child side ---------------------------------------------------------------------------


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    from pieces_lsp.analysis.pipeline import analyze

    for raw in requests:
        try:
            req = json.loads(raw)
        except ValueError:
            continue
        rid = req.get("id")
        try:
            if req.get("op") == "warm":
                from pieces_lsp.analysis.parsing import preload

                preload()
                # Touch every analyser once, incl. the installed-package scan behind related
                # links (~100 ms), so no save pays for it.
                analyze("import json\n\ndef warm_up(path):\n    return json.load(open(path))\n")
                out: dict[str, Any] = {"id": rid, "ok": True}
            else:
                result = analyze(
                    str(req["content"]),
                    filename=req.get("filename"),
                    language_id=req.get("language_id"),
                    workspace=req.get("workspace"),
                )
                out = {"id": rid, "ok": True, "result": result.to_wire()}
        except Exception as exc:  # report the kind of failure, never the content
            out = {"id": rid, "ok": False, "error": type(exc).__name__}
        replies.write(json.dumps(out, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        replies.write(b"\n")
        replies.flush()


def _die_with_parent() -> None:
    """Linux: have the kernel kill us when the parent goes, even if a grammar hangs with the
    GIL held (then no thread of ours could notice). Elsewhere stdin EOF ends the loop."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def main() -> None:
    _die_with_parent()
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    _serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
