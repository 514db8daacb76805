"""Shared fixtures: every test gets its own home folder with real DuckDB files in it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.library import LibraryService

# --- The network guard (issue 7): the whole suite, and every process it starts, runs with every
# socket connection refused except local IPC and fake servers a test registered on 127.0.0.1.
# See tests/guard/_pieces_netguard.py. Set up at import, before any test or subprocess runs.
GUARD_PATH = Path(__file__).resolve().parent / "guard"
if "NETGUARD_DIR" not in os.environ:
    os.environ["NETGUARD_DIR"] = tempfile.mkdtemp(prefix="pieces-netguard-")
os.environ["PIECES_LSP_TEST_ALLOWED_PORTS_FILE"] = os.path.join(
    os.environ["NETGUARD_DIR"], "allowed"
)
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(GUARD_PATH), os.environ.get("PYTHONPATH", "")) if p
)
sys.path.insert(0, str(GUARD_PATH))
import _pieces_netguard  # noqa: E402

_pieces_netguard.install()


@pytest.fixture(autouse=True)
def _no_network():
    """Fail the test during which any process of ours tried to reach the network."""
    before = len(_pieces_netguard.violations())
    yield
    new = _pieces_netguard.violations()[before:]
    if new:
        pytest.fail("network access during this test (refused by the guard):\n" + "\n".join(new))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A violation outside any test (collection, fixtures, teardown) still fails the run."""
    found = _pieces_netguard.violations()
    if found and exitstatus == 0:
        sys.stderr.write("network guard violations:\n" + "\n".join(found) + "\n")
        session.exitstatus = 1


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
