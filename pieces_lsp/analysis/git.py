"""Git provenance of a saved file, read from `.git/` directly: no subprocess on the save path,
and credentials embedded in remote URLs are stripped before anything is stored."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

_CREDENTIALS = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)


def _git_dir(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():  # worktrees and submodules: "gitdir: <path>"
            text = candidate.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text[7:].strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None


def strip_credentials(url: str) -> str:
    return _CREDENTIALS.sub(lambda m: m.group("scheme"), url)


def git_origin(start: Path) -> tuple[str | None, str | None]:
    """(remote URL of origin or the first remote, HEAD commit), each None when unknown."""
    try:
        gd = _git_dir(start.resolve())
        if gd is None:
            return None, None
        remote = None
        cfg = configparser.ConfigParser(strict=False, interpolation=None)
        cfg.read(gd / "config", encoding="utf-8")
        sections = [s for s in cfg.sections() if s.startswith("remote ")]
        sections.sort(key=lambda s: s != 'remote "origin"')
        for s in sections:
            if cfg.has_option(s, "url"):
                remote = strip_credentials(cfg.get(s, "url"))
                break
        return remote, _head_commit(gd)
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None, None


def _head_commit(gd: Path) -> str | None:
    head = (gd / "HEAD").read_text(encoding="utf-8").strip()
    if not head.startswith("ref:"):
        return head if re.fullmatch(r"[0-9a-f]{40,64}", head) else None
    ref = head[4:].strip()
    common = gd
    commondir = gd / "commondir"
    if commondir.is_file():
        common = (gd / commondir.read_text(encoding="utf-8").strip()).resolve()
    for base in (gd, common):
        ref_file = base / ref
        if ref_file.is_file():
            return ref_file.read_text(encoding="utf-8").strip() or None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref:
                return parts[0]
    return None
