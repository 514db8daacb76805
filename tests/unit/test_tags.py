"""Tags from identifiers, and suggestions from the user's library."""

from __future__ import annotations

from pieces_lsp.analysis.parsing import parse
from pieces_lsp.analysis.tags import split_identifier, suggest_from_library, tags

SRC = """\
import requests
from invoice_tools import render


def send_invoice_email(invoice, smtp_client):
    body = render_invoice(invoice)
    smtp_client.send(invoice.customer_email, body)


def render_invoice(invoice):
    return render(invoice.lines, invoice.total)
"""


def test_split_identifier() -> None:
    assert split_identifier("parseHTTPResponse_v2") == ["parse", "http", "response", "v", "2"]
    assert split_identifier("XMLParser") == ["xml", "parser"]


def test_language_frameworks_libraries_then_keywords() -> None:
    found = tags(
        SRC,
        "python",
        parse(SRC, "python"),
        frameworks=["Flask"],
        imports=["requests", "invoice_tools", "os"],
    )
    assert found[:4] == ["python", "flask", "requests", "invoice_tools"]
    assert "invoice" in found
    assert len(found) == len(set(found)) <= 8
    assert all(t == t.lower() for t in found)
    assert not {"self", "data", "body", "none"} & set(found)


def test_without_a_parse_uses_words() -> None:
    found = tags("shipping_rate = compute_shipping_rate(order)", "plaintext", None,
                 frameworks=[], imports=[])  # fmt: skip
    assert found[:2] == ["shipping", "rate"]


def test_limit_is_respected() -> None:
    assert len(tags(SRC, "python", parse(SRC, "python"), frameworks=[], imports=[], limit=3)) == 3


def test_suggest_from_library() -> None:
    library = [
        ["python", "pandas", "dataframe"],
        ["python", "pandas", "dataframe", "csv"],
        ["python", "pandas", "plotting"],
        ["python", "flask", "web"],
        ["python", "django", "web"],
        ["rust", "tokio"],
    ]
    suggested = suggest_from_library(["pandas"], library)
    assert suggested[0] == "dataframe"
    assert "pandas" not in suggested and "tokio" not in suggested
    assert suggest_from_library([], library) == []
    assert suggest_from_library(["unknown"], library) == []


def test_sql_written_into_code_is_tagged_sql() -> None:
    text = (
        "def active_users(conn):\n"
        "    cur = conn.cursor()\n"
        "    cur.execute('SELECT id, name FROM users WHERE active = 1')\n"
        "    return cur.fetchall()\n"
    )
    found = tags(text, "python", parse(text, "python"), frameworks=[], imports=[])
    assert found[:2] == ["python", "sql"]
    java = 'stmt.executeUpdate("INSERT INTO orders (id) VALUES (?)");\n'
    assert "sql" in tags(java, "java", parse(java, "java"), frameworks=[], imports=[])


def test_prose_about_selecting_is_not_sql() -> None:
    text = "# select one item from the list, then update the view\nchoose(items)\n"
    assert "sql" not in tags(text, "python", parse(text, "python"), frameworks=[], imports=[])
