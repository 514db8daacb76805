"""initialize / initialized / configuration, and exiting when the editor is gone.

pygls keeps running when the editor dies without closing stdin properly, and a server that
lingers would keep a profile busy: watch the parent process id the client gave us.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import Any

from lsprotocol import types

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config, resolve_editor_settings
from pieces_lsp.lsp.state import PiecesServer

log = logging.getLogger(__name__)
_WATCH_INTERVAL = 2.0
SECTION = "pieces"


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


def warm(ls: PiecesServer) -> None:
    """Build the cache and index, then move everything that exists now out of the garbage
    collector's sight: a full collection over ~10k snippets' objects costs ~100 ms and would
    land in the middle of a completion request."""
    import gc

    ls.services.search.warm()
    warm_analysis = getattr(ls.services.enricher, "warm", None)
    if warm_analysis is not None:
        try:
            warm_analysis()  # start the analysis worker: grammars and models load now
        except Exception as exc:  # saves fall back to basic enrichment; say why once
            log.warning("analysis worker did not start: %s", exc)
    gc.collect()
    gc.freeze()


# Settings that shape the services (where the library is, what may reach the network), as
# opposed to editor settings that apply to requests at once.
CONFIG_KEYS = ("home", "profile", "privacy")


def apply_settings(ls: PiecesServer, section: Any) -> None:
    """Apply the `pieces` section: library location changes rebuild the services, the rest
    applies at once. Bad values are reported by key and replaced by defaults."""
    section = {**ls.init_options, **(section if isinstance(section, dict) else {})}
    overrides = {k: section.get(k, ls.init_options.get(k)) for k in CONFIG_KEYS}
    config = resolve_config(overrides)
    settings, warnings = resolve_editor_settings(section)
    current = ls.services.config
    if (config.home, config.profile) != (current.home, current.profile):
        ls.services.library.db.close()
        ls.services = build_services(config)
        ls.in_background(lambda: warm(ls))
    else:
        # The next request uses the new opt-in; nothing to rebuild.
        current.llm, current.config_file = config.llm, config.config_file
    ls.settings = settings
    for warning in [*config.warnings, *warnings]:
        ls.warn(warning)
    from pieces_lsp.lsp import diagnostics

    diagnostics.refresh_all(ls)


def register(server: PiecesServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: PiecesServer, params: types.InitializeParams) -> None:
        options: Any = params.initialization_options
        ls.init_options = options if isinstance(options, dict) else {}
        ls.client_caps = params.capabilities
        config = resolve_config({k: ls.init_options.get(k) for k in CONFIG_KEYS})
        ls.services = build_services(config)
        settings, warnings = resolve_editor_settings(ls.init_options)
        ls.settings = settings
        for warning in [*config.warnings, *warnings]:
            ls.warn(warning)
        if params.process_id:
            watch_parent(params.process_id)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: PiecesServer, *args: Any) -> None:
        # pygls 2.1 cancels pending requests while iterating the dict the cancellations
        # shrink ("dictionary changed size during iteration"): cancel them over a copy first.
        protocol = ls.protocol
        current = getattr(protocol, "msg_id", None)
        for msg_id, future in list(getattr(protocol, "_request_futures", {}).items()):
            if msg_id != current and not future.done():
                future.cancel()
        ls.services.library.db.close()

    @server.feature(types.EXIT)
    def exit_(ls: PiecesServer, *args: Any) -> None:
        # Release the library, then leave at once: waiting for a background warm-up (index
        # build) to finish would keep the editor's "stop server" hanging for seconds.
        ls.services.library.db.shutdown()
        sys.stderr.flush()
        os._exit(0 if getattr(ls.protocol, "_shutdown", False) else 1)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: PiecesServer, params: types.InitializedParams) -> None:
        # Load the library cache and the search index now, off the request path, so the first
        # completion is fast.
        ls.in_background(lambda: warm(ls))
        await _pull_configuration(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def changed(ls: PiecesServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
            apply_settings(ls, settings[SECTION])
        else:
            await _pull_configuration(ls)


async def _pull_configuration(ls: PiecesServer) -> None:
    if not ls.configuration_support:
        return
    try:
        result = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        )
    except Exception as exc:
        log.info("workspace/configuration failed: %s", type(exc).__name__)
        return
    if result and isinstance(result[0], dict):
        merged = {**ls.init_options, **result[0]}
        apply_settings(ls, merged)
