"""Completion from the library: snippets relevant to the document's language and the code
around the cursor, inserted as LSP snippets when the client supports them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.workspace.position_codec import ServerTextPosition

from pieces_lsp.lsp.convert import as_plain_text, as_snippet_text
from pieces_lsp.lsp.state import PiecesServer

if TYPE_CHECKING:
    from pieces_lsp.model import Snippet
    from pieces_lsp.search import SearchHit

CONTEXT_LINES = 12
_WORD = re.compile(r"[A-Za-z0-9_$.-]*$")


def _documentation(ls: PiecesServer, sid: str) -> types.MarkupContent | None:
    try:
        s = ls.services.library.get(sid)
    except Exception:
        return None
    fence = "```"
    while fence in s.content:
        fence += "`"
    parts = [f"**{s.title}**"]
    if s.description:
        parts.append(s.description)
    if s.tags:
        parts.append("tags: " + ", ".join(f"`{t}`" for t in s.tags))
    if s.template and "${" in s.template:
        parts.append("inserts with tab stops for the parts that change between uses")
    preview = "\n".join(s.content.splitlines()[:40])
    parts.append(f"{fence}{s.language}\n{preview}\n{fence}")
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts))


def register(server: PiecesServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(resolve_provider=True, trigger_characters=[]),
    )
    async def completion(
        ls: PiecesServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        if not ls.settings.completion_enabled:
            return None
        doc = ls.workspace.text_documents.get(params.text_document.uri)
        if doc is None:
            return None
        pos = doc.position_from_client_units(params.position)
        lines = doc.lines
        if pos.line >= len(lines):
            return None
        current = lines[pos.line][: pos.character]
        word = _WORD.search(current)
        prefix = word.group(0) if word else ""
        before = lines[max(0, pos.line - CONTEXT_LINES) : pos.line]
        context = "".join(before) + current
        if ls.services.search.busy():
            # The index is still being built (first seconds after start-up on a big library):
            # the client asks again on the next keystroke.
            return types.CompletionList(is_incomplete=True, items=[])
        language = doc.language_id
        limit = ls.settings.completion_max_items

        def find() -> list[tuple[SearchHit, Snippet]]:
            found = ls.services.search.complete(language=language, context=context, limit=limit)
            return [(h, ls.services.library.get(h.id)) for h in found]

        hits = await ls.run(find)
        start = doc.position_to_client_units(
            ServerTextPosition(pos.line, pos.character - len(prefix))
        )
        edit_range = types.Range(start=start, end=params.position)
        snippets = ls.snippet_support
        items = []
        for rank, (hit, snippet) in enumerate(hits):
            # With snippet support, the derived template gives the user tab stops for the parts
            # that change between uses (parameters, paths, ports).
            if snippets:
                text = snippet.template or as_snippet_text(snippet.content)
            else:
                text = as_plain_text(snippet.content)
            items.append(
                types.CompletionItem(
                    label=hit.title,
                    kind=types.CompletionItemKind.Snippet,
                    detail=" · ".join([hit.language, *hit.tags[:3]]),
                    filter_text=" ".join([prefix, hit.title, *hit.tags]) if prefix else hit.title,
                    sort_text=f"{rank:04d}",
                    insert_text_format=types.InsertTextFormat.Snippet
                    if snippets
                    else types.InsertTextFormat.PlainText,
                    text_edit=types.TextEdit(range=edit_range, new_text=text),
                    data={"id": hit.id},
                    command=types.Command(
                        title="count use", command="pieces.snippet.used", arguments=[{"id": hit.id}]
                    ),
                )
            )
        return types.CompletionList(is_incomplete=True, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def resolve(ls: PiecesServer, item: types.CompletionItem) -> types.CompletionItem:
        data = item.data if isinstance(item.data, dict) else {}
        sid = data.get("id")
        if isinstance(sid, str):
            item.documentation = await ls.run(lambda: _documentation(ls, sid))
        return item
