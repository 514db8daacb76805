"""Paths and the server command shared by the editor-client tests."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CAPABILITIES = HERE / "capabilities"


def server_command() -> list[str]:
    """The installed server, run by the interpreter running the tests (the CI venv)."""
    return [sys.executable, "-m", "pieces_lsp"]
