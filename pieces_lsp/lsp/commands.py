"""`workspace/executeCommand` handlers.

Each handler validates its one object argument, runs the service call in the worker pool
(DuckDB work must not block the event loop that reads stdin) and returns plain JSON.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from pieces_lsp.args import opt_int, opt_str, opt_str_list, req_str, single_object
from pieces_lsp.errors import PiecesError, ValidationError
from pieces_lsp.lsp.convert import as_plain_text, path_arg, position_arg, range_arg
from pieces_lsp.lsp.errors import clean_command
from pieces_lsp.lsp.progress import run_with_progress
from pieces_lsp.lsp.selection import draft_from_args, selection_text, workspace_root
from pieces_lsp.lsp.state import PiecesServer
from pieces_lsp.model import ListQuery, SnippetPatch, validate_content

log = logging.getLogger(__name__)


def _opt_bool(obj: dict[str, Any], name: str) -> bool:
    value = obj.get(name, False)
    if not isinstance(value, bool):
        raise ValidationError(name, "must be true or false")
    return value


def register(server: PiecesServer) -> None:
    def command(name: str):  # type: ignore[no-untyped-def]
        return clean_command(server, name)

    @command("pieces.library.stats")
    async def stats(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        single_object(args)
        return (await ls.run(lambda: ls.services.library.stats())).to_dict()

    @command("pieces.snippet.save")
    async def save(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        draft = draft_from_args(ls, single_object(args))
        result = await ls.run(lambda: ls.services.library.save(draft))
        extra: dict[str, Any] = {
            "created": result.created,
            "suggested_tags": result.suggested_tags,
            "project_frameworks": result.analysis.project_frameworks if result.analysis else [],
            "similar": [],
        }
        if result.created:
            sid = result.snippet.id
            try:
                alike = await ls.run(lambda: ls.services.search.like_new(sid))
                extra["similar"] = [h.to_dict() for h in alike]
            except PiecesError as exc:  # the save succeeded; similarity is a bonus
                log.info("similar-on-save skipped: %s", type(exc).__name__)
        if result.analysis is not None:
            a = result.analysis
            extra["enrichment"] = {
                "language_confidence": round(a.language_confidence, 4),
                "language_source": a.language_source,
                "code_share": round(a.code_share, 4),
                "imports": a.imports,
                "elapsed_ms": round(a.elapsed_ms, 2),
                "degraded": a.failed,
            }
        return result.snippet.to_dict() | extra

    @command("pieces.analyze")
    async def analyze(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        filename = opt_str(obj, "filename")
        language_id = opt_str(obj, "languageId")
        uri = opt_str(obj, "uri")
        if uri and "content" not in obj:
            # A preview of a selection: the editor need not send the text it already sent us.
            rng = range_arg(obj["range"]) if obj.get("range") is not None else None
            text, doc_language = selection_text(ls, uri, rng)
            language_id = language_id or doc_language
            filename = filename or uri
        elif "content" not in obj:
            raise ValidationError("content", "is required (or give uri and range)")
        else:
            text = obj["content"]
        content = validate_content(text)
        workspace = workspace_root(ls)
        result = await ls.run(
            lambda: ls.services.enricher.enrich(
                content, language=language_id, uri=filename, workspace=workspace
            )
        )
        return result.to_dict()

    @command("pieces.snippet.get")
    async def get(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        sid = req_str(single_object(args), "id")
        return (await ls.run(lambda: ls.services.library.get(sid))).to_dict()

    @command("pieces.snippet.update")
    async def update(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        sid = req_str(obj, "id")
        patch = SnippetPatch(
            title=opt_str(obj, "title"),
            description=opt_str(obj, "description"),
            tags=opt_str_list(obj, "tags"),
            content=opt_str(obj, "content"),
            language=opt_str(obj, "language"),
        )
        return (await ls.run(lambda: ls.services.library.update(sid, patch))).to_dict()

    @command("pieces.snippet.delete")
    async def delete(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        sid = req_str(single_object(args), "id")
        await ls.run(lambda: ls.services.library.delete(sid))
        return {"deleted": True}

    @command("pieces.snippet.list")
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

    @command("pieces.snippet.insert")
    async def insert(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        sid = req_str(obj, "id")
        uri = req_str(obj, "uri")
        position = position_arg(obj.get("position"))
        snippet = await ls.run(lambda: ls.services.library.get(sid))
        edit = types.WorkspaceEdit(
            changes={
                uri: [
                    types.TextEdit(
                        range=types.Range(start=position, end=position),
                        new_text=as_plain_text(snippet.content),
                    )
                ]
            }
        )
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=f"Insert snippet: {snippet.title}")
        )
        if result.applied:
            await ls.run(lambda: ls.services.library.record_use(sid))
        return {"applied": bool(result.applied), "id": sid}

    @command("pieces.snippet.used")
    async def used(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        """Sent by the client after a completion item was accepted."""
        sid = req_str(single_object(args), "id")
        snippet = await ls.run(lambda: ls.services.library.record_use(sid))
        return {"id": sid, "inserted_count": snippet.inserted_count}

    @command("pieces.snippet.similar")
    async def similar(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        sid, content = opt_str(obj, "id"), opt_str(obj, "content")
        if obj.get("uri") is not None and not sid and content is None:
            content = draft_from_args(ls, obj).content
        if not sid and not content:
            raise ValidationError("id", "give an id, a content, or a uri and range")
        if sid:
            content = None  # an id names the snippet exactly; ignore any content sent with it
        limit = opt_int(obj, "limit", 10, 1, 100)
        hits = await ls.run(
            lambda: ls.services.search.similar(snippet_id=sid, content=content, limit=limit)
        )
        if obj.get("show") is True:  # invoked from a code action: the result has no other reader
            lines = [f"{h.title} ({h.score:.2f})" for h in hits[:5]]
            ls.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Info,
                    message="Similar snippets: " + ("; ".join(lines) if lines else "none"),
                )
            )
        return {"results": [h.to_dict() for h in hits]}

    @command("pieces.search")
    async def search(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        query = req_str(obj, "query")
        limit = opt_int(obj, "limit", 20, 1, 200)
        mode = opt_str(obj, "mode") or "hybrid"
        language = opt_str(obj, "language")
        tags = opt_str_list(obj, "tags")
        hits = await ls.run(
            lambda: ls.services.search.search(
                query, limit=limit, mode=mode, language=language, tags=tags
            )
        )
        return {"results": [h.to_dict() for h in hits]}

    @command("pieces.search.suggest")
    async def suggest(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        uri = req_str(obj, "uri")
        position = position_arg(obj.get("position"))
        doc = ls.workspace.text_documents.get(uri)
        if doc is None:
            raise ValidationError("uri", "is not an open document")
        text, language = doc.source, doc.language_id or None
        offset = doc.offset_at_position(position)
        limit = opt_int(obj, "limit", 5, 1, 10)
        found = await ls.run(lambda: ls.services.search.suggest(text, offset, language, limit))
        return {"suggestions": [s.to_dict() for s in found]}

    @command("pieces.library.export")
    async def export(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        from pieces_lsp.portability import export_library

        obj = single_object(args)
        path = path_arg(obj.get("path"))
        fmt = req_str(obj, "format")
        redact = _opt_bool(obj, "redact")
        result = await run_with_progress(
            ls,
            obj,
            "Exporting snippets",
            lambda report: export_library(
                ls.services.library, path, fmt, redact=redact, on_progress=report
            ),
        )
        return {"path": result.path, "count": result.count}

    @command("pieces.library.import")
    async def import_(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        from pieces_lsp.portability import import_path

        obj = single_object(args)
        path = path_arg(obj.get("path"))
        fmt = opt_str(obj, "format")
        result = await run_with_progress(
            ls,
            obj,
            "Importing snippets",
            lambda report: import_path(ls.services.library, path, fmt, on_progress=report),
        )
        return result.to_dict()

    @command("pieces.library.backup")
    async def backup(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        from pieces_lsp.portability.backup import write_backup

        obj = single_object(args)
        path = path_arg(obj.get("path"))
        passphrase = req_str(obj, "passphrase")
        library, profile = ls.services.library, ls.services.config.profile
        count = await run_with_progress(
            ls,
            obj,
            "Backing up snippets",
            lambda report: write_backup(
                path, library.iter_snippets(), passphrase, profile=profile, on_progress=report
            ),
        )
        return {"path": str(path), "count": count}

    @command("pieces.library.restore")
    async def restore(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        from pieces_lsp.portability.backup import restore_backup

        obj = single_object(args)
        path = path_arg(obj.get("path"))
        passphrase = req_str(obj, "passphrase")
        mode = opt_str(obj, "mode") or "merge"
        result = await run_with_progress(
            ls,
            obj,
            "Restoring snippets",
            lambda report: restore_backup(
                ls.services.library, path, passphrase, mode=mode, on_progress=report
            ),
        )
        return {"restored": result.restored, "skipped": result.skipped}

    @command("pieces.library.erase")
    async def erase(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        obj = single_object(args)
        if obj.get("confirm") != "erase":
            raise ValidationError("confirm", 'must be "erase" to erase the whole profile')
        deleted = await ls.run(lambda: ls.services.library.erase())
        return {"deleted": deleted}
