"""On-device enrichment through the real server over stdio and through the CLI: the worker
process, the real grammars and the real language-id model, a real DuckDB file."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import run_cli
from tests.e2e.session import cmd, start

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pieces_lsp"])

API = '''\
from fastapi import FastAPI, HTTPException

app = FastAPI()
# Path parameters: https://fastapi.tiangolo.com/tutorial/path-params/
ITEMS = {"apple": 3}


@app.get("/items/{name}")
async def read_item(name: str, limit: int = 10) -> dict:
    """Return one inventory item by name."""
    if name not in ITEMS:
        raise HTTPException(status_code=404, detail="no such item")
    return {"name": name, "count": min(ITEMS[name], limit)}
'''

COMPONENT = """\
import React, { useState } from "react";

export function Counter({ start }) {
  const [count, setCount] = useState(start);
  return <button onClick={() => setCount(count + 1)}>Clicked {count} times</button>;
}
"""

LOADER = '''\
from pathlib import Path

import yaml

DEFAULTS = {"port": 8080, "host": "localhost"}


def load_config(path: str = "/etc/shop/config.yaml") -> dict:
    """Load the YAML config; describe nothing, fall back to the defaults."""
    p = Path(path)
    if not p.exists():
        return dict(DEFAULTS)
    with p.open() as fh:
        data = yaml.safe_load(fh) or {}
    return {**DEFAULTS, **data}
'''

PROSE = (
    "Remember to rotate the staging credentials before the release on Friday. "
    "The on-call engineer owns the checklist and should tell the team when it is done."
)
TOKEN = "ghp_" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa"
LEAKY = f'import os\n\nGITHUB_TOKEN = "{TOKEN}"\nprint(os.getcwd())\n'


BEAN = "public class PersonForm {\n    private String name;\n    private int age;\n}\n"
SPRING_POM = """\
<project>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
  </parent>
