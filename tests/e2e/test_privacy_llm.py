"""Opt-in egress end to end: the real server over stdio, talking to a fake LLM on 127.0.0.1
that records every byte it receives. Planted secrets and local paths must never arrive, nor
reach the audit log or the server's own log; with the LLM off, nothing connects at all."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.e2e.session import cmd
from tests.fakes.llm_server import FakeLLM

# Built at run time so the test file itself holds no credential-shaped literal.
TOKEN = "ghp_" + "Zq8" + "W1x9vKp3Lm7Rt2Yb6Nc4Hd8Jf0Gs5Ae1Uo9"
LOCAL_PATH = "/home/alice/work/payroll/settings.py"
API_KEY = "sk-test-" + "k3y" * 8
CODE = (
    "import requests\n\n"
    f'GITHUB_TOKEN = "{TOKEN}"\n'
    f'CONFIG = "{LOCAL_PATH}"\n\n'
    "def list_repos(org):\n"
    '    url = f"https://api.github.com/orgs/{org}/repos"\n'
    '    return requests.get(url, headers={"Authorization": "token " + GITHUB_TOKEN}).json()\n'
)
OTHER = "def add(a, b):\n    return a + b\n"


async def session(tmp_path: Path, privacy: dict[str, Any] | None, **env: str) -> LanguageClient:
    server_env = {
        k: v for k, v in __import__("os").environ.items() if not k.startswith("PIECES_LSP_")
    }
    server_env.update({"PIECES_LSP_LOG_LEVEL": "DEBUG", **env})
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "pieces_lsp"], server_env=server_env
    )
    client = await config.start()
    options: dict[str, Any] = {"home": str(tmp_path / "home"), "profile": "p"}
    if privacy is not None:
        options["privacy"] = privacy
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            process_id=None,
            initialization_options=options,
        )
    )
    return client


async def stop(client: LanguageClient) -> None:
    await client.shutdown_session()


def audit_lines(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "home" / "profiles" / "p" / "audit.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def audit_text(tmp_path: Path) -> str:
    path = tmp_path / "home" / "profiles" / "p" / "audit.log"
    return path.read_text() if path.exists() else ""


def assert_never_leaked(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
        assert TOKEN[4:20] not in text  # not even a fragment of it
        assert "/home/alice" not in text
        assert API_KEY not in text


async def test_with_the_llm_off_nothing_connects(tmp_path: Path, capfd: pytest.CaptureFixture):
    """The fake is running and even configured as the url: `off` must win before any socket."""
    with FakeLLM(mode="ollama") as fake:
        client = await session(
            tmp_path, {"llm": {"provider": "off", "url": fake.url, "model": "tiny"}}
        )
        try:
            saved = await cmd(client, "pieces.snippet.save", {"content": CODE})
            await cmd(client, "pieces.search", {"query": "github repositories"})
            with pytest.raises(JsonRpcException) as err:
                await cmd(client, "pieces.ask", {"question": "what does it do?"})
            message = str(err.value)
            assert "privacy.llm" in message or "[privacy.llm]" in message
            assert "config.toml" in message
            described = await cmd(client, "pieces.snippet.describe", {"id": saved["id"]})
            assert described["refined"] is False and described["source"] == "offline"
            assert described["title"] == saved["title"]
            status = await cmd(client, "pieces.privacy.status", {})
            assert status["llm"]["provider"] == "off"
            assert status["audit"]["entries"] == []
        finally:
            await stop(client)
        assert fake.requests == []
    assert audit_lines(tmp_path) == []
    out, err_text = capfd.readouterr()
    assert_never_leaked(out, err_text)


@pytest.mark.parametrize("mode", ["ollama", "openai"])
async def test_ask_sends_only_redacted_context_and_audits_it(
    tmp_path: Path, mode: str, capfd: pytest.CaptureFixture
):
    reply = "It lists an organisation's repositories [1]."
    with FakeLLM(mode=mode, reply=reply) as fake:
        llm = {
            "provider": "ollama" if mode == "ollama" else "openai-compatible",
            "url": fake.url,
            "model": "tiny-model",
        }
        env = {}
        if mode == "openai":
            llm["api_key_env"] = "PIECES_TEST_LLM_KEY"
            env["PIECES_TEST_LLM_KEY"] = API_KEY
        client = await session(tmp_path, {"llm": llm}, **env)
        try:
            saved = await cmd(client, "pieces.snippet.save", {"content": CODE})
            await cmd(client, "pieces.snippet.save", {"content": OTHER})
            answer = await cmd(
                client, "pieces.ask", {"question": "What does this do?", "ids": [saved["id"]]}
            )
            status = await cmd(client, "pieces.privacy.status", {"limit": 5})
        finally:
            await stop(client)
        assert answer["answer"] == reply
        assert [s["id"] for s in answer["sources"]] == [saved["id"]]
        assert answer["model"] == "tiny-model"

        assert len(fake.requests) == 1
        request = fake.requests[0]
        assert request["path"] == ("/api/chat" if mode == "ollama" else "/v1/chat/completions")
        received = fake.received_text()
        assert "list_repos" in received  # the context did go
        assert "<redacted:" in received  # ... with the secret replaced
        assert "settings.py" in received  # the file name may go, its folders not
        assert_never_leaked(received)
        assert "add(a, b)" not in received  # only the snippet asked about
        if mode == "openai":
            assert request["headers"].get("Authorization") == f"Bearer {API_KEY}"

    [line] = audit_lines(tmp_path)
    body = request["body"]
    assert line["bytes"] == len(body)
    assert line["sha256"] == hashlib.sha256(body).hexdigest()
    assert line["purpose"] == "ask"
    assert line["host"] == f"127.0.0.1:{fake.port}"
    assert_never_leaked(audit_text(tmp_path))
    assert "list_repos" not in audit_text(tmp_path)  # never the body
    assert status["llm"]["provider"] == llm["provider"]
    assert [e["sha256"] for e in status["audit"]["entries"]] == [line["sha256"]]
    out, err_text = capfd.readouterr()
    assert_never_leaked(out, err_text)  # the DEBUG server log included


async def test_ask_without_ids_uses_the_best_search_hits(tmp_path: Path):
    with FakeLLM(mode="ollama", reply="Use add().") as fake:
        client = await session(
            tmp_path, {"llm": {"provider": "ollama", "url": fake.url, "model": "m"}}
        )
        try:
            await cmd(client, "pieces.snippet.save", {"content": CODE})
            added = await cmd(client, "pieces.snippet.save", {"content": OTHER})
            answer = await cmd(client, "pieces.ask", {"question": "how do I add two numbers"})
        finally:
            await stop(client)
    assert answer["sources"] and answer["sources"][0]["id"] == added["id"]
    assert "return a + b" in fake.received_text()


async def test_describe_refines_with_the_llm_and_keeps_user_tags(tmp_path: Path):
    reply = json.dumps(
        {
            "title": "List an organisation's GitHub repositories",
            "description": "Calls the GitHub REST API and returns the repositories as JSON.",
            "tags": ["github", "rest-api", f"token-{TOKEN}"],
        }
    )
    with FakeLLM(mode="ollama", reply=reply) as fake:
        client = await session(
            tmp_path, {"llm": {"provider": "ollama", "url": fake.url, "model": "m"}}
        )
        try:
            saved = await cmd(client, "pieces.snippet.save", {"content": CODE, "tags": ["mine"]})
            refined = await cmd(client, "pieces.snippet.describe", {"id": saved["id"]})
            again = await cmd(client, "pieces.snippet.get", {"id": saved["id"]})
        finally:
            await stop(client)
        assert_never_leaked(fake.received_text())
    assert refined["refined"] is True and refined["source"] == "llm"
    assert again["title"] == "List an organisation's GitHub repositories"
    assert again["description"].startswith("Calls the GitHub REST API")
    assert "mine" in again["tags"] and "github" in again["tags"]
    assert not any(TOKEN in t for t in again["tags"])  # a tag carrying a secret is dropped


@pytest.mark.parametrize(
    ("behaviour", "expect"),
    [
        ("http500", "500"),
        ("http401", "401"),
        ("malformed", "cannot read"),
        ("hang", "did not answer within 1.5 s"),
    ],
)
async def test_failures_are_clear_and_change_nothing(tmp_path: Path, behaviour: str, expect: str):
    with FakeLLM(mode="ollama", behaviour=behaviour) as fake:
        client = await session(
            tmp_path,
            {"llm": {"provider": "ollama", "url": fake.url, "model": "m", "timeout": 1.5}},
        )
        try:
            saved = await cmd(client, "pieces.snippet.save", {"content": CODE})
            with pytest.raises(JsonRpcException) as err:
                await cmd(client, "pieces.ask", {"question": "explain", "ids": [saved["id"]]})
            with pytest.raises(JsonRpcException) as err2:
                await cmd(client, "pieces.snippet.describe", {"id": saved["id"]})
            after = await cmd(client, "pieces.snippet.get", {"id": saved["id"]})
            stats = await cmd(client, "pieces.library.stats", {})
        finally:
            await stop(client)
    for e in (err, err2):
        assert expect in str(e.value).lower()
        assert_never_leaked(str(e.value))
    assert {k: after[k] for k in ("title", "description", "tags", "content")} == {
        k: saved[k] for k in ("title", "description", "tags", "content")
    }
    assert stats["snippets"] == 1
    outcomes = [line["outcome"] for line in audit_lines(tmp_path)]
    assert len(outcomes) == 2 and "ok" not in outcomes


async def test_refused_connection_names_the_host(tmp_path: Path):
    with FakeLLM(mode="ollama") as fake:
        url = fake.url
    # the fake is gone: its port refuses (and stays registered with the guard as ours)
    client = await session(tmp_path, {"llm": {"provider": "ollama", "url": url, "model": "m"}})
    try:
        await cmd(client, "pieces.snippet.save", {"content": OTHER})
        with pytest.raises(JsonRpcException) as err:
            await cmd(client, "pieces.ask", {"question": "explain add"})
    finally:
        await stop(client)
    assert "127.0.0.1" in str(err.value)
    assert [line["outcome"] for line in audit_lines(tmp_path)] == ["refused"]


async def test_ask_about_a_selection_streams_progress(tmp_path: Path):
    """The editor's selection is the context (redacted too), and the answer grows in `$/progress`
    reports on the client's token before the request returns."""
    reply = "It reads the token from a constant; move it to an environment variable."
    uri = "untitled:Untitled-1"
    with FakeLLM(mode="openai", reply=reply, chunks=6, chunk_delay=0.15) as fake:
        client = await session(
            tmp_path,
            {"llm": {"provider": "openai-compatible", "url": fake.url + "/v1", "model": "m"}},
        )
        try:
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id="python", version=1, text=CODE
                    )
                )
            )
            token = "ask-1"
            client.progress_reports[token] = []  # the token is the client's own (workDoneToken)
            answer = await cmd(
                client,
                "pieces.ask",
                {
                    "question": "is this safe?",
                    "uri": uri,
                    "range": {
                        "start": {"line": 2, "character": 0},
                        "end": {"line": 8, "character": 0},
                    },
                    "workDoneToken": token,
                },
            )
        finally:
            await stop(client)
        received = fake.received_text()
        [request] = fake.requests
    assert request["path"] == "/v1/chat/completions"  # a url ending in /v1 is not doubled
    assert answer["answer"] == reply
    assert answer["sources"][0]["id"] is None  # the selection, not a saved snippet
    assert "list_repos" in received and "<redacted:" in received
    assert_never_leaked(received)
    reports = client.progress_reports[token]
    partial = [r.message for r in reports if isinstance(r, types.WorkDoneProgressReport)]
    assert partial and all(reply.startswith(p) for p in partial if p)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)


async def test_opting_in_and_out_applies_without_a_restart(tmp_path: Path):
    with FakeLLM(mode="ollama", reply="ok") as fake:
        client = await session(tmp_path, None)
        try:
            await cmd(client, "pieces.snippet.save", {"content": OTHER})
            with pytest.raises(JsonRpcException):
                await cmd(client, "pieces.ask", {"question": "add?"})
            on = {"llm": {"provider": "ollama", "url": fake.url, "model": "m"}}
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings={"pieces": {"privacy": on}})
            )
            answer = await cmd(client, "pieces.ask", {"question": "add?"})
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(
                    settings={"pieces": {"privacy": {"llm": {"provider": "off"}}}}
                )
            )
            with pytest.raises(JsonRpcException):
                await cmd(client, "pieces.ask", {"question": "add?"})
        finally:
            await stop(client)
        assert answer["answer"] == "ok"
        assert len(fake.requests) == 1
