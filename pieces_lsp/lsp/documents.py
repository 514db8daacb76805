"""Snippets as documents: open one as a file in the profile's folder, save it to update the
snippet, hover it to see its metadata; workspace/symbol results point at these files."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types

from pieces_lsp.analysis.languages import extension_for
from pieces_lsp.args import req_str, single_object
from pieces_lsp.lsp.convert import uri_path
from pieces_lsp.lsp.errors import clean_errors
from pieces_lsp.lsp.state import PiecesServer
from pieces_lsp.model import Snippet, SnippetPatch
from pieces_lsp.portability.markdown import slug

log = logging.getLogger(__name__)
INDEX = ".index.json"


def snippets_dir(ls: PiecesServer) -> Path:
    return ls.services.config.paths.profile_dir / "snippets"


def _index(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def materialise(ls: PiecesServer, snippet: Snippet) -> Path:
    """Write the snippet to `snippets/<slug>.<ext>` (its own name; `-<id8>` only when two
    snippets share a title) and remember which file is which snippet."""
    folder = snippets_dir(ls)
    folder.mkdir(parents=True, exist_ok=True)
    index = _index(folder)
    name = next((n for n, sid in index.items() if sid == snippet.id), None)
    if name is None:
        base = slug(snippet.title) or "snippet"
        ext = extension_for(snippet.language)
        name = f"{base}{ext}"
        if name in index or (folder / name).exists():
            name = f"{base}-{snippet.id[:8]}{ext}"
        index[name] = snippet.id
        (folder / INDEX).write_text(json.dumps(index, indent=1), encoding="utf-8")
    path = folder / name
    try:
        current = path.read_text(encoding="utf-8")
    except OSError:
        current = None
    if current != snippet.content:
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write(snippet.content)
    return path


def snippet_id_for(ls: PiecesServer, uri: str) -> str | None:
    path = uri_path(uri)
    folder = snippets_dir(ls)
    if path is None or path.parent != folder:
        return None
    return _index(folder).get(path.name)


def register(server: PiecesServer) -> None:
    @server.command("pieces.snippet.open")
    @clean_errors
    async def open_snippet(ls: PiecesServer, *args: Any) -> dict[str, Any]:
        sid = req_str(single_object(args), "id")
        snippet = await ls.run(lambda: ls.services.library.get(sid))
        path = await ls.run(lambda: materialise(ls, snippet))
        uri = path.as_uri()
        shown = False
        if ls.show_document_support:
            result = await ls.window_show_document_async(
                types.ShowDocumentParams(uri=uri, take_focus=True)
            )
            shown = bool(result and result.success)
        return {"uri": uri, "shown": shown}

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: PiecesServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        sid = snippet_id_for(ls, uri)
        if sid is None:
            return
        doc = ls.workspace.text_documents.get(uri)
        text = params.text if params.text is not None else (doc.source if doc else None)
        if text is None or not text.strip():
            return
        try:
            await ls.run(lambda: ls.services.library.update(sid, SnippetPatch(content=text)))
        except Exception as exc:
            ls.warn(f"the snippet was not updated: {exc}")

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: PiecesServer, params: types.HoverParams) -> types.Hover | None:
        sid = snippet_id_for(ls, params.text_document.uri)
        if sid is None:
            return None
        try:
            s = await ls.run(lambda: ls.services.library.get(sid))
        except Exception:
            return None
        lines = [f"**{s.title}** ({s.language})"]
        if s.description:
            lines.append(s.description)
        if s.tags:
            lines.append("tags: " + ", ".join(s.tags))
        if s.frameworks:
            lines.append("frameworks: " + ", ".join(s.frameworks))
        docs = [*s.links[:3], *(r["url"] for r in s.related_links[:3])]
        if docs:
            lines.append("links: " + ", ".join(f"<{u}>" for u in dict.fromkeys(docs)))
        if s.secrets:
            lines.append(
                "secrets: " + ", ".join(f"{f.rule} (line {f.line + 1})" for f in s.secrets)
            )
        lines.append(
            f"saved {s.created_at:%Y-%m-%d}, updated {s.updated_at:%Y-%m-%d %H:%M}, "
            f"inserted {s.inserted_count}x"
        )
        if s.source.uri:
            lines.append(f"from {s.source.uri}")
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(lines))
        )

    @server.feature(types.WORKSPACE_SYMBOL)
    async def symbols(
        ls: PiecesServer, params: types.WorkspaceSymbolParams
    ) -> list[types.SymbolInformation] | None:
        query = params.query.strip()

        def find() -> list[types.SymbolInformation]:
            library = ls.services.library
            if query:
                ids = [h.id for h in ls.services.search.search(query, limit=50)]
                found = [library.get(i) for i in ids]
            else:
                found = library.list().items
            out = []
            for s in found:
                path = materialise(ls, s)
                out.append(
                    types.SymbolInformation(
                        name=s.title,
                        kind=types.SymbolKind.Function,
                        container_name=" ".join([s.language, *s.tags[:3]]),
                        location=types.Location(
                            uri=path.as_uri(),
                            range=types.Range(
                                start=types.Position(line=0, character=0),
                                end=types.Position(line=0, character=0),
                            ),
                        ),
                    )
                )
            return out

        return await ls.run(find) or None
