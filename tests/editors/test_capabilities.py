"""The recorded client capabilities (tests/editors/capabilities/*.json) load as `initialize`
params, and say what the server must adapt to. Use them in pytest-lsp tests like this:

    params = get_converter().structure(json.loads(path.read_text()), types.InitializeParams)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=params.capabilities, client_info=params.client_info, ...))
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from lsprotocol import types
from lsprotocol.converters import get_converter

from tests.editors._util import CAPABILITIES, REPO

VSCODE_DIR = REPO / "editors" / "vscode"


def _params(name: str) -> types.InitializeParams:
    raw = json.loads((CAPABILITIES / name).read_text())
    return get_converter().structure(raw, types.InitializeParams)


def test_neovim_07_capabilities() -> None:
    params = _params("neovim-0.7.json")
    assert params.client_info.name == "Neovim" and params.client_info.version.startswith("0.7.")
    caps = params.capabilities
    # No snippet syntax: completion must fall back to plain text for Neovim 0.7.
    assert caps.text_document.completion.completion_item.snippet_support is False
    assert caps.workspace.apply_edit is True
    # Neovim 0.7 answers workspace/configuration but does not announce it: a server that asks
    # only when announced must take the `pieces` settings from initializationOptions.
    assert caps.workspace.configuration is None
    assert caps.window.show_document.support is False  # pieces.snippet.open cannot show it


def test_vscode_capabilities() -> None:
    params = _params("vscode.json")
    assert params.client_info.name == "Visual Studio Code"
    caps = params.capabilities
    assert caps.text_document.completion.completion_item.snippet_support is True
    assert caps.workspace.apply_edit is True and caps.workspace.configuration is True
    assert caps.window.show_document.support is True
    assert caps.window.work_done_progress is True


@pytest.mark.skipif(
    shutil.which("node") is None or not (VSCODE_DIR / "node_modules").is_dir(),
    reason="SKIPPED LOUDLY: needs node and `npm ci` in editors/vscode to recompute vscode.json",
)
def test_vscode_capabilities_match_the_pinned_language_client() -> None:
    """vscode.json is exactly what the locked vscode-languageclient computes."""
    proc = subprocess.run(
        ["node", "scripts/capabilities.js"],
        cwd=VSCODE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(proc.stdout) == json.loads((CAPABILITIES / "vscode.json").read_text())
