"""`pieces-lsp mcp` as an agent meets it: the MCP SDK's own client launches the real server
process over stdio, against a real profile folder. Only pipes are used, never a socket.

The secret in these tests is built at run time, so this file holds no credential.
"""

from __future__ import annotations

import json
import random
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

from pieces_lsp import secrets
from tests.conftest import cli_env, run_cli

TOOL_NAMES = {"search_snippets", "get_snippet", "save_snippet"}


def _github_token() -> str:
    rng = random.Random(20240607)
    return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))


TOKEN = _github_token()
CODE = f'''import requests

GITHUB_TOKEN = "{TOKEN}"


def list_repos(user):
    """List a GitHub user's public repositories."""
    url = f"https://api.github.com/users/{{user}}/repos"
    return requests.get(url, headers={{"Authorization": f"token {{GITHUB_TOKEN}}"}}).json()
'''


def _server(home: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "pieces_lsp", "mcp", "--home", str(home)],
        env=cli_env(home),
        cwd=str(home),
    )


def _text(result: Any) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def _tool_error(result: Any) -> str:
    assert result.is_error, result
    message = _text(result)
    assert "Traceback" not in message and "\n" not in message
    return message


def test_the_engine_detects_the_test_secret():
    """The premise of the redaction tests below."""
    assert [m.rule for m in secrets.find(CODE, None, "python")] == ["github-token"]


async def test_agent_saves_searches_and_gets_with_secrets_redacted(home: Path, tmp_path: Path):
    errlog = (tmp_path / "server-stderr.log").open("w+", encoding="utf-8")
    async with Client(stdio_client(_server(home), errlog=errlog)) as client:
        listed = {t.name: t for t in (await client.list_tools()).tools}
        assert set(listed) == TOOL_NAMES
        search = listed["search_snippets"].input_schema
        assert search["required"] == ["query"]
        assert search["properties"]["limit"]["maximum"] == 50
        assert set(search["properties"]) == {"query", "limit", "language", "tags"}
        assert listed["get_snippet"].input_schema["required"] == ["id"]
        save = listed["save_snippet"].input_schema
        assert save["required"] == ["content"]
        assert set(save["properties"]) == {
            "content",
            "title",
            "description",
            "language",
            "tags",
            "filename",
        }
        for tool in listed.values():
            assert tool.description and len(tool.description) > 80
            assert tool.output_schema and tool.output_schema["type"] == "object"
        assert listed["search_snippets"].annotations.read_only_hint is True
        assert listed["save_snippet"].annotations.read_only_hint is False

        saved = await client.call_tool(
            "save_snippet",
            {"content": CODE, "title": "List GitHub repositories", "tags": ["GitHub", "http"]},
        )
        assert not saved.is_error, _text(saved)
        s = saved.structured_content
        assert s["created"] is True and s["language"] == "python"
        assert s["title"] == "List GitHub repositories"
        assert {"github", "http"} <= set(s["tags"])
        assert s["secrets"] == [{"rule": "github-token", "line": 3}]
        assert TOKEN not in _text(saved)
        assert json.loads(_text(saved)) == s  # the text block is the same JSON

        again = await client.call_tool("save_snippet", {"content": CODE})
        assert again.structured_content["created"] is False
        assert again.structured_content["id"] == s["id"]

        got = await client.call_tool("get_snippet", {"id": s["id"]})
        assert not got.is_error, _text(got)
        snippet = got.structured_content
        assert TOKEN not in snippet["content"] and TOKEN not in _text(got)
        assert 'GITHUB_TOKEN = "<redacted:github-token>"' in snippet["content"]
        assert "def list_repos(user):" in snippet["content"]  # only the value is replaced
        assert snippet["secrets"] == [{"rule": "github-token", "line": 3}]
        assert snippet["title"] == "List GitHub repositories"
        assert snippet["created_at"].endswith("Z") and "source" not in snippet

        found = await client.call_tool("search_snippets", {"query": "github repositories"})
        assert not found.is_error, _text(found)
        results = found.structured_content["results"]
        assert results and results[0]["id"] == s["id"]
        assert set(results[0]) == {"id", "title", "language", "tags", "score", "why", "preview"}
        assert "<redacted:github-token>" in results[0]["preview"]
        assert TOKEN not in _text(found)

        narrowed = await client.call_tool(
            "search_snippets", {"query": "github repositories", "language": "go", "limit": 3}
        )
        assert narrowed.structured_content == {"results": []}
        by_tag = await client.call_tool("search_snippets", {"query": "repos", "tags": ["http"]})
        assert [r["id"] for r in by_tag.structured_content["results"]] == [s["id"]]

        # Bad input: a clear tool error naming the field, and the server keeps working.
        assert _tool_error(await client.call_tool("search_snippets", {})) == "query: is required"
        assert "limit" in _tool_error(
            await client.call_tool("search_snippets", {"query": "x", "limit": 500})
        )
        assert "tags" in _tool_error(
            await client.call_tool("search_snippets", {"query": "x", "tags": "http"})
        )
        unknown = "00000000-0000-4000-8000-000000000000"
        missing = _tool_error(await client.call_tool("get_snippet", {"id": unknown}))
        assert missing == f"no snippet with id {unknown}"
        assert _tool_error(await client.call_tool("get_snippet", {"id": "nope"})).startswith("id:")
        misspelt = await client.call_tool("save_snippet", {"contents": CODE})
        assert _tool_error(misspelt) == "content: is required"  # never quoting what was sent
        empty = await client.call_tool("save_snippet", {"content": "   \n"})
        assert _tool_error(empty) == "content: is empty"
        with pytest.raises(MCPError, match="unknown tool"):
            await client.call_tool("delete_everything", {})

        still = await client.call_tool("get_snippet", {"id": s["id"]})
        assert not still.is_error and still.structured_content["id"] == s["id"]

    errlog.seek(0)
    log = errlog.read()
    assert "Traceback" not in log and TOKEN not in log

    # The snippet really is in the profile's library, verbatim: only what leaves is redacted.
    listed_cli = json.loads(run_cli(home, "list", "--json").stdout)
    assert [item["id"] for item in listed_cli["items"]] == [s["id"]]
    assert listed_cli["items"][0]["content"] == CODE
    assert (home / "profiles" / "default" / "library.duckdb").is_file()


