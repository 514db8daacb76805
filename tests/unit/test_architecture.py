"""The folder tree is the architecture: these import rules keep it true (see DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "pieces_lsp"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[tuple[str, set[str]]]:
    return [(str(p.relative_to(PKG)), _imports(p)) for p in sorted(PKG.rglob("*.py"))]


def _top(name: str) -> str:
    return name.split(".")[0]


def test_only_storage_imports_duckdb():
    offenders = [
        m
        for m, names in _modules()
        if "duckdb" in {_top(n) for n in names} and not m.startswith("storage/")
    ]
    assert offenders == []


def test_only_lsp_imports_pygls_and_lsprotocol():
    offenders = [
        m
        for m, names in _modules()
        if {_top(n) for n in names} & {"pygls", "lsprotocol", "pytest_lsp"}
        and not m.startswith("lsp/")
    ]
    assert offenders == []


def test_services_never_import_the_front_ends():
    services = (
        "analysis/",
        "secrets/",
        "library/",
        "search/",
        "storage/",
        "portability/",
        "ml/",
        "privacy/",
        "assist/",
    )
    offenders = [
        (m, n)
        for m, names in _modules()
        if m.startswith(services)
        for n in names
        if n.startswith(("pieces_lsp.lsp", "pieces_lsp.cli"))
    ]
    assert offenders == []


def test_network_libraries_only_in_privacy():
    net = {"httpx", "requests", "socket", "urllib3", "aiohttp"}
    offenders = [
        m
        for m, names in _modules()
        if ({_top(n) for n in names} & net or "urllib.request" in names)
        and not m.startswith("privacy/")
    ]
    assert offenders == []


def test_only_the_mcp_front_end_imports_the_mcp_sdk():
    offenders = [
        m
        for m, names in _modules()
        if "mcp" in {_top(n) for n in names} and not m.startswith("mcp/")
    ]
    assert offenders == []


def test_llm_features_reach_the_network_only_through_privacy():
    """assist/ builds prompts; privacy/ decides whether, what and where anything is sent."""
    offenders = [
        (m, n)
        for m, names in _modules()
        if m.startswith("assist/")
        for n in names
        if n.startswith("pieces_lsp.privacy.") and n not in ("pieces_lsp.privacy",)
    ]
    assert offenders == []
