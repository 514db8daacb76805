"""The server object: pygls' LanguageServer plus our services, settings and worker pool."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from pieces_lsp import __version__
from pieces_lsp.app import Services, build_services
from pieces_lsp.config import EditorSettings, resolve_config

T = TypeVar("T")
log = logging.getLogger(__name__)


class PiecesServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("pieces-lsp", __version__)
        self.services: Services = build_services(resolve_config())
        self.settings = EditorSettings()
        self.init_options: dict[str, Any] = {}
        self.client_caps: types.ClientCapabilities = types.ClientCapabilities()
        # One worker: the library serialises writes anyway, and a second thread would only
        # contend for the same file lock. pygls' own pool keeps feeding stdin.
        self._work = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pieces-work")
        self._bg = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pieces-bg")

    async def run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._work, fn)

    def in_background(self, fn: Callable[[], Any]) -> None:
        """Fire-and-forget work that must not delay any request (cache warm-up)."""

        def guarded() -> None:
            try:
                fn()
            except Exception as exc:
                log.warning("background task failed: %s", type(exc).__name__)

        self._bg.submit(guarded)

    # -- client capabilities -------------------------------------------------------------------

    @property
    def snippet_support(self) -> bool:
        td = self.client_caps.text_document
        item = td and td.completion and td.completion.completion_item
        return bool(item and item.snippet_support)

    @property
    def progress_support(self) -> bool:
        win = self.client_caps.window
        return bool(win and win.work_done_progress)

    @property
    def show_document_support(self) -> bool:
        win = self.client_caps.window
        return bool(win and win.show_document and win.show_document.support)

    @property
    def configuration_support(self) -> bool:
        ws = self.client_caps.workspace
        return bool(ws and ws.configuration)

    def warn(self, message: str) -> None:
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=f"pieces: {message}")
        )
