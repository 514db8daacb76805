"""Where the package's data (grammars/, models/) lives.

In a wheel they are package data under `pieces_lsp/_data/`; in a checkout they are the top-level
folders. Both must work, and nothing may be fetched at run time.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the installed copy if there is one, else the checkout's top-level folder."""
    installed = _PKG / "_data" / name
    if installed.is_dir():
        return installed
    return _PKG.parent / name


def grammars_dir() -> Path:
    return data_dir("grammars")


def models_dir() -> Path:
    return data_dir("models")
