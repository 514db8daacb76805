"""Code actions: save the selection, find similar snippets, and the secret quick fix."""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from pieces_lsp import secrets
from pieces_lsp.analysis import envfix
from pieces_lsp.lsp.diagnostics import SOURCE, find_in
from pieces_lsp.lsp.state import PiecesServer
from pieces_lsp.secrets.allow import line_marker_comment

_IMPORT_OS = re.compile(r"^\s*(import os\b|from os import)", re.MULTILINE)


def _range_json(rng: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }


def _secret_fixes(
    ls: PiecesServer, uri: str, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    doc = ls.workspace.text_documents.get(uri)
    if doc is None or diagnostic.source != SOURCE:
        return []
    start = doc.offset_at_position(diagnostic.range.start)
    end = doc.offset_at_position(diagnostic.range.end)
    # The document may have changed since the diagnostic: re-find the secret at that place.
    match = next((m for m in find_in(doc) if m.start == start and m.end == end), None)
    if match is None:
        return []
    return [
        a for a in (_env_fix(doc, uri, diagnostic, match), _allow_fix(doc, uri, diagnostic)) if a
    ]


def _allow_fix(doc: Any, uri: str, diagnostic: types.Diagnostic) -> types.CodeAction | None:
    """A false positive: say so in the code, where the next reader (and scan) sees it."""
    comment = line_marker_comment(doc.language_id)
    if comment is None:
        return None
    line = diagnostic.range.start.line
    text = doc.lines[line].rstrip("\r\n") if line < len(doc.lines) else ""
    line_start = doc.offset_at_position(types.Position(line=line, character=0))
    end = doc.client_position_at_offset(line_start + len(text))
    return types.CodeAction(
        title="Not a secret: allow this line (pieces:allow-secret)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(
            changes={
                uri: [
                    types.TextEdit(range=types.Range(start=end, end=end), new_text=f"  {comment}")
                ]
            }
        ),
    )


def _env_fix(
    doc: Any, uri: str, diagnostic: types.Diagnostic, match: secrets.Match
) -> types.CodeAction | None:
    text = doc.source
    start, end = match.start, match.end
    span = envfix.literal_span(text, start, end)
    if span is None:
        return None
    line_start = text.rfind("\n", 0, span[0]) + 1
    name = envfix.env_name(text[line_start : span[0]], match.rule)
    lookup = envfix.env_lookup(doc.language_id or "", name)
    if lookup is None:
        return None
    edits = [
        types.TextEdit(
            range=types.Range(
                start=doc.client_position_at_offset(span[0]),
                end=doc.client_position_at_offset(span[1]),
            ),
            new_text=lookup,
        )
    ]
    if doc.language_id == "python" and not _IMPORT_OS.search(text):
        origin = types.Position(line=0, character=0)
        edits.insert(
            0, types.TextEdit(range=types.Range(start=origin, end=origin), new_text="import os\n")
        )
    return types.CodeAction(
        title=f"Read the secret from the environment ({name})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=True,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


def register(server: PiecesServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.Refactor]
        ),
    )
    def code_actions(
        ls: PiecesServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        actions: list[types.CodeAction] = []
        for diagnostic in params.context.diagnostics:
            actions.extend(_secret_fixes(ls, uri, diagnostic))
        rng = params.range
        if (rng.start.line, rng.start.character) != (rng.end.line, rng.end.character):
            selection = {"uri": uri, "range": _range_json(rng)}
            for title, name, arg in (
                ("Save selection as snippet", "pieces.snippet.save", selection),
                ("Find similar snippets", "pieces.snippet.similar", {**selection, "show": True}),
            ):
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.Refactor,
                        command=types.Command(title=title, command=name, arguments=[arg]),
                    )
                )
        return actions or None
