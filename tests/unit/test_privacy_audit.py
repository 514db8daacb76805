"""The audit log: fixed fields, owner-only, whole lines even under concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pieces_lsp.privacy import AuditEntry, AuditLog
from pieces_lsp.privacy.audit import FIELDS

ROOT = Path(__file__).resolve().parents[2]


def _entry(i: int = 0, **changes: object) -> dict:
    entry = {
        "host": "127.0.0.1:11434",
        "purpose": "ask",
        "method": "POST",
        "path": "/api/chat",
        "bytes": 10 + i,
        "sha256": "0" * 64,
        "status": 200,
        "outcome": "ok",
        "duration_ms": 1.25,
    }
    entry.update(changes)
    return entry


def test_creates_parent_and_owner_only_file(tmp_path: Path):
    log = AuditLog(tmp_path / "profiles" / "default" / "audit.log")
    log.append(_entry())
    assert log.path.exists()
    if os.name == "posix":
        assert log.path.stat().st_mode & 0o777 == 0o600


def test_a_line_has_exactly_the_documented_fields(tmp_path: Path):
    log = AuditLog(tmp_path / "audit.log")
    log.append(AuditEntry(**_entry()))
    (line,) = log.path.read_text().splitlines()
    item = json.loads(line)
    assert tuple(item) == FIELDS
    assert item["time"].endswith("Z") and "T" in item["time"]
    assert item["status"] == 200 and item["outcome"] == "ok"


def test_unknown_fields_are_refused(tmp_path: Path):
    log = AuditLog(tmp_path / "audit.log")
    with pytest.raises(ValueError, match="body"):
        log.append(_entry(body="the prompt"))
    assert not log.path.exists() or log.path.read_text() == ""


def test_tail_returns_the_last_entries_and_skips_garbage(tmp_path: Path):
    log = AuditLog(tmp_path / "audit.log")
    assert log.tail(5) == []
    for i in range(300):
        log.append(_entry(i))
    with open(log.path, "ab") as f:
        f.write(b'{"time": "2025-01-01T00:00:00Z", "host": "127.0.0.1:1')  # cut short
    last = log.tail(3)
    assert [e["bytes"] for e in last] == [307, 308, 309]
    assert len(log.tail(1000)) == 300
    assert log.tail(0) == []


def test_tightens_an_existing_world_readable_file(tmp_path: Path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    path = tmp_path / "audit.log"
    path.write_text("")
    path.chmod(0o644)
    AuditLog(path).append(_entry())
    assert path.stat().st_mode & 0o777 == 0o600


def test_concurrent_threads_never_interleave(tmp_path: Path):
    log = AuditLog(tmp_path / "audit.log")

    def write(k: int) -> None:
        for i in range(100):
            log.append(_entry(k * 1000 + i, purpose=f"t{k}"))

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = log.path.read_text().splitlines()
    assert len(lines) == 400
    assert all(json.loads(line)["host"] == "127.0.0.1:11434" for line in lines)


def test_concurrent_processes_never_interleave(tmp_path: Path):
    path = tmp_path / "audit.log"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pieces_lsp.privacy.audit import AuditLog\n"
        "log = AuditLog(Path(sys.argv[1]))\n"
        "for i in range(200):\n"
        "    log.append({'host': 'h:1', 'purpose': 'p' + sys.argv[2], 'method': 'POST',\n"
        "        'path': '/x', 'bytes': i, 'sha256': 'a' * 64, 'status': None,\n"
        "        'outcome': 'refused', 'duration_ms': 0.5})\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(path), str(k)], cwd=ROOT)
        for k in range(2)
    ]
    for p in procs:
        assert p.wait(timeout=60) == 0
    lines = path.read_text().splitlines()
    assert len(lines) == 400
    purposes = [json.loads(line)["purpose"] for line in lines]
    assert purposes.count("p0") == purposes.count("p1") == 200
