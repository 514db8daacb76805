"""The server never outlives its editor: stdin closing or the editor process dying ends it,
and nothing but protocol frames ever reaches stdout."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import cli_env


def _frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_frame(stream) -> dict:
    length = 0
    while True:
        line = stream.readline()
        assert line, "server closed stdout"
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def _start(home: Path, process_id: int | None) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pieces_lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(home),
        cwd=str(home),
    )
    assert proc.stdin is not None and proc.stdout is not None
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "processId": process_id,
            "capabilities": {},
            "initializationOptions": {"home": str(home)},
        },
    }
    proc.stdin.write(_frame(init))
    proc.stdin.write(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    cmd = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "workspace/executeCommand",
        "params": {"command": "pieces.snippet.save", "arguments": [{"content": "x = 1"}]},
    }
    proc.stdin.write(_frame(cmd))
    proc.stdin.flush()
    messages = [_read_frame(proc.stdout)]
    while not any(m.get("id") == 2 for m in messages):
        messages.append(_read_frame(proc.stdout))
    assert next(m for m in messages if m.get("id") == 1)["result"]["capabilities"]
    assert next(m for m in messages if m.get("id") == 2)["result"]["created"] is True
    return proc


def _wait(proc: subprocess.Popen[bytes], seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc.returncode
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    return None


def test_exits_when_stdin_closes(home: Path):
    proc = _start(home, None)
    assert proc.stdin is not None
    proc.stdin.close()
    assert _wait(proc, 20) is not None, "server still running after stdin closed"
    assert proc.stdout is not None and proc.stdout.read() == b""  # no stray output


def test_exits_when_the_editor_process_dies(home: Path):
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        proc = _start(home, editor.pid)
        editor.kill()
        editor.wait()
        assert _wait(proc, 20) is not None, "server outlived the editor process"
    finally:
        if editor.poll() is None:
            editor.kill()
    # The library is released: another process can write at once.
    from pieces_lsp.model import SnippetDraft
    from tests.conftest import make_library

    assert make_library(home).save(SnippetDraft(content="y = 2")).created
