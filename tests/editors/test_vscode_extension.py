"""The VS Code extension (editors/vscode), compiled with its locked TypeScript and run with its
real vscode-languageclient in Node on a stand-in `vscode` module (node/fake-vscode.js), against
the real server. VS Code itself cannot be downloaded here, so the editor is faked; the extension
code, the language client and the server are the real ones.

Needs `node` and `npm ci` in editors/vscode; skipped loudly without them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.editors._util import HERE, REPO, SOURCE, TITLE

NODE = shutil.which("node")
VSCODE_DIR = REPO / "editors" / "vscode"
TSC = VSCODE_DIR / "node_modules" / ".bin" / "tsc"
SERVER = Path(sys.executable).parent / "pieces-lsp"  # pieces.serverPath takes one command
pytestmark = pytest.mark.skipif(
    NODE is None or not TSC.exists(),
    reason="SKIPPED LOUDLY: needs node and `npm ci` in editors/vscode; VS Code extension not run",
)

SELECTED = "\n".join(SOURCE.splitlines()[3:10])


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vscode-out")
    proc = subprocess.run(
        [str(TSC), "-p", ".", "--outDir", str(out)],
        cwd=VSCODE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out / "extension.js"


@pytest.fixture(scope="module")
def host_run(compiled: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not SERVER.exists():
        pytest.skip(f"SKIPPED LOUDLY: no `pieces-lsp` script next to {sys.executable}")
    tmp = tmp_path_factory.mktemp("vscode")
    project = tmp / "project"
    project.mkdir()
    (project / "retry.py").write_text(SOURCE)
    (project / "use_it.py").write_text("import time\n\n")
    opts = {
        "extension": str(compiled),
        "serverPath": str(SERVER),
        "home": str(tmp / "home"),
        "file": str(project / "retry.py"),
        "file2": str(project / "use_it.py"),
        "lines": [3, 9],
        "title": TITLE,
        "query": "backoff",
        "completionPrefix": "retry",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIECES_")}
    env["NODE_PATH"] = str(VSCODE_DIR / "node_modules")
    proc = subprocess.run(
        [NODE, str(HERE / "node" / "extension-host.js"), json.dumps(opts)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout.strip(), proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    result["_stderr"] = proc.stderr
    return result


def _ok(run: dict, *steps: str) -> None:
    for step in steps:
        err = run["errors"].get(step)
        assert err is None, f"{step}: {err}\n--- stderr ---\n{run['_stderr'][-2000:]}"
    assert not run.get("unhandled"), run["unhandled"]
    assert not [m for m in run["messages"] if m["level"] == "error"], run["messages"]


def test_activate_registers_our_commands_and_the_servers(host_run: dict) -> None:
    _ok(host_run, "activate")
    commands = set(host_run["activate"])
    assert {"pieces.saveSelection", "pieces.searchSnippets"} <= commands
    # vscode-languageclient registers every command the server advertises.
    assert {"pieces.snippet.save", "pieces.search", "pieces.snippet.insert"} <= commands


def test_save_selection_command(host_run: dict) -> None:
    _ok(host_run, "activate", "save")
    assert host_run["save"] == f'Pieces: saved "{TITLE}"'


def test_search_quickpick_inserts_the_chosen_snippet(host_run: dict) -> None:
    _ok(host_run, "activate", "save", "search")
    search = host_run["search"]
    assert search["items"][0]["label"] == TITLE
    assert "python" in search["items"][0]["description"]
    assert search["target"].rstrip("\n") == "import time\n\n" + SELECTED


def test_completion_through_the_language_client(host_run: dict) -> None:
    _ok(host_run, "activate", "save", "completion")
    ours = [
        i for i in host_run["completion"] if "def retry_with_backoff" in (i["insertText"] or "")
    ]
    assert ours, host_run["completion"]
    assert ours[0]["snippet"] is True  # insertTextFormat Snippet became a vscode.SnippetString


def test_deactivate_stops_the_server(host_run: dict) -> None:
    _ok(host_run, "activate", "deactivate")
