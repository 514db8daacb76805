"""The audit log: one JSON line per request that left (or tried to leave) the machine.

It lets a user check what we sent without trusting us: where, why, how many bytes, and the
SHA-256 of the exact body, which they can compare with a capture of their own. It never holds
the body, headers or key, so the log itself is safe to share. The fields are a fixed list, so
nobody can add "just the prompt, for debugging" later without changing this module.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FILE_NAME = "audit.log"
_TAIL_BLOCK = 8192


@dataclass(frozen=True)
class AuditEntry:
    """One request. `bytes` and `sha256` describe the request body exactly as sent."""

    host: str
    purpose: str
    method: str
    path: str
    bytes: int
    sha256: str
    status: int | None
    outcome: str
    duration_ms: float
    time: str = ""

    def as_line(self) -> str:
        data = asdict(self)
        data["time"] = self.time or _now()
        data["duration_ms"] = round(float(self.duration_ms), 1)
        ordered = {k: data[k] for k in FIELDS}
        return json.dumps(ordered, ensure_ascii=True, separators=(",", ":")) + "\n"


FIELDS = (
    "time",
    "host",
    "purpose",
    "method",
    "path",
    "bytes",
    "sha256",
    "status",
    "outcome",
    "duration_ms",
)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AuditLog:
    """Append-only JSON lines at `path` (normally `<profile_dir>/audit.log`), readable by the
    owner only. Each line is one `write` on a descriptor opened with O_APPEND, so lines from
    concurrent threads and processes never interleave."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def check_writable(self) -> None:
        """Create the file if needed; raises OSError when it cannot be written. Called before
        a request is sent, so a request we could not record is never made."""
        with self._lock:
            os.close(self._open())

    def append(self, entry: AuditEntry | Mapping[str, Any]) -> None:
        line = _to_entry(entry).as_line()
        data = line.encode("ascii")
        with self._lock:
            fd = self._open()
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    def tail(self, n: int = 20) -> list[dict[str, Any]]:
        """The last `n` readable entries, oldest first. A line cut short by a crash or full
        disk, or otherwise garbled, is skipped rather than failing the whole read."""
        if n <= 0:
            return []
        try:
            with open(self.path, "rb") as f:
                f.seek(0, os.SEEK_END)
                end = f.tell()
                chunk = b""
                pos = end
                while pos > 0 and chunk.count(b"\n") <= n:
                    step = min(_TAIL_BLOCK, pos)
                    pos -= step
                    f.seek(pos)
                    chunk = f.read(step) + chunk
        except FileNotFoundError:
            return []
        lines = chunk.split(b"\n")
        if pos > 0:
            lines = lines[1:]  # the first one is probably a partial line
        out: list[dict[str, Any]] = []
        for raw in lines:
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except ValueError:
                continue
            if isinstance(item, dict):
                out.append(item)
        return out[-n:]

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        if hasattr(os, "fchmod"):
            try:
                if os.fstat(fd).st_mode & 0o077:
                    os.fchmod(fd, 0o600)  # an older or copied file: tighten it
            except OSError:
                pass
        return fd


def _to_entry(entry: AuditEntry | Mapping[str, Any]) -> AuditEntry:
    """Only the known fields may be written; anything else is a programming error we want to
    fail loudly in tests, not a body quietly landing in the log."""
    if isinstance(entry, AuditEntry):
        return entry
    unknown = set(entry) - set(FIELDS)
    if unknown:
        raise ValueError(f"audit entries have no field(s): {', '.join(sorted(unknown))}")
    return AuditEntry(**{k: v for k, v in entry.items()})
