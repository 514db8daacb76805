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


# The code every real-client test saves and searches for.
SOURCE = '''\
import time


def retry_with_backoff(fn, attempts=5, base=0.1):
    """Call fn until it succeeds, sleeping base * 2**n between attempts."""
    for n in range(attempts):
        try:
            return fn()
        except OSError:
            time.sleep(base * 2**n)
    return fn()
'''
TITLE = "Retry with exponential backoff"
