"""The real server over stdio, driven the way an editor drives it (pytest-lsp)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pieces_lsp"])


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"home": str(tmp_path / "home"), "profile": "e2e"},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _cmd(client: LanguageClient, name: str, *args):
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(args))
    )


async def test_save_get_list_delete_over_stdio(client: LanguageClient, tmp_path: Path):
    stats = await _cmd(client, "pieces.library.stats", {})
    assert stats["snippets"] == 0 and stats["profile"] == "e2e"
    assert stats["path"] == str(tmp_path / "home" / "profiles" / "e2e" / "library.duckdb")

    saved = await _cmd(client, "pieces.snippet.save", {"content": "SELECT 1;", "language": "sql"})
    assert saved["language"] == "sql" and saved["created"] is True
    again = await _cmd(client, "pieces.snippet.save", {"content": "SELECT 1;\n", "x": 1})
    assert again["id"] == saved["id"] and again["created"] is False

    got = await _cmd(client, "pieces.snippet.get", {"id": saved["id"]})
    assert got["content"] == "SELECT 1;"
    listed = await _cmd(client, "pieces.snippet.list", {"limit": 10})
    assert listed["total"] == 1 and listed["items"][0]["id"] == saved["id"]

    assert await _cmd(client, "pieces.snippet.delete", {"id": saved["id"]}) == {"deleted": True}
    assert (await _cmd(client, "pieces.library.stats", {}))["snippets"] == 0


async def test_errors_are_clean_jsonrpc_errors(client: LanguageClient):
    with pytest.raises(JsonRpcException) as err:
        await _cmd(client, "pieces.snippet.get", {})
    assert err.value.code == -32602 and "id" in err.value.message

    with pytest.raises(JsonRpcException) as err:
        await _cmd(client, "pieces.snippet.get", {"id": "6f1c1c38-3b9b-4a8e-9e8e-2f1f4f1b0c11"})
    assert err.value.code == -32803 and "Traceback" not in err.value.message

    secret_code = "password = 'p4ss-w0rd-xyz'"
    with pytest.raises(JsonRpcException) as err:
        await _cmd(client, "pieces.snippet.save", {"content": secret_code, "tags": "notalist"})
    assert err.value.code == -32602 and "tags" in err.value.message
    assert "p4ss" not in err.value.message

    with pytest.raises(JsonRpcException) as err:
        await _cmd(client, "pieces.snippet.list", "not an object")
    assert err.value.code == -32602


@pytest_lsp.fixture(config=SERVER)
async def bad_options_client(lsp_client: LanguageClient, tmp_path: Path):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"home": str(tmp_path / "h"), "profile": "../escape"},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_invalid_profile_warns_and_uses_default(bad_options_client: LanguageClient):
    stats = await _cmd(bad_options_client, "pieces.library.stats", {})
    assert stats["profile"] == "default"
    assert any("profile" in m.message for m in bad_options_client.messages)
