"""The guard the whole suite runs under (tests/guard) must itself be able to fail: each test
here provokes a violation in a private guard folder, so the suite's own record stays clean."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import _pieces_netguard
import pytest


def _child(code: str, guard_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NETGUARD_DIR=str(guard_dir))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


def test_suite_runs_under_the_guard():
    assert os.environ.get("NETGUARD_DIR")
    assert socket.socket.connect.__module__ == "_pieces_netguard"
    assert socket.getaddrinfo.__module__ == "_pieces_netguard"


def test_a_child_process_cannot_reach_an_outside_address(tmp_path: Path):
    out = _child("import socket; socket.create_connection(('192.0.2.1', 443), timeout=3)", tmp_path)
    assert out.returncode != 0
    assert "network guard" in out.stderr
    lines = (tmp_path / "violations").read_text().splitlines()
    assert len(lines) == 1 and "192.0.2.1:443" in lines[0]


def test_a_child_process_cannot_resolve_a_name(tmp_path: Path):
    out = _child("import socket; socket.getaddrinfo('pypi.org', 443)", tmp_path)
    assert out.returncode != 0
    assert "name lookup of pypi.org" in (tmp_path / "violations").read_text()


def test_loopback_needs_registration(tmp_path: Path):
    code = """
import socket, _pieces_netguard
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
port = srv.getsockname()[1]
try:
    socket.create_connection(("127.0.0.1", port), timeout=3)
    print("connected-unregistered")
except ConnectionRefusedError as exc:
    print("refused:", exc)
_pieces_netguard.allow("127.0.0.1", port)
socket.create_connection(("127.0.0.1", port), timeout=3).close()
print("connected-registered")
"""
    out = _child(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "refused: network guard" in out.stdout
    assert "connected-unregistered" not in out.stdout
    assert "connected-registered" in out.stdout
    assert len((tmp_path / "violations").read_text().splitlines()) == 1


def test_local_ipc_is_not_network(tmp_path: Path):
    out = _child(
        "import socket; a, b = socket.socketpair(); a.send(b'x'); print(b.recv(1))", tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "violations").exists()


def test_this_process_is_guarded_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NETGUARD_DIR", str(tmp_path))
    with pytest.raises(ConnectionRefusedError, match="network guard"):
        socket.create_connection(("192.0.2.1", 80), timeout=3)
    assert _pieces_netguard.violations()
