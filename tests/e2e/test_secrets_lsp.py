"""Secrets end to end over stdio: diagnostics in an open document, both quick fixes, and a
saved / analysed / exported snippet that never carries the raw value."""

from __future__ import annotations

import ast
import asyncio
import json
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.session import cmd, start

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pieces_lsp"])
PASSWORD = "Tr0ub4dor" + "&3xq!"
TOKEN = "a8f0c2e4b6d8" + "1357acebd024" + "68ace135"
STRIPE = "sk_live_" + "4eC39HqLyjWD" + "arjtT1zdp7dc"
SETTINGS = (
    "import os\n"
    "\n"
    f'DB_PASSWORD = "{PASSWORD}"\n'  # line 2: generic-password
    'REDIS_URL = os.environ["REDIS_URL"]\n'
    'API_KEY = "<your-api-key>"\n'
    f'SENTRY_TOKEN = "{TOKEN}"\n'  # line 5: generic-secret
    f'FIXTURE_TOKEN = "{TOKEN[::-1]}"  # pieces:allow-secret\n'
)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await start(lsp_client, tmp_path, "secrets")
    yield
    await lsp_client.shutdown_session()


async def diagnostics(client: LanguageClient, uri: str, count: int) -> list[types.Diagnostic]:
    for _ in range(200):
        got = client.diagnostics.get(uri)
        if got is not None and len(got) == count:
            return got
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} diagnostics, have {client.diagnostics.get(uri)}")


def open_doc(client: LanguageClient, uri: str, text: str, language: str) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )


async def code_actions(client: LanguageClient, uri: str, diag: types.Diagnostic):
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    return {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}


def apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        s, t = e.range.start, e.range.end
        assert s.line == t.line, "single-line edits only in this test"
        line = lines[s.line]
        lines[s.line] = line[: s.character] + e.new_text + line[t.character :]
    return "\n".join(lines)


async def test_diagnostics_name_each_secret_and_skip_references(client, tmp_path: Path):
    uri = (tmp_path / "settings.py").as_uri()
    open_doc(client, uri, SETTINGS, "python")
    diags = await diagnostics(client, uri, 2)
    assert [(d.range.start.line, d.code) for d in diags] == [
        (2, "generic-password"),
        (5, "generic-secret"),
    ]
    for d in diags:
        assert d.source == "pieces" and d.severity == types.DiagnosticSeverity.Warning
        assert PASSWORD not in d.message and TOKEN not in d.message
    # the range covers the value only, inside its quotes
    line = SETTINGS.split("\n")[2]
    d = diags[0]
    assert line[d.range.start.character : d.range.end.character] == PASSWORD


async def test_allow_quick_fix_silences_the_line(client, tmp_path: Path):
    uri = (tmp_path / "settings.py").as_uri()
    open_doc(client, uri, SETTINGS, "python")
    diags = await diagnostics(client, uri, 2)
    actions = await code_actions(client, uri, diags[1])
    allow = actions["Not a secret: allow this line (pieces:allow-secret)"]
    env = next(
        a for t, a in actions.items() if t.startswith("Read the secret from the environment")
    )
    assert any(e.new_text == 'os.environ["SENTRY_TOKEN"]' for e in env.edit.changes[uri])
    fixed = apply(SETTINGS, allow.edit.changes[uri])
    assert "# pieces:allow-secret" in fixed.split("\n")[5]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    (left,) = await diagnostics(client, uri, 1)
    assert left.code == "generic-password"


async def test_env_quick_fix_in_javascript(client, tmp_path: Path):
    uri = (tmp_path / "pay.js").as_uri()
    text = f"const stripe = require('stripe')('{STRIPE}');\n"
    open_doc(client, uri, text, "javascript")
    (diag,) = await diagnostics(client, uri, 1)
    assert diag.code == "stripe-key"
    actions = await code_actions(client, uri, diag)
    env = next(
        a for t, a in actions.items() if t.startswith("Read the secret from the environment")
    )
    fixed = apply(text, env.edit.changes[uri])
    assert STRIPE not in fixed and "process.env." in fixed
    allow = actions["Not a secret: allow this line (pieces:allow-secret)"]
    assert apply(text, allow.edit.changes[uri]).rstrip().endswith("// pieces:allow-secret")


async def test_saved_analysed_and_exported_snippets_never_hold_the_value(client, tmp_path: Path):
    uri = (tmp_path / "settings.py").as_uri()
    open_doc(client, uri, SETTINGS, "python")
    await diagnostics(client, uri, 2)
    analysed = await cmd(client, "pieces.analyze", {"content": SETTINGS, "filename": "settings.py"})
    assert [(s["rule"], s["line"]) for s in analysed["secrets"]] == [
        ("generic-password", 2),
        ("generic-secret", 5),
    ]
    saved = await cmd(client, "pieces.snippet.save", {"uri": uri})
    assert {s["rule"] for s in saved["secrets"]} == {"generic-password", "generic-secret"}
    for s in saved["secrets"]:
        assert PASSWORD not in s["preview"] and TOKEN not in s["preview"]
    out = tmp_path / "out.jsonl"
    await cmd(
        client, "pieces.library.export", {"path": str(out), "format": "jsonl", "redact": True}
    )
    blob = out.read_text(encoding="utf-8")
    assert PASSWORD not in blob and TOKEN not in blob
    (row,) = [json.loads(x) for x in blob.splitlines()]
    assert '"<redacted:generic-password>"' in row["content"]
    assert row["secrets"] == []  # nothing left to find in what was exported
    ast.parse(row["content"])  # the redacted code is still Python