def _frame(method: str, params: dict[str, Any], msg_id: int | None = None) -> bytes:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
    if msg_id is not None:
        msg["id"] = msg_id
    return (json.dumps(msg) + "\n").encode()


def test_stdout_carries_only_protocol_and_stdin_eof_ends_the_server(home: Path):
    """Raw frames, no SDK client: every stdout line is a JSON-RPC message (including across
    a save, which starts the analysis worker), and closing stdin exits with status 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pieces_lsp", "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(home),
        cwd=str(home),
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        init = {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "raw-test", "version": "0"},
        }
        proc.stdin.write(_frame("initialize", init, 1))
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())
        assert first["id"] == 1 and first["result"]["serverInfo"]["name"] == "pieces-lsp"
        proc.stdin.write(_frame("notifications/initialized", {}))
        args = {"content": "print('hello from mcp')\n", "filename": "hello.py"}
        proc.stdin.write(_frame("tools/call", {"name": "save_snippet", "arguments": args}, 2))
        proc.stdin.flush()
        second = json.loads(proc.stdout.readline())
        assert second["id"] == 2 and second["result"]["structuredContent"]["language"] == "python"
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
        rest = proc.stdout.read()
        assert all(json.loads(line) for line in rest.splitlines())
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        assert "Traceback" not in stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_other_commands_never_import_the_sdk(home: Path):
    """The SDK costs most of a second to import: only `pieces-lsp mcp` pays for it. And inside
    our `pieces_lsp.mcp` package, `import mcp` is the SDK, not ourselves."""
    code = (
        "import contextlib, io, sys\n"
        "from pieces_lsp.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    assert main(['stats', '--json']) == 0\n"
        "sdk = sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types'))\n"
        "assert not sdk, sdk\n"
        "import pieces_lsp.mcp.server, mcp\n"
        "assert 'pieces_lsp' not in mcp.__file__, mcp.__file__\n"
        "assert hasattr(mcp, 'ClientSession')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=str(home),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


async def test_unexpected_failures_reach_the_agent_without_their_text(caplog):
    """An exception we did not plan for may quote code: the agent (and the log) get its type
    only. In-process, with services that fail on purpose."""
    from types import SimpleNamespace

    from pieces_lsp.errors import LibraryBusyError
    from pieces_lsp.mcp.server import build_server

    class Failing:
        def search(self, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"could not index {CODE}")

        def get(self, sid: str) -> Any:
            raise LibraryBusyError("the library is busy; try again")

    failing = Failing()
    services: Any = SimpleNamespace(search=failing, library=failing)
    async with Client(build_server(services)) as client:
        crashed = await client.call_tool("search_snippets", {"query": "repos"})
        assert _tool_error(crashed) == "internal error (RuntimeError); see the server log"
        busy = await client.call_tool("get_snippet", {"id": "00000000-0000-4000-8000-000000000000"})
        assert _tool_error(busy) == "the library is busy; try again"
    assert "search_snippets failed: internal error RuntimeError" in caplog.text
    assert TOKEN not in caplog.text
