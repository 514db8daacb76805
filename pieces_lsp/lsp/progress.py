"""Work-done progress for long commands (import, export, backup, restore).

The token is the client's when it offers one (`workDoneToken` in the argument object), else one
we create when the client supports `window.workDoneProgress`; without either, progress is
silent. Cancelling the progress stops the work at its next step.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types

from pieces_lsp.errors import PiecesError
from pieces_lsp.lsp.state import PiecesServer

T = TypeVar("T")


class Cancelled(PiecesError):
    """The user cancelled a long command."""


class Progress:
    def __init__(self, ls: PiecesServer, token: types.ProgressToken | None, title: str) -> None:
        self.ls = ls
        self.token = token
        self.title = title
        self.cancel = threading.Event()
        self._loop = asyncio.get_running_loop()
        self._last = -1

    @classmethod
    async def start(cls, ls: PiecesServer, args: dict[str, Any], title: str) -> Progress:
        token = args.get("workDoneToken")
        if not isinstance(token, (str, int)) or isinstance(token, bool):
            token = None
        if token is None and ls.progress_support:
            token = f"pieces-{uuid.uuid4()}"
            try:
                await asyncio.wait_for(ls.work_done_progress.create_async(token), timeout=5)
            except Exception:
                token = None
        progress = cls(ls, token, title)
        if token is not None:
            future = ls.work_done_progress.tokens.get(token)
            if future is not None:
                future.add_done_callback(lambda f: progress.cancel.set() if f.cancelled() else None)
            ls.work_done_progress.begin(
                token,
                types.WorkDoneProgressBegin(title=title, cancellable=True, percentage=0),
            )
        return progress

    def callback(self) -> Callable[..., None]:
        """A thread-safe `on_progress(done, total)` for the services."""

        def report(done: int, total: int | None = None, *_: Any) -> None:
            if self.cancel.is_set():
                raise Cancelled(f"{self.title} was cancelled")
            if self.token is None:
                return
            pct = int(100 * done / total) if total else None
            if pct is not None and pct == self._last:
                return
            self._last = pct if pct is not None else self._last
            message = f"{done}/{total}" if total else f"{done}"
            self._loop.call_soon_threadsafe(
                self.ls.work_done_progress.report,
                self.token,
                types.WorkDoneProgressReport(message=message, percentage=pct, cancellable=True),
            )

        return report

    def report_message(self, message: str) -> None:
        """Thread-safe free-text report: a streamed answer growing in the editor."""
        if self.token is not None:
            self._loop.call_soon_threadsafe(
                self.ls.work_done_progress.report,
                self.token,
                types.WorkDoneProgressReport(message=message, cancellable=True),
            )

    def end(self, message: str) -> None:
        if self.token is not None:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))


async def run_with_progress(
    ls: PiecesServer,
    args: dict[str, Any],
    title: str,
    work: Callable[[Callable[..., None]], T],
) -> T:
    """Run long work with work-done progress; `work` gets the `on_progress` callback. A
    `$/cancelRequest` or a progress cancel stops it at its next step."""
    progress = await Progress.start(ls, args, title)
    report = progress.callback()
    try:
        return await ls.run(lambda: work(report))
    except asyncio.CancelledError:
        progress.cancel.set()
        raise
    finally:
        progress.end("cancelled" if progress.cancel.is_set() else "done")
