"""`workspace/executeCommand` handlers for the snippet library.

Each handler validates its one object argument, runs the service call in the server's worker
pool (DuckDB work must not block the event loop that reads stdin) and returns plain JSON.
"""

from __future__ import annotations

from typing import Any

from pieces_lsp.errors import ValidationError
from pieces_lsp.lsp.args import opt_int, opt_str, opt_str_list, req_str, single_object
from pieces_lsp.lsp.errors import clean_errors
from pieces_lsp.lsp.state import PiecesServer
from pieces_lsp.model import ListQuery, SnippetDraft


def register(server: PiecesServer) -> None:
    @server.command("pieces.library.stats")
    @clean_errors
    async def stats(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        single_object(args)
        result = await ls.run(lambda: ls.services.library.stats())
        d = result.to_dict()
        return {k: d[k] for k in ("snippets", "profile", "path", "bytes")} | d

    @server.command("pieces.snippet.save")
    @clean_errors
    async def save(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        content = obj.get("content")
        if content is None:
            raise ValidationError("content", "is required")
        draft = SnippetDraft(
            content=content,
            title=opt_str(obj, "title"),
            description=opt_str(obj, "description"),
            language=opt_str(obj, "language"),
            tags=opt_str_list(obj, "tags") or [],
        )
        result = await ls.run(lambda: ls.services.library.save(draft))
        return result.snippet.to_dict() | {"created": result.created}

    @server.command("pieces.snippet.get")
    @clean_errors
    async def get(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        sid = req_str(single_object(args), "id")
        snippet = await ls.run(lambda: ls.services.library.get(sid))
        return snippet.to_dict()

    @server.command("pieces.snippet.delete")
    @clean_errors
    async def delete(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        sid = req_str(single_object(args), "id")
        await ls.run(lambda: ls.services.library.delete(sid))
        return {"deleted": True}

    @server.command("pieces.snippet.list")
    @clean_errors
    async def list_(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        query = ListQuery(
            language=opt_str(obj, "language"),
            tag=opt_str(obj, "tag"),
            limit=opt_int(obj, "limit", 50, 0, 10_000),
            offset=opt_int(obj, "offset", 0, 0, 10**9),
        )
        page = await ls.run(lambda: ls.services.library.list(query))
        return {"items": [s.to_dict() for s in page.items], "total": page.total}
