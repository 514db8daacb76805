"""Shared fixtures: every test gets its own home folder with real DuckDB files in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.library import LibraryService


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


def make_library(home: Path, profile: str = "default") -> LibraryService:
    return build_services(resolve_config({"home": str(home), "profile": profile}, env={})).library


@pytest.fixture
def library(home: Path) -> LibraryService:
    return make_library(home)


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIECES_LSP_")}
    env.update({"PIECES_LSP_HOME": str(home), "PYTHONUNBUFFERED": "1", **extra})
    return env


def run_cli(
    home: Path, *args: str, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI the way a human does, from a folder outside the checkout."""
    return subprocess.run(
        [sys.executable, "-m", "pieces_lsp", *args],
        capture_output=True,
        text=True,
        input=input,
        env=cli_env(home, **env),
        cwd=str(home),
        timeout=120,
    )
