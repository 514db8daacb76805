"""What is taken out of text before it may leave the machine: secrets, then local paths.

A path tells a server who the user is (`/home/alice`), who they work for (`/srv/acme-payroll`)
and what they work on; its basename is what an LLM actually needs (`app.py`), so a path becomes
`<path>/app.py`, and a bare home folder becomes `~`. URLs are left alone: they are usually
public references, and their path part is not a local file. Redacting twice changes nothing,
so every layer may redact without counting who already did.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

PATH_MARKER = "<path>"

# A POSIX path segment: no separators, spaces, quotes, brackets or ':' (which ends `a.py:12`).
_SEG = r"[\w.@+~%=,#-]+"
# Folders whose contents are the user's own: anything below them is redacted.
_PRIVATE_ROOTS = (
    "home",
    "Users",
    "root",
    "tmp",
    "private",
    "var",
    "mnt",
    "media",
    "Volumes",
    "opt",
    "srv",
    "usr",
    "etc",
    "run",
    "snap",
    "nix",
    "workspace",
    "workspaces",
    "work",
    "data",
    "Library",
    "Applications",
)
_HOME_ROOTS = ("home", "Users")
_EXTENSION_RE = re.compile(r"\.[A-Za-z0-9]{1,10}$")

# Not after a word character, '.', '/' or '<path>': that keeps relative paths (`src/a.py`, `./a`),
# URLs (`https://h/a`: the first '/' is followed by another, the rest follow '/' or a host) and
# our own markers. After ':' a path is still one (`host:/srv/app`, a template's `${2:/home/x}`).
_POSIX_RE = re.compile(
    r"(?<![\w./\\~-])(?<!<path>)(?P<tilde>~)?(?P<path>(?:/" + _SEG + r")+)/?",
)
# `file:` URLs are local paths: drop the scheme (and the `/` before a drive letter).
_FILE_URL_RE = re.compile(r"\bfile://(?:localhost)?(?:/(?=[A-Za-z]:))?", re.IGNORECASE)

# Windows: `C:\dir\file`, `C:/dir/file` and `\\server\share\...`, also as written inside string
# literals (`C:\\dir\\file`). Folder names may hold single spaces (`Program Files`) as long as a
# separator follows; the last segment may not.
_WIN_SEP = r"(?:\\\\|[\\/])"
_WIN_SEG_CHARS = r"[^\\/:*?\"<>|\r\n\t ]"
_WIN_DIR = rf"{_WIN_SEG_CHARS}+(?: {_WIN_SEG_CHARS}+){{0,4}}{_WIN_SEP}"
_WIN_LAST = rf"{_WIN_SEG_CHARS}+"
_WINDOWS_RE = re.compile(
    rf"(?<![\w\\/])(?:[A-Za-z]:{_WIN_SEP}|\\\\(?:\\\\)?{_WIN_SEG_CHARS}+{_WIN_SEP})"
    rf"(?:{_WIN_DIR})*(?:{_WIN_LAST})?"
)


def redact_outbound(text: str, language: str | None = None) -> str:
    """The text as it may leave the machine: secrets replaced by `<redacted:RULE>` markers
    (the secrets engine, the same one editors see), then local paths by `<path>/basename`."""
    if not text:
        return text
    from pieces_lsp import secrets

    text = secrets.redact(text, filename=None, language=language)
    return redact_paths(text)


def redact_paths(text: str) -> str:
    """Local absolute paths -> `<path>/basename` (or `~` for a bare home folder)."""
    if "/" not in text and "\\" not in text:
        return text
    text = _FILE_URL_RE.sub("", text)
    text = _WINDOWS_RE.sub(_windows_replacement, text)
    return _POSIX_RE.sub(_posix_replacement, text)


def redact_payload(value: Any, language: str | None = None) -> Any:
    """Every string value in a JSON-like structure, redacted. Keys are left alone: they are
    the protocol's field names, written by us, not by the user."""
    if isinstance(value, str):
        return redact_outbound(value, language)
    if isinstance(value, dict):
        return {k: redact_payload(v, language) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_payload(v, language) for v in value]
    return value


def _basename_of(segments: list[str]) -> str:
    return f"{PATH_MARKER}/{segments[-1]}" if segments else PATH_MARKER


def _posix_replacement(match: re.Match[str]) -> str:
    whole = match.group(0)
    segments = [s for s in match.group("path").split("/") if s]
    if match.group("tilde"):
        return "~" if not segments else _basename_of(segments)
    if not _looks_local(segments):
        return whole
    if _is_home_folder(segments):
        return "~"
    return _basename_of(segments)


def _looks_local(segments: list[str]) -> bool:
    """A path under a folder that holds users' files, under the user's own home or working
    folder, or any path of two segments or more ending in a file name with an extension.
    `/api/v1/users` in code stays: it is a route, not a place on this disk."""
    if not segments:
        return False
    if segments[0] in _PRIVATE_ROOTS and (len(segments) >= 2 or segments[0] in ("root",)):
        return True
    for own in _own_folders():
        if segments[: len(own)] == list(own):
            return True
    return len(segments) >= 2 and bool(_EXTENSION_RE.search(segments[-1]))


def _is_home_folder(segments: list[str]) -> bool:
    if len(segments) == 2 and segments[0] in _HOME_ROOTS:
        return True
    return segments == ["root"] or tuple(segments) == _segments(_home())


@lru_cache(maxsize=1)
def _own_folders() -> tuple[tuple[str, ...], ...]:
    """The user's home folder and the working folder (often the project: its name says what
    the user works on), as segment tuples; `/` itself never counts."""
    out = [_segments(f) for f in (_home(), _cwd())]
    return tuple(p for p in out if p)


def _segments(folder: str) -> tuple[str, ...]:
    return tuple(p for p in folder.replace("\\", "/").split("/") if p)


@lru_cache(maxsize=1)
def _home() -> str:
    home = os.path.expanduser("~")
    return "" if home == "~" else home


def _cwd() -> str:
    try:
        return os.getcwd()
    except OSError:  # the working folder was removed under us
        return ""


def _windows_replacement(match: re.Match[str]) -> str:
    whole = match.group(0)
    segments = [s for s in re.split(r"[\\/]+", whole) if s]
    # drop the drive letter, or the server and share (they name the organisation)
    segments = segments[2:] if whole.startswith("\\\\") else segments[1:]
    if len(segments) == 2 and segments[0].lower() in ("users", "documents and settings"):
        return "~"
    return _basename_of(segments)
