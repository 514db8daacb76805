"""Neovim (headless, the real built-in LSP client) drives editors/nvim against the real server.

One Neovim run (nvim/drive.lua) opens a real file, runs `:3,9PiecesSave`, `:PiecesSearch` and
inserts the saved snippet into another file; it writes what it saw to a JSON file read here.
Needs `nvim` on PATH (Debian: `apt-get install neovim`, 0.7.2); skipped loudly without it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.editors._util import CAPABILITIES, HERE, REPO, SOURCE, TITLE, server_command

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(
    NVIM is None,
    reason="SKIPPED LOUDLY: `nvim` is not installed (apt-get install -y neovim); "
    "the Neovim client tests did not run",
)

LINE1, LINE2 = 4, 10  # 1-based, inclusive: the function without its last line


@pytest.fixture(scope="module")
def nvim_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("nvim")
    src = tmp / "project" / "retry.py"
    src.parent.mkdir()
    src.write_text(SOURCE)
    target = tmp / "project" / "use_it.py"
    target.write_text("")
    out = tmp / "out.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIECES_")}
    env.update(
        PIECES_TEST_RTP=str(REPO / "editors" / "nvim"),
        PIECES_TEST_CMD=json.dumps(server_command()),
        PIECES_TEST_HOME=str(tmp / "home"),
        PIECES_TEST_FILE=str(src),
        PIECES_TEST_FILE2=str(target),
        PIECES_TEST_LINE1=str(LINE1),
        PIECES_TEST_LINE2=str(LINE2),
        PIECES_TEST_TITLE=TITLE,
        PIECES_TEST_QUERY="backoff",
        PIECES_TEST_OUT=str(out),
        XDG_CONFIG_HOME=str(tmp / "xdg-config"),  # no user config, state or log leaks in
        XDG_STATE_HOME=str(tmp / "xdg-state"),
        XDG_CACHE_HOME=str(tmp / "xdg-cache"),
        XDG_DATA_HOME=str(tmp / "xdg-data"),
    )
    proc = subprocess.run(
        [
            NVIM,
            "--headless",
            "-u",
            "NONE",
            "-i",
            "NONE",
            "-c",
            f"luafile {HERE / 'nvim' / 'drive.lua'}",
        ],
        cwd=src.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert out.exists(), f"nvim wrote no result (rc={proc.returncode}): {proc.stderr[-2000:]}"
    result = json.loads(out.read_text())
    result["_src"], result["_target"] = src, target
    result["_stderr"] = proc.stderr
    return result


def _step_ok(run: dict, *steps: str) -> None:
    for step in steps:
        err = run["errors"].get(step)
        assert err is None, f"{step}: {err}\n--- nvim stderr ---\n{run['_stderr'][-2000:]}"


def test_save_line_range_sends_uri_and_range(nvim_run: dict) -> None:
    _step_ok(nvim_run, "start", "save")
    assert nvim_run["filetype"] == "python" and nvim_run["attached"] is True
    saved = nvim_run["saved"]
    lines = SOURCE.splitlines()[LINE1 - 1 : LINE2]
    assert saved["content"].rstrip("\n") == "\n".join(lines)
    assert saved["title"] == TITLE and saved["language"] == "python"
    assert saved["source"]["uri"] == nvim_run["_src"].as_uri()
    assert saved["source"]["range"]["start"] == {"line": LINE1 - 1, "character": 0}
    assert saved["source"]["range"]["end"]["line"] == LINE2 - 1


def test_search_lists_the_saved_snippet_in_quickfix(nvim_run: dict) -> None:
    _step_ok(nvim_run, "start", "save", "search")
    saved, qf = nvim_run["saved"], nvim_run["quickfix"]
    assert qf["title"] == "Pieces: backoff"
    assert saved["id"] in [r["id"] for r in qf["results"]]
    assert any(saved["id"][:8] in text and TITLE in text for text in qf["texts"])


def test_insert_applies_the_servers_workspace_edit(nvim_run: dict) -> None:
    _step_ok(nvim_run, "start", "save", "insert")
    inserted = "\n".join(nvim_run["insert"]["lines"]).rstrip("\n")
    assert inserted == nvim_run["saved"]["content"].rstrip("\n")


def test_neovim_capabilities_recorded(nvim_run: dict) -> None:
    """tests/editors/capabilities/neovim-0.7.json is what Neovim 0.7 sends in `initialize`
    (pytest-lsp's file format: {clientInfo, capabilities}). PIECES_UPDATE_CAPABILITIES=1 rewrites
    it from the running Neovim."""
    recorded = {"clientInfo": nvim_run["client_info"], "capabilities": nvim_run["capabilities"]}
    path = CAPABILITIES / "neovim-0.7.json"
    version = nvim_run["client_info"]["version"]
    if os.environ.get("PIECES_UPDATE_CAPABILITIES") == "1" and version.startswith("0.7."):
        path.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    if not version.startswith("0.7."):
        pytest.skip(f"Neovim {version} is not 0.7: its capabilities are not the recorded ones")
    assert json.loads(path.read_text()) == recorded


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
