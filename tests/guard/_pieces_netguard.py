"""The test suite's network guard: every Python process the suite starts (pytest itself, the
language server, the CLI, the analysis worker, the MCP server) refuses any socket connection
except local IPC and ports that a test's own fake server registered on 127.0.0.1.

Why a guard and not a promise: "nothing leaves the machine" is only true if a test fails the day
some dependency starts phoning home. Violations are refused (the offending call raises) and
appended to a file, so one in a subprocess fails the test that caused it (tests/conftest.py).

Environment (deliberately not PIECES_*: test helpers strip those from child environments):
    NETGUARD_DIR   folder holding `violations` (one line per refused connect) and `allowed`
                   (one `127.0.0.1:PORT` per line, written by tests/fakes servers)
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import traceback
from pathlib import Path

ENV_DIR = "NETGUARD_DIR"
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}
_installed = False


class NetworkBlocked(ConnectionRefusedError):
    """Raised instead of connecting: a ConnectionRefusedError, so callers take their normal
    "cannot connect" path and the test shows that path's message."""


def _dir() -> Path | None:
    value = os.environ.get(ENV_DIR)
    return Path(value) if value else None


def allowed_ports() -> set[str]:
    d = _dir()
    if d is None:
        return set()
    try:
        return {line.strip() for line in (d / "allowed").read_text().splitlines() if line.strip()}
    except OSError:
        return set()


def allow(host: str, port: int) -> None:
    """Register a fake server the current test started."""
    d = _dir()
    if d is not None:
        with open(d / "allowed", "a", encoding="utf-8") as fh:
            fh.write(f"{host}:{port}\n")


def violations() -> list[str]:
    d = _dir()
    if d is None:
        return []
    try:
        return (d / "violations").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _record(what: str) -> None:
    d = _dir()
    where = "".join(traceback.format_stack(limit=8)[:-2]).replace("\n", " | ")
    line = f"pid {os.getpid()} {' '.join(sys.argv[:3])[:120]}: {what} :: {where[-600:]}"
    if d is not None:
        with open(d / "violations", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


def _is_loopback(host: str) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(sock: socket.socket, address: object) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # AF_UNIX and friends: local IPC, not the network
    if not isinstance(address, tuple) or len(address) < 2:
        return
    host, port = str(address[0]), int(address[1])
    if _is_loopback(host) and (
        f"127.0.0.1:{port}" in allowed_ports() or f"{host}:{port}" in allowed_ports()
    ):
        return
    _record(f"connect to {host}:{port}")
    raise NetworkBlocked(f"network guard: connection to {host}:{port} refused in tests")


def install() -> None:
    """Patch the socket module once per process (idempotent)."""
    global _installed
    if _installed or _dir() is None:
        return
    _installed = True
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: object) -> None:
        _check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        _check(self, address)
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: bytes, *args: object) -> int:
        _check(self, args[-1])
        return real_sendto(self, data, *args)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        """A name lookup is already traffic (DNS): only loopback names and literal addresses."""
        name = host.decode() if isinstance(host, bytes) else host
        if name not in (None, "") and not _is_loopback(str(name)):
            try:
                ipaddress.ip_address(str(name).split("%")[0])
            except ValueError:
                _record(f"name lookup of {name}")
                raise socket.gaierror(
                    socket.EAI_NONAME, f"network guard: lookup of {name} refused in tests"
                ) from None
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[assignment]
    socket.getaddrinfo = getaddrinfo
