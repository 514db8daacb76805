"""Commands for the opt-in LLM features and the privacy status.

`pieces.ask` streams the answer as work-done progress reports (the editor shows it growing) and
returns the whole answer; cancelling the progress stops the stream. Everything that reaches the
network goes through `pieces_lsp.privacy`; these handlers only translate LSP to service calls.
"""

from __future__ import annotations

import time
from typing import Any

from pieces_lsp.args import opt_int, opt_str, req_str, single_object
from pieces_lsp.errors import EgressDisabledError, ValidationError
from pieces_lsp.lsp.convert import range_arg
from pieces_lsp.lsp.errors import clean_command
from pieces_lsp.lsp.progress import Cancelled, Progress
from pieces_lsp.lsp.selection import selection_text
from pieces_lsp.lsp.state import PiecesServer

REPORT_EVERY = 0.1  # seconds: an editor re-renders each report; a few per second is enough
PREVIEW_CHARS = 400


def _ids(obj: dict[str, Any]) -> list[str] | None:
    value = obj.get("ids")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValidationError("ids", "must be a list of snippet ids")
    if len(value) > 20:
        raise ValidationError("ids", "give at most 20 snippet ids")
    return value or None


def register(server: PiecesServer) -> None:
    def command(name: str):  # type: ignore[no-untyped-def]
        return clean_command(server, name)

    @command("pieces.ask")
    async def ask(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        from pieces_lsp.assist import ask as ask_service

        obj = single_object(args)
        question = req_str(obj, "question")
        ids = _ids(obj)
        selection = None
        uri = opt_str(obj, "uri")
        if uri:
            rng = range_arg(obj["range"]) if obj.get("range") is not None else None
            selection = selection_text(ls, uri, rng)
            selection = (selection[0], selection[1] or "")
        services = ls.services
        llm = services.llm
        try:
            llm.ensure_enabled()  # refuse before any progress UI appears
        except EgressDisabledError as exc:
            raise EgressDisabledError(
                f"{exc}\nYour config file: {services.config.config_path}"
            ) from None
        progress = await Progress.start(ls, obj, f"Asking {llm.settings.model or 'the LLM'}")
        parts: list[str] = []
        last = [0.0]

        def on_delta(delta: str) -> None:
            if progress.cancel.is_set():
                raise Cancelled("the question was cancelled")
            parts.append(delta)
            now = time.monotonic()
            if progress.token is None or now - last[0] < REPORT_EVERY:
                return
            last[0] = now
            text = "".join(parts)
            preview = text if len(text) <= PREVIEW_CHARS else "…" + text[-PREVIEW_CHARS:]
            progress.report_message(preview)

        try:
            answer = await ls.run(
                lambda: ask_service(
                    question,
                    library=services.library,
                    search=services.search,
                    llm=llm,
                    ids=ids,
                    selection=selection,
                    on_delta=on_delta,
                )
            )
        finally:
            progress.end("cancelled" if progress.cancel.is_set() else "done")
        return answer.to_dict()

    @command("pieces.snippet.describe")
    async def describe(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        from pieces_lsp.assist import refine_description

        sid = req_str(single_object(args), "id")
        services = ls.services
        result = await ls.run(
            lambda: refine_description(sid, library=services.library, llm=services.llm)
        )
        return result.to_dict()

    @command("pieces.privacy.status")
    async def status(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        from pieces_lsp.privacy.status import privacy_status

        obj = single_object(args)
        limit = opt_int(obj, "limit", 20, 0, 1000)
        services = ls.services
        return await ls.run(lambda: privacy_status(services, audit_entries=limit))
