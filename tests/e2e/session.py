"""What every stdio e2e module does with its client: start a VS Code-like session on a temp
home, and run workspace commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities


async def start(client: LanguageClient, tmp_path: Path, profile: str) -> None:
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            process_id=None,
            initialization_options={"home": str(tmp_path / "home"), "profile": profile},
        )
    )


async def cmd(client: LanguageClient, name: str, arg: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=[arg])
    )
