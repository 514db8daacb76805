"""The server object: pygls' LanguageServer plus our services and worker pool."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pygls.lsp.server import LanguageServer

from pieces_lsp import __version__
from pieces_lsp.app import Services, build_services
from pieces_lsp.config import resolve_config

T = TypeVar("T")


class PiecesServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("pieces-lsp", __version__)
        self.services: Services = build_services(resolve_config())
        # One worker: the library serialises writes anyway, and a second thread would only
        # contend for the same file lock. pygls' own pool keeps feeding stdin.
        self._work = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pieces-work")

    async def run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._work, fn)
