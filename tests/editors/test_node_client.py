"""A Node client built on vscode-jsonrpc / vscode-languageserver-protocol (what VS Code's language
client is made of), announcing VS Code's recorded capabilities, drives the real server over stdio.

node/drive.js does initialize, save ({uri, range} and {content}), search, didOpen + completion,
shutdown and exit, and prints what it got as JSON. Needs `node` and `npm ci` run in
tests/editors/node; skipped loudly without them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.editors._util import CAPABILITIES, HERE, SOURCE, TITLE, server_command

NODE = shutil.which("node")
NODE_DIR = HERE / "node"
pytestmark = [
    pytest.mark.skipif(
        NODE is None,
        reason="SKIPPED LOUDLY: `node` is not installed; the Node client test did not run",
    ),
    pytest.mark.skipif(
        not (NODE_DIR / "node_modules" / "vscode-languageserver-protocol").is_dir(),
        reason="SKIPPED LOUDLY: run `npm ci` in tests/editors/node; Node client test not run",
    ),
]

COMMANDS = [
    "pieces.snippet.save",
    "pieces.snippet.get",
    "pieces.snippet.update",
    "pieces.snippet.delete",
    "pieces.snippet.list",
    "pieces.snippet.insert",
    "pieces.snippet.similar",
    "pieces.snippet.open",
    "pieces.search",
    "pieces.library.export",
    "pieces.library.import",
    "pieces.library.backup",
    "pieces.library.restore",
    "pieces.library.erase",
    "pieces.library.stats",
]


def _drive(tmp: Path, **extra: object) -> dict:
    src = tmp / "project" / "retry.py"
    src.parent.mkdir()
    src.write_text(SOURCE)
    opts = {
        "cmd": server_command(),
        "home": str(tmp / "home"),
        "file": str(src),
        "capabilities": str(CAPABILITIES / "vscode.json"),
        "lines": [3, 9],
        "title": TITLE,
        "query": "backoff",
        "completionPrefix": "retry",
        **extra,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIECES_")}
    proc = subprocess.run(
        [NODE, str(NODE_DIR / "drive.js"), json.dumps(opts)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    result["_src"], result["_stderr"] = src, proc.stderr
    return result


@pytest.fixture(scope="module")
def node_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _drive(tmp_path_factory.mktemp("node"))


def _ok(run: dict, *steps: str) -> None:
    for step in steps:
        err = run["errors"].get(step)
        assert err is None, f"{step}: {err}\n--- server stderr ---\n{run['_stderr'][-2000:]}"


def test_initialize_advertises_the_command_contract(node_run: dict) -> None:
    _ok(node_run, "initialize")
    caps = node_run["initialize"]["capabilities"]
    missing = set(COMMANDS) - set(caps["executeCommandProvider"]["commands"])
    assert not missing, f"commands not advertised: {sorted(missing)}"


def test_save_uri_range_and_content(node_run: dict) -> None:
    _ok(node_run, "initialize", "save", "saveContent")
    saved = node_run["save"]
    assert saved["content"].rstrip("\n") == "\n".join(SOURCE.splitlines()[3:10])
    assert saved["title"] == TITLE and saved["language"] == "python"
    assert saved["tags"] == ["retry"] or "retry" in saved["tags"]
    assert saved["source"]["uri"] == node_run["_src"].as_uri()
    assert node_run["saveContent"]["language"] == "sql"


def test_search_finds_the_saved_snippet(node_run: dict) -> None:
    _ok(node_run, "initialize", "save", "search")
    results = node_run["search"]["results"]
    assert results and results[0]["id"] == node_run["save"]["id"]
    top = results[0]
    assert top["title"] == TITLE and top["language"] == "python"
    for key in ("tags", "score", "preview", "why"):
        assert key in top, key
    assert node_run["saveContent"]["id"] not in [r["id"] for r in results]


def test_completion_offers_the_snippet_as_a_snippet(node_run: dict) -> None:
    _ok(node_run, "initialize", "save", "completion")
    completion = node_run["completion"]
    items = completion["items"] if isinstance(completion, dict) else completion
    saved = node_run["save"]

    def is_saved(item: dict) -> bool:
        text = item.get("insertText") or (item.get("textEdit") or {}).get("newText") or ""
        return saved["id"] in json.dumps(item.get("data")) or "def retry_with_backoff" in text

    ours = [i for i in items if is_saved(i)]
    assert ours, f"no completion item for the saved snippet among {[i['label'] for i in items]}"
    assert ours[0]["insertTextFormat"] == 2  # Snippet: VS Code announces snippetSupport
    # The SQL snippet is not relevant to a Python document.
    assert not any("SELECT id FROM users" in json.dumps(i) for i in items)


def test_shutdown_then_exit_ends_the_server(node_run: dict) -> None:
    _ok(node_run, "initialize", "shutdown")
    assert node_run["exit"] == {"code": 0, "signal": None}


def test_shutdown_while_a_request_is_in_flight(tmp_path: Path) -> None:
    """The editor closes while pieces.snippet.insert still waits for its workspace/applyEdit."""
    run = _drive(tmp_path, scenario="shutdown-in-flight")
    _ok(run, "initialize", "save", "shutdown")
    assert run["pending"] in ("answered", "error -32800")  # answered, or cancelled cleanly
    assert run["exit"] == {"code": 0, "signal": None}
