"""Every editor feature over real stdio, with the capabilities real clients send
(pytest-lsp's recorded VS Code and Neovim 0.7 capabilities)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pieces_lsp"])
CLIENTS = ["visual-studio-code", "neovim@v0.7.0"]
RETRY = (
    "import time\n\n\ndef retry_with_backoff(call, attempts=5):\n"
    "    for n in range(attempts):\n        try:\n            return call()\n"
    "        except OSError:\n            time.sleep(2 ** n)\n    raise RuntimeError('gave up')\n"
)
SECRET = 'import requests\n\napi_token = "ghp_' + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + '"\n'


@pytest_lsp.fixture(config=SERVER, params=CLIENTS)
async def client(lsp_client: LanguageClient, request, tmp_path: Path):
    applied: list[types.ApplyWorkspaceEditParams] = []

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    lsp_client.applied_edits = applied  # type: ignore[attr-defined]
    lsp_client.spec = request.param  # type: ignore[attr-defined]
    lsp_client.set_configuration({"pieces": {"completion": {"maxItems": 5}}})
    caps = client_capabilities(request.param)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            process_id=None,
            initialization_options={"home": str(tmp_path / "home"), "profile": "e2e"},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def cmd(client: LanguageClient, name: str, arg):
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=[arg])
    )


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "python") -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )


def rng(l0: int, c0: int, l1: int, c1: int) -> dict:
    return {"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}}


async def test_save_selection_from_open_disk_and_untitled(client: LanguageClient, tmp_path: Path):
    src = tmp_path / "work.py"
    src.write_text(RETRY)
    uri = src.as_uri()
    open_doc(client, uri, RETRY.replace("gave up", "unsaved edit"))
    saved = await cmd(client, "pieces.snippet.save", {"uri": uri, "range": rng(3, 0, 10, 0)})
    assert saved["language"] == "python"
    assert "unsaved edit" in saved["content"]  # the editor's text wins over the disk
    assert saved["source"]["range"]["start"]["line"] == 3

    other = tmp_path / "notopen.go"
    other.write_text("package main\n\nfunc main() {}\n")
    on_disk = await cmd(
        client, "pieces.snippet.save", {"uri": other.as_uri(), "range": rng(2, 0, 3, 0)}
    )
    assert on_disk["content"] == "func main() {}\n" and on_disk["language"] == "go"

    open_doc(client, "untitled:Untitled-1", "SELECT 1;\n", "sql")
    untitled = await cmd(
        client, "pieces.snippet.save", {"uri": "untitled:Untitled-1", "range": rng(0, 0, 0, 9)}
    )
    assert untitled["content"] == "SELECT 1;" and untitled["language"] == "sql"

    with pytest.raises(JsonRpcException) as err:
        await cmd(client, "pieces.snippet.save", {"uri": "untitled:Nope", "range": rng(0, 0, 0, 1)})
    assert err.value.code == -32602 and "uri" in err.value.message


async def test_update_get_list_insert_delete(client: LanguageClient, tmp_path: Path):
    s = await cmd(client, "pieces.snippet.save", {"content": RETRY, "tags": ["http"]})
    up = await cmd(
        client,
        "pieces.snippet.update",
        {"id": s["id"], "title": "Retry with backoff", "tags": ["net"]},
    )
    assert up["title"] == "Retry with backoff" and up["tags"] == ["net"]
    assert (await cmd(client, "pieces.snippet.get", {"id": s["id"]}))[
        "title"
    ] == "Retry with backoff"
    assert (await cmd(client, "pieces.snippet.list", {"limit": 5}))["total"] == 1

    target = tmp_path / "t.py"
    target.write_text("\n")
    res = await cmd(
        client,
        "pieces.snippet.insert",
        {"id": s["id"], "uri": target.as_uri(), "position": {"line": 0, "character": 0}},
    )
    assert res["applied"] is True
    (edit,) = client.applied_edits  # type: ignore[attr-defined]
    assert edit.edit.changes[target.as_uri()][0].new_text == RETRY
    assert (await cmd(client, "pieces.snippet.get", {"id": s["id"]}))["inserted_count"] == 1

    assert await cmd(client, "pieces.snippet.delete", {"id": s["id"]}) == {"deleted": True}
    with pytest.raises(JsonRpcException) as err:
        await cmd(client, "pieces.snippet.get", {"id": s["id"]})
    assert err.value.code == -32803


@pytest.mark.parametrize(
    ("name", "arg", "field"),
    [
        ("pieces.snippet.get", {}, "id"),
        ("pieces.snippet.update", {"id": 3}, "id"),
        (
            "pieces.snippet.insert",
            {"id": "6f1c1c38-3b9b-4a8e-9e8e-2f1f4f1b0c11", "uri": "file:///x"},
            "position",
        ),
        ("pieces.snippet.similar", {}, "id"),
        ("pieces.search", {"query": ""}, "query"),
        ("pieces.search", {"query": "x", "limit": 0}, "limit"),
        ("pieces.library.export", {"path": "relative.jsonl", "format": "jsonl"}, "path"),
        ("pieces.library.import", {}, "path"),
        ("pieces.library.backup", {"path": "/tmp/x.bak"}, "passphrase"),
        ("pieces.library.erase", {}, "confirm"),
        ("pieces.snippet.list", {"limit": "ten"}, "limit"),
    ],
)
async def test_invalid_arguments_name_the_field(client: LanguageClient, name, arg, field):
    with pytest.raises(JsonRpcException) as err:
        await cmd(client, name, arg)
    assert err.value.code == -32602, err.value.message
    assert field in err.value.message
    assert "Traceback" not in err.value.message


async def test_search_similar_and_symbols(client: LanguageClient):
    a = await cmd(client, "pieces.snippet.save", {"content": RETRY, "title": "Retry with backoff"})
    await cmd(
        client,
        "pieces.snippet.save",
        {
            "content": "def parse_yaml(path):\n    import yaml\n"
            "    return yaml.safe_load(open(path))\n"
        },
    )
    found = await cmd(client, "pieces.search", {"query": "retry backoff", "limit": 5})
    assert found["results"][0]["id"] == a["id"]
    first = found["results"][0]
    assert set(first) >= {"id", "title", "language", "tags", "score", "preview", "why"}
    similar = await cmd(client, "pieces.snippet.similar", {"content": RETRY.replace("5", "3")})
    assert similar["results"][0]["id"] == a["id"]

    symbols = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="retry"))
    assert symbols and symbols[0].name == "Retry with backoff"
    path = Path(symbols[0].location.uri.removeprefix("file://"))
    assert path.parent.name == "snippets" and path.read_text() == RETRY

    opened = await cmd(client, "pieces.snippet.open", {"id": a["id"]})
    assert opened["uri"] == symbols[0].location.uri
    if client.spec == "visual-studio-code":  # type: ignore[attr-defined]
        assert opened["shown"] is True
        assert client.shown_documents[-1].uri == opened["uri"]
    else:  # Neovim 0.7 has no window/showDocument: the uri is returned for the plugin to open
        assert opened["shown"] is False

    by_id = await cmd(client, "pieces.snippet.similar", {"id": a["id"]})
    assert all(r["id"] != a["id"] for r in by_id["results"])
    with pytest.raises(JsonRpcException) as err:
        await cmd(client, "pieces.snippet.open", {"id": "6f1c1c38-3b9b-4a8e-9e8e-2f1f4f1b0c11"})
    assert err.value.code == -32803


async def test_open_save_hover_updates_snippet(client: LanguageClient):
    a = await cmd(client, "pieces.snippet.save", {"content": RETRY, "title": "Retry with backoff"})
    opened = await cmd(client, "pieces.snippet.open", {"id": a["id"]})
    uri = opened["uri"]
    new = RETRY.replace("attempts=5", "attempts=7")
    open_doc(client, uri, new)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri), text=new
        )
    )
    for _ in range(100):
        if (await cmd(client, "pieces.snippet.get", {"id": a["id"]}))["content"] == new:
            break
        await asyncio.sleep(0.05)
    assert (await cmd(client, "pieces.snippet.get", {"id": a["id"]}))["content"] == new
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0),
        )
    )
    assert hover is not None and "Retry with backoff" in hover.contents.value


async def test_completion_and_resolve(client: LanguageClient, tmp_path: Path):
    s = await cmd(
        client,
        "pieces.snippet.save",
        {"content": RETRY, "title": "Retry with backoff", "language": "python"},
    )
    await cmd(client, "pieces.snippet.save", {"content": "fn main() {}", "language": "rust"})
    uri = (tmp_path / "c.py").as_uri()
    open_doc(client, uri, "import time\n\nretr")
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=4),
        )
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    assert items and items[0].label == "Retry with backoff"
    item = items[0]
    assert item.data == {"id": s["id"]}
    assert item.text_edit.range.start.character == 0  # replaces the typed prefix
    resolved = await client.completion_item_resolve_async(item)
    assert (
        "Retry with backoff" in resolved.documentation.value
        and "```python" in resolved.documentation.value
    )
    assert item.command.command == "pieces.snippet.used"
    await cmd(client, item.command.command, item.command.arguments[0])
    assert (await cmd(client, "pieces.snippet.get", {"id": s["id"]}))["inserted_count"] == 1


async def test_secret_diagnostic_and_quick_fix(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "leak.py").as_uri()
    open_doc(client, uri, SECRET)
    for _ in range(100):
        if client.diagnostics.get(uri):
            break
        await asyncio.sleep(0.05)
    (diag,) = client.diagnostics[uri]
    assert diag.source == "pieces" and diag.code == "github-token"
    assert diag.severity == types.DiagnosticSeverity.Warning
    assert "ghp_" not in diag.message
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    # (pygls' client structures a CodeAction that carries a command as a Command: look by shape)
    fixes = [a for a in actions or [] if getattr(a, "kind", None) == types.CodeActionKind.QuickFix]
    assert fixes, actions
    edits = fixes[0].edit.changes[uri]
    assert any(e.new_text == 'os.environ["API_TOKEN"]' for e in edits)
    assert any(e.new_text == "import os\n" for e in edits)


async def test_selection_code_actions(client: LanguageClient, tmp_path: Path):
    uri = (tmp_path / "sel.py").as_uri()
    open_doc(client, uri, RETRY)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=3, character=0), end=types.Position(line=6, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    titles = {a.title: a for a in actions}
    assert {"Save selection as snippet", "Find similar snippets"} <= set(titles)
    save = titles["Save selection as snippet"]
    # pygls' client may structure a CodeAction carrying a command as a bare Command
    command = save.command if isinstance(save, types.CodeAction) else save
    args = command.arguments or [{"uri": uri, "range": rng(3, 0, 6, 0)}]
    assert args[0]["uri"] == uri
    saved = await cmd(client, "pieces.snippet.save", args[0])
    assert saved["content"].startswith("def retry_with_backoff")


async def test_export_import_backup_restore_erase(client: LanguageClient, tmp_path: Path):
    await cmd(client, "pieces.snippet.save", {"content": RETRY})
    await cmd(client, "pieces.snippet.save", {"content": "SELECT 42;", "language": "sql"})
    out = tmp_path / "lib.jsonl"
    assert (await cmd(client, "pieces.library.export", {"path": str(out), "format": "jsonl"}))[
        "count"
    ] == 2
    if client.spec == "visual-studio-code":  # type: ignore[attr-defined]
        # VS Code supports window.workDoneProgress: the export reported begin ... end.
        reports = [r for rs in client.progress_reports.values() for r in rs]
        assert isinstance(reports[0], types.WorkDoneProgressBegin)
        assert reports[0].title == "Exporting snippets"
        assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    bak = tmp_path / "lib.bak"
    assert (await cmd(client, "pieces.library.backup", {"path": str(bak), "passphrase": "pw pw"}))[
        "count"
    ] == 2
    with pytest.raises(JsonRpcException) as err:
        await cmd(client, "pieces.library.restore", {"path": str(bak), "passphrase": "nope"})
    assert err.value.code == -32803 and "passphrase" in err.value.message
    assert (await cmd(client, "pieces.library.erase", {"confirm": "erase"}))["deleted"] == 2
    report = await cmd(client, "pieces.library.import", {"path": out.as_uri()})
    assert (report["imported"], report["skipped"], report["failed"]) == (2, 0, 0)
    restored = await cmd(
        client, "pieces.library.restore", {"path": str(bak), "passphrase": "pw pw"}
    )
    assert restored == {"restored": 0, "skipped": 2}
    stats = await cmd(client, "pieces.library.stats", {})
    assert stats["snippets"] == 2 and stats["profile"] == "e2e"


async def test_configuration_changes_apply_without_restart(client: LanguageClient, tmp_path: Path):
    await cmd(client, "pieces.snippet.save", {"content": RETRY, "title": "Retry with backoff"})
    uri = (tmp_path / "c.py").as_uri()
    open_doc(client, uri, SECRET + "retr")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={
                "pieces": {
                    "completion": {"enabled": False},
                    "diagnostics": {"secrets": False},
                    "profile": "other",
                }
            }
        )
    )
    for _ in range(100):
        if (await cmd(client, "pieces.library.stats", {}))["profile"] == "other":
            break
        await asyncio.sleep(0.05)
    assert (await cmd(client, "pieces.library.stats", {}))["snippets"] == 0
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=3, character=4),
        )
    )
    assert not result or not (result.items if isinstance(result, types.CompletionList) else result)
    assert not client.diagnostics.get(uri)

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"pieces": {"completion": {"maxItems": "many"}}}
        )
    )
    for _ in range(100):
        if any("completion.maxItems" in m.message for m in client.messages):
            break
        await asyncio.sleep(0.05)
    assert any("completion.maxItems" in m.message for m in client.messages)


async def test_cancelling_a_long_export(client: LanguageClient, tmp_path: Path):
    if client.spec != "visual-studio-code":  # type: ignore[attr-defined]
        pytest.skip("Neovim 0.7 does not support window.workDoneProgress")
    source = tmp_path / "many.jsonl"
    import json

    with source.open("w") as f:
        for i in range(3000):
            f.write(json.dumps({"content": f"def generated_{i}():\n    return {i}\n"}) + "\n")
    assert (await cmd(client, "pieces.library.import", {"path": str(source)}))["imported"] == 3000
    client.progress_reports.clear()
    export = asyncio.ensure_future(
        cmd(client, "pieces.library.export", {"path": str(tmp_path / "md"), "format": "markdown"})
    )
    for _ in range(400):
        tokens = [t for t, rs in client.progress_reports.items() if rs]
        if tokens:
            break
        await asyncio.sleep(0.005)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=tokens[0]))
    with pytest.raises(JsonRpcException) as err:
        await export
    assert err.value.code == -32803 and "cancelled" in err.value.message
    assert len(list((tmp_path / "md").glob("*.md"))) < 3000
