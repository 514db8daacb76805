"""initialize / initialized / shutdown, and exiting when the editor is gone.

pygls keeps running when the editor dies without closing stdin properly, and a server that
lingers would keep a profile busy: watch the parent process id the client gave us.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from lsprotocol import types

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.lsp.state import PiecesServer

log = logging.getLogger(__name__)
_WATCH_INTERVAL = 2.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch_parent(pid: int) -> None:
    def loop() -> None:
        while _alive(pid):
            time.sleep(_WATCH_INTERVAL)
        log.info("editor process is gone; exiting")
        os._exit(0)

    threading.Thread(target=loop, name="pieces-parent-watch", daemon=True).start()


def register(server: PiecesServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: PiecesServer, params: types.InitializeParams) -> None:
        options: Any = params.initialization_options
        overrides = options if isinstance(options, dict) else {}
        config = resolve_config(overrides)
        ls.services = build_services(config)
        for warning in config.warnings:
            ls.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning, message=f"pieces: {warning}"
                )
            )
        if params.process_id:
            watch_parent(params.process_id)
