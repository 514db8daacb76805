"""Language ids from file names, driven by `grammars/languages.toml` (data, easy to extend)."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PLAINTEXT = "plaintext"


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    data = tomllib.loads((grammars_dir() / "languages.toml").read_text(encoding="utf-8"))
    by_ext: dict[str, str] = {}
    by_name: dict[str, str] = {}
    first_ext: dict[str, str] = {}
    for lang, spec in data.items():
        exts = spec.get("extensions", [])
        if exts:
            first_ext[lang] = exts[0]
        for ext in exts:
            by_ext.setdefault(ext.lower(), lang)
        for name in spec.get("filenames", []):
            by_name.setdefault(name, lang)
    return by_ext, by_name, first_ext


def known_languages() -> list[str]:
    return sorted(_tables()[2])


def language_from_path(path: str | None) -> str | None:
    """Language of a file path or `file:` URI, or None when the name says nothing."""
    if not path:
        return None
    if "://" in path or path.startswith(("file:", "untitled:")):
        path = unquote(urlparse(path).path)
    name = PurePosixPath(path.replace("\\", "/")).name
    by_ext, by_name, _ = _tables()
    if name in by_name:
        return by_name[name]
    suffix = PurePosixPath(name).suffix
    if suffix:
        return by_ext.get(suffix.lower()) or by_ext.get(suffix)
    return None


def extension_for(language: str) -> str:
    """The file extension to write a snippet of this language with."""
    return _tables()[2].get(language, ".txt")
