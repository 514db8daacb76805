"""The editor set-ups name the server's contract right: commands, settings keys, command line."""

from __future__ import annotations

import json

import pytest

from tests.editors._util import REPO

EDITORS = REPO / "editors"
SETTINGS = {
    "home",
    "profile",
    "completion.enabled",
    "completion.maxItems",
    "diagnostics.secrets",
    "privacy.llm.provider",
    "privacy.llm.url",
    "privacy.llm.model",
    "privacy.llm.api_key_env",
}


def _flatten(d: dict, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for k, v in d.items():
        keys |= _flatten(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
    return keys


def test_vscode_manifest() -> None:
    manifest = json.loads((EDITORS / "vscode" / "package.json").read_text())
    assert manifest["engines"]["vscode"] and manifest["activationEvents"]
    titles = {
        c["command"]: f"{c['category']}: {c['title']}" for c in manifest["contributes"]["commands"]
    }
    assert set(titles.values()) == {"Pieces: Save Selection as Snippet", "Pieces: Search Snippets"}
    # The language client registers the server's own command ids: ours must not collide.
    assert not any(cid.startswith(("pieces.snippet.", "pieces.library.")) for cid in titles)
    source = (EDITORS / "vscode" / "src" / "extension.ts").read_text()
    assert all(f"'{cid}'" in source for cid in titles)
    props = manifest["contributes"]["configuration"]["properties"]
    assert {f"pieces.{k}" for k in SETTINGS} | {"pieces.serverPath"} == set(props)
    assert manifest["dependencies"]["vscode-languageclient"].startswith("^9")
    lock = json.loads((EDITORS / "vscode" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/vscode-languageclient"]["version"].startswith("9.")


def test_helix_languages_toml() -> None:
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text())
    server = config["language-server"]["pieces"]
    assert server["command"] == "pieces-lsp"
    assert _flatten(server["config"]) <= SETTINGS
    langs = config["language"]
    assert langs and all("pieces" in lang["language-servers"] for lang in langs)


def test_jetbrains_template() -> None:
    folder = EDITORS / "jetbrains" / "pieces-lsp"
    template = json.loads((folder / "template.json").read_text())
    assert "pieces-lsp" in template["programArgs"]["default"]
    assert all(m["languageId"] for m in template["fileTypeMappings"])
    init = json.loads((folder / "initializationOptions.json").read_text())
    assert _flatten(init) <= SETTINGS
    settings = json.loads((folder / "settings.json").read_text())
    assert set(settings) == {"pieces"} and _flatten(settings["pieces"]) <= SETTINGS


def test_neovim_plugin_names_the_contract() -> None:
    lua = (EDITORS / "nvim" / "lua" / "pieces" / "init.lua").read_text()
    for name in ("pieces.snippet.save", "pieces.search", "pieces.snippet.insert"):
        assert f'"{name}"' in lua
    for command in ("PiecesSave", "PiecesSearch", "PiecesInsert"):
        assert f'"{command}"' in lua
