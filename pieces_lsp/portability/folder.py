"""A folder of plain source files: one snippet per text file.

Real project folders are mostly things that are not snippets (VCS data, dependencies, caches,
virtual environments, binaries, generated bundles), so the walk skips those and says why for each
one instead of silently importing or silently ignoring them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pieces_lsp.analysis.languages import language_from_path
from pieces_lsp.errors import PortabilityError, ValidationError
from pieces_lsp.model import MAX_CONTENT_BYTES, Snippet

_IGNORED_DIRS = {
    "node_modules": "dependency folder (node_modules)",
    "__pycache__": "Python bytecode cache",
    "site-packages": "installed Python packages",
    "venv": "virtual environment",
    "virtualenv": "virtual environment",
}


@dataclass(frozen=True, slots=True)
class Skip:
    """Why a file or folder was deliberately not imported (not an error)."""

    reason: str


def _skip_dir(path: Path) -> Skip | None:
    name = path.name
    if path.is_symlink():
        return Skip("symbolic link (not followed)")
    if name.startswith("."):
        return Skip("hidden directory")
    if name in _IGNORED_DIRS:
        return Skip(_IGNORED_DIRS[name])
    if (path / "pyvenv.cfg").is_file():
        return Skip("virtual environment")
    return None


def walk(root: Path) -> Iterator[tuple[Path, Skip | None]]:
    """Every file under `root` in a stable (sorted) order, plus each pruned directory with its
    reason; symbolic links are never followed so a walk cannot leave the folder or loop."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise PortabilityError(f"cannot read folder {root}: {exc.strerror or exc}") from None
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            skip = _skip_dir(path)
            if skip is not None:
                yield path, skip
            else:
                yield from walk(path)
        elif entry.is_symlink():
            yield path, Skip("symbolic link (not followed)")
        elif entry.name.startswith("."):
            yield path, Skip("hidden file")
        elif entry.is_file(follow_symlinks=False):
            yield path, None
        else:
            yield path, Skip("not a regular file")


def read_text_file(path: Path) -> str | Skip:
    """The file as text, or why it is not a snippet (too big, empty, binary, not UTF-8)."""
    try:
        size = path.stat().st_size
        if size > MAX_CONTENT_BYTES:
            return Skip(f"larger than {MAX_CONTENT_BYTES // (1024 * 1024)} MiB")
        if size == 0:
            return Skip("empty file")
        data = path.read_bytes()
    except OSError as exc:
        raise PortabilityError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    if b"\x00" in data:
        return Skip("binary file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Skip("binary or not UTF-8 text")
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return Skip("empty file")
    return text


def read_source(path: Path, root: Path) -> Snippet | Skip:
    """A not-yet-enriched snippet for one source file: title from its path inside the folder,
    language from its extension, `source.uri` pointing back at it."""
    text = read_text_file(path)
    if isinstance(text, Skip):
        return text
    try:
        title = path.relative_to(root).as_posix()
    except ValueError:
        title = path.name
    try:
        return Snippet.from_dict(
            {
                "title": title,
                "content": text,
                "language": language_from_path(path.name) or "",
                "source": {"uri": path.absolute().as_uri()},
            }
        )
    except ValidationError as exc:
        raise PortabilityError(exc.message) from None
