"""Turn a `{uri, range}` or `{content}` argument into a SnippetDraft.

The selection may be in an open document (the editor's unsaved text wins), a file on disk that
is not open, or an `untitled:` buffer that only exists in the editor.
"""

from __future__ import annotations

from typing import Any

from pieces_lsp.analysis.git import git_origin
from pieces_lsp.analysis.languages import language_from_path
from pieces_lsp.args import opt_str, opt_str_list
from pieces_lsp.errors import ValidationError
from pieces_lsp.lsp.convert import range_arg, uri_path
from pieces_lsp.lsp.state import PiecesServer
from pieces_lsp.model import SnippetDraft, Source


def selection_text(ls: PiecesServer, uri: str, rng: Any) -> tuple[str, str | None]:
    """(text, languageId) of a range in a document."""
    doc = ls.workspace.text_documents.get(uri)
    if doc is None:
        path = uri_path(uri)
        if path is None or not path.is_file():
            raise ValidationError("uri", "is neither an open document nor a readable file")
        doc = ls.workspace.get_text_document(uri)
    try:
        text = doc.text_in_client_range(rng) if rng is not None else doc.source
    except (OSError, UnicodeDecodeError):
        raise ValidationError("uri", "cannot be read as UTF-8 text") from None
    return text, doc.language_id


def draft_from_args(ls: PiecesServer, obj: dict[str, Any]) -> SnippetDraft:
    uri = opt_str(obj, "uri")
    content = obj.get("content")
    source = Source()
    language = opt_str(obj, "language")
    if uri:
        rng = range_arg(obj["range"]) if obj.get("range") is not None else None
        content, language_id = selection_text(ls, uri, rng)
        source.uri = uri
        if rng is not None:
            source.start_line, source.start_character = rng.start.line, rng.start.character
            source.end_line, source.end_character = rng.end.line, rng.end.character
        path = uri_path(uri)
        if path is not None:
            source.git_remote, source.git_commit = git_origin(path.parent)
        language = language or language_id or language_from_path(uri)
    elif content is None:
        raise ValidationError("content", "is required (or give uri and range)")
    elif not isinstance(content, str):
        raise ValidationError("content", "must be a string")
    return SnippetDraft(
        content=content,
        title=opt_str(obj, "title"),
        description=opt_str(obj, "description"),
        language=language,
        tags=opt_str_list(obj, "tags") or [],
        source=source,
        workspace=workspace_root(ls),
    )


def workspace_root(ls: PiecesServer) -> str | None:
    """The first workspace folder's path (related links read its node_modules), if any."""
    try:
        root = ls.workspace.root_path
    except Exception:
        return None
    return root or None