</project>
"""


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await start(lsp_client, tmp_path, "enrich")
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def in_project(lsp_client: LanguageClient, tmp_path: Path):
    """A session whose workspace is a Spring project (`tmp_path / "shop"`)."""
    ws = tmp_path / "shop"
    (ws / "src").mkdir(parents=True)
    (ws / "pom.xml").write_text(SPRING_POM, encoding="utf-8")
    (ws / "src" / "PersonForm.java").write_text(BEAN, encoding="utf-8")
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            process_id=None,
            root_uri=ws.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=ws.as_uri(), name="shop")],
            initialization_options={"home": str(tmp_path / "home"), "profile": "project"},
        )
    )
    yield
    await lsp_client.shutdown_session()


def unescape_template(template: str) -> str:
    """Fill every placeholder with its default and undo LSP snippet escapes."""
    out = re.sub(r"\$\{\d+:((?:\\.|[^}\\])*)\}", lambda m: m.group(1), template)
    out = re.sub(r"\$\{?\d+\}?", "", out)
    return re.sub(r"\\([$}\\])", r"\1", out)


async def test_analyze_a_snippet_with_no_file_name(client: LanguageClient):
    result = await cmd(client, "pieces.analyze", {"content": API})
    assert result["language"] == "python"
    assert result["kind"] == "code"
    assert "fastapi" in result["frameworks"]
    assert 0 < len(result["title"]) <= 60
    assert result["description"]
    assert "python" in result["tags"] and "fastapi" in result["tags"]
    assert "https://fastapi.tiangolo.com/tutorial/path-params/" in result["links"]
    assert result["secrets"] == []
    assert result["template"] and "${1:" in result["template"]
    assert unescape_template(result["template"]) == API
    assert any("fastapi" in r["url"] for r in result["related_links"])


async def test_analyze_uses_the_language_id_and_finds_jsx(client: LanguageClient):
    result = await cmd(
        client, "pieces.analyze", {"content": COMPONENT, "languageId": "javascriptreact"}
    )
    assert result["language"] == "javascriptreact"
    assert result["language_source"] == "languageId"
    assert "react" in result["frameworks"]


async def test_plain_library_code_claims_no_framework(client: LanguageClient):
    """pathlib's Path(...) once read as FastAPI's Path parameter: tagged, described, linked."""
    result = await cmd(client, "pieces.analyze", {"content": LOADER, "languageId": "python"})
    assert result["frameworks"] == []
    assert "fastapi" not in result["tags"]
    assert "FastAPI" not in result["description"]
    assert not any("fastapi" in r["url"] for r in result["related_links"])
    assert "yaml" in result["imports"]


async def test_analyze_tells_prose_from_code(client: LanguageClient):
    result = await cmd(client, "pieces.analyze", {"content": PROSE})
    assert result["kind"] == "prose"
    assert result["template"] is None


async def test_analyze_lists_secrets_by_rule_and_line_only(client: LanguageClient):
    result = await cmd(client, "pieces.analyze", {"content": LEAKY, "filename": "settings.py"})
    assert [s["line"] for s in result["secrets"]] == [2]
    assert set(result["secrets"][0]) == {"rule", "line"}
    text = json.dumps(result)
    assert TOKEN not in text and TOKEN[:12] not in text
    assert TOKEN not in result["title"]


async def test_analyze_refuses_bad_arguments_clearly(client: LanguageClient):
    for bad in ({}, {"content": 42}, {"content": "   "}):
        with pytest.raises(JsonRpcException) as err:
            await cmd(client, "pieces.analyze", bad)
        assert err.value.code == -32602 and "content" in err.value.message


async def test_save_returns_the_enrichment_and_suggested_tags(client: LanguageClient):
    for i, code in enumerate(["x = 1\n", "y = 2\n", "z = 3\n"]):
        await cmd(
            client,
            "pieces.snippet.save",
            {"content": f"# util {i}\n{code}", "language": "python", "tags": ["http", "retry"]},
        )
    saved = await cmd(client, "pieces.snippet.save", {"content": API, "tags": ["http"]})
    assert saved["created"] is True
    assert saved["language"] == "python" and saved["kind"] == "code"
    assert "fastapi" in saved["frameworks"]
    assert saved["template"] and saved["related_links"]
    assert "retry" in saved["suggested_tags"]
    assert saved["enrichment"]["degraded"] == []
    again = await cmd(client, "pieces.snippet.get", {"id": saved["id"]})
    assert again["template"] == saved["template"]
    assert again["kind"] == "code"


def test_cli_analyze_prints_the_enrichment(tmp_path: Path):
    (tmp_path / "home").mkdir()
    src = tmp_path / "counter.jsx"
    src.write_text(COMPONENT, encoding="utf-8")
    out = run_cli(tmp_path / "home", "analyze", str(src))
    assert out.returncode == 0, out.stderr
    assert re.search(r"language: javascriptreact", out.stdout)
    assert re.search(r"frameworks: .*react", out.stdout)
    as_json = run_cli(tmp_path / "home", "analyze", "-", "--json", input=API)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["language"] == "python" and "fastapi" in data["frameworks"]
    missing = run_cli(tmp_path / "home", "analyze", str(tmp_path / "nope.py"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_cli_save_prints_title_language_and_tags(tmp_path: Path):
    (tmp_path / "home").mkdir()
    src = tmp_path / "api.py"
    src.write_text(API, encoding="utf-8")
    out = run_cli(tmp_path / "home", "save", str(src))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("saved: ")
    assert "language: python" in out.stdout and "fastapi" in out.stdout
    assert "title: " in out.stdout


async def test_completion_inserts_the_template_with_tab_stops(client: LanguageClient, tmp_path):
    saved = await cmd(client, "pieces.snippet.save", {"content": API, "title": "Read item API"})
    uri = (tmp_path / "app.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text="import os\n\nread"
            )
        )
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=4),
        )
    )
    assert result is not None
    items = result.items if isinstance(result, types.CompletionList) else result
    item = next(i for i in items if i.data and i.data.get("id") == saved["id"])
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.text_edit is not None and item.text_edit.new_text == saved["template"]
    assert unescape_template(item.text_edit.new_text) == API


async def test_analyze_a_selection_of_an_open_document(client: LanguageClient, tmp_path):
    uri = (tmp_path / "view.jsx").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="javascriptreact", version=1, text="// header\n" + COMPONENT
            )
        )
    )
    selection = {"start": {"line": 1, "character": 0}, "end": {"line": 7, "character": 0}}
    result = await cmd(client, "pieces.analyze", {"uri": uri, "range": selection})
    assert result["language"] == "javascriptreact"
    assert "react" in result["frameworks"]
    with pytest.raises(JsonRpcException) as err:
        await cmd(client, "pieces.analyze", {"languageId": "python"})
    assert err.value.code == -32602 and "content" in err.value.message


async def test_a_snippet_is_tagged_with_the_framework_its_project_declares(
    in_project: LanguageClient, tmp_path: Path
):
    lsp_client = in_project
    uri = (tmp_path / "shop" / "src" / "PersonForm.java").as_uri()
    preview = await cmd(lsp_client, "pieces.analyze", {"content": BEAN, "filename": uri})
    assert preview["frameworks"] == []  # the code itself shows no framework
    assert preview["project_frameworks"] == ["spring"]  # its project's pom.xml does
    assert "spring" in preview["tags"]
    saved = await cmd(lsp_client, "pieces.snippet.save", {"uri": uri})
    assert saved["project_frameworks"] == ["spring"]
    assert "spring" in saved["tags"] and saved["frameworks"] == []
    found = await cmd(lsp_client, "pieces.search", {"query": "person form", "tags": ["spring"]})
    assert [r["id"] for r in found["results"]] == [saved["id"]]
    # text with no file (a paste): the workspace's project, for code of its ecosystem only
    pasted = await cmd(lsp_client, "pieces.analyze", {"content": BEAN, "languageId": "java"})
    assert pasted["project_frameworks"] == ["spring"]
    script = await cmd(
        lsp_client, "pieces.analyze", {"content": "print(1)\n", "languageId": "python"}
    )
    assert script["project_frameworks"] == [] and "spring" not in script["tags"]
