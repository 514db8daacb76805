"""What `pieces.privacy.status` and `pieces-lsp privacy` report: where the data lives, what may
reach the network, the latest outbound requests, and how to take the data out or erase it.

Read-only and local: it never opens a socket, and it shows the API key's env var name and
whether it is set, never its value.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pieces_lsp.app import Services


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for p in path.rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
        except OSError:
            continue
    return total


def _files(folder: Path) -> list[dict[str, Any]]:
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            try:
                out.append({"path": str(p), "bytes": p.stat().st_size})
            except OSError:
                continue
    return out


def privacy_status(services: Services, audit_entries: int = 20) -> dict[str, Any]:
    config = services.config
    paths = config.paths
    llm = config.llm
    host = urlsplit(llm.url).netloc if llm.enabled and llm.url else None
    key_env = llm.api_key_env
    profiles_dir = paths.home / "profiles"
    profiles = (
        [
            {"name": p.name, "path": str(p), "bytes": _size(p)}
            for p in sorted(profiles_dir.iterdir())
            if p.is_dir()
        ]
        if profiles_dir.is_dir()
        else []
    )
    files = _files(paths.profile_dir)
    audit = services.audit
    entries = audit.tail(audit_entries) if audit_entries else []
    profile_flag = f" --profile {config.profile}" if config.profile != "default" else ""
    return {
        "network": (
            f"opt-in: {llm.provider} at {host}, model {llm.model}"
            if llm.enabled
            else "off: nothing leaves this machine"
        ),
        "llm": {
            "provider": llm.provider,
            "enabled": llm.enabled,
            "url": llm.url if llm.enabled else None,
            "host": host,
            "model": llm.model if llm.enabled else None,
            "api_key_env": key_env,
            "api_key_set": bool(key_env and os.environ.get(key_env)),
        },
        "telemetry": "none",
        "update_checks": "none",
        "crash_reports": "none",
        "data": {
            "home": str(paths.home),
            "profile": config.profile,
            "profile_dir": str(paths.profile_dir),
            "database": str(paths.database),
            "config_file": str(config.config_path),
            "config_file_exists": config.config_file is not None,
            "files": files,
            "bytes": sum(f["bytes"] for f in files),
            "profiles": profiles,
        },
        "audit": {
            "path": str(audit.path),
            "entries": entries,
        },
        "commands": {
            "export": f"pieces-lsp export PATH --format jsonl{profile_flag}",
            "export_redacted": f"pieces-lsp export PATH --format jsonl --redact{profile_flag}",
            "backup": f"pieces-lsp backup PATH{profile_flag}",
            "erase": f"pieces-lsp erase --yes{profile_flag}",
            "lsp_export": "pieces.library.export {path, format}",
            "lsp_erase": 'pieces.library.erase {confirm: "erase"}',
        },
        "warnings": list(config.warnings),
    }
