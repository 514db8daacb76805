"""Search by meaning over stdio: a query sharing no word with a snippet still finds it, with the
real ONNX embedder; similar-on-save and query suggestions through the server."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.session import cmd, start

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "pieces_lsp"])

SNIPPETS = {
    "archive": "def compress_folder(src, dest):\n    shutil.make_archive(dest, 'zip', src)\n",
    "mail": (
        "def send_mail(to, subject, body):\n    msg = EmailMessage()\n    msg['To'] = to\n"
        "    msg['Subject'] = subject\n    msg.set_content(body)\n"
        "    with smtplib.SMTP('localhost') as s:\n        s.send_message(msg)\n"
    ),
    "http": (
        "def fetch_page(url):\n    resp = requests.get(url, timeout=10)\n"
        "    resp.raise_for_status()\n    return resp.text\n"
    ),
    "sort": "def by_age(people):\n    return sorted(people, key=lambda p: p.age)\n",
    "sql": (
        "def active_users(conn):\n"
        "    return conn.execute('SELECT * FROM users WHERE active = 1').fetchall()\n"
    ),
}


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await start(lsp_client, tmp_path, "neural")
    yield
    await lsp_client.shutdown_session()


async def save_all(client: LanguageClient) -> dict[str, dict]:
    saved = {}
    for key, code in SNIPPETS.items():
        saved[key] = await cmd(
            client, "pieces.snippet.save", {"content": code, "language": "python"}
        )
    return saved


def words(snippet: dict) -> set[str]:
    blob = " ".join(
        [snippet["content"], snippet["title"], snippet["description"], *snippet["tags"]]
    )
    parts = re.findall(r"[A-Za-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", blob))
    return {p.lower() for p in parts}


async def test_query_without_a_shared_word_finds_the_snippet(client):
    saved = await save_all(client)
    target = saved["archive"]
    query = "bundle up a directory"
    shared = set(query.split()) & words(target) - {"a", "up"}
    assert not shared, "the test needs a query with no word in common with the snippet"
    fulltext = await cmd(client, "pieces.search", {"query": query, "mode": "fulltext"})
    assert target["id"] not in [r["id"] for r in fulltext["results"][:1]]
    for mode in ("neural", "hybrid"):
        found = await cmd(client, "pieces.search", {"query": query, "mode": mode})
        ids = [r["id"] for r in found["results"]]
        assert target["id"] in ids[:2], (mode, found["results"])
        hit = found["results"][ids.index(target["id"])]
        assert hit["signals"]["neural"]["rank"] >= 1
        assert "meaning matches" in hit["why"]
        if mode == "hybrid":  # the head of the blend is re-ranked by token matching
            assert 0.0 < hit["signals"]["tokens"]["score"] <= 1.0


async def test_save_reports_a_renamed_copy(client):
    saved = await save_all(client)
    renamed = SNIPPETS["sort"].replace("by_age", "oldest_first").replace("people", "folks")
    again = await cmd(client, "pieces.snippet.save", {"content": renamed, "language": "python"})
    assert again["created"] is True
    (alike,) = [s for s in again["similar"] if s["id"] == saved["sort"]["id"]]
    assert alike["near_duplicate"] is True and alike["score"] >= 0.9


async def test_suggest_queries_from_the_cursor(client, tmp_path: Path):
    await save_all(client)
    await cmd(client, "pieces.search", {"query": "send an email"})
    uri = (tmp_path / "notify.py").as_uri()
    text = (
        "import smtplib\nfrom email.message import EmailMessage\n\n\n"
        "def notify_owner(owner_address, report):\n    message = EmailMessage()\n"
        "    message['To'] = owner_address\n    \n"
    )
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    await asyncio.sleep(0.1)
    got = await cmd(
        client,
        "pieces.search.suggest",
        {"uri": uri, "position": {"line": 7, "character": 4}},
    )
    queries = [s["query"] for s in got["suggestions"]]
    assert 3 <= len(queries) <= 5, queries
    assert any("notify" in q and "owner" in q for q in queries), queries
    assert "send an email" in queries
    assert {s["source"] for s in got["suggestions"]} >= {"definition", "recent"}
