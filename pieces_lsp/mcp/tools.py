"""The three MCP tools as plain functions: check the arguments, call the services, shape and
redact the answer. No SDK here, so the rules can be read (and tested) without a server.

Everything a tool returns lands in a model's context window, and the model may run anywhere.
So every string taken from the library (titles, descriptions, tags, links, code, previews,
search explanations) goes through the secrets engine on the way out, and a snippet's source
(a path on the user's machine, a git remote) is not returned at all. The library itself keeps
what was saved verbatim: it is local, and the user's editor shows the real code.

Argument errors are our own one-line `field: problem` messages (the rules of the editor's
commands, see lsp/args.py): a message never quotes the value it rejects, which could be code.
Unknown fields are ignored, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pieces_lsp import secrets
from pieces_lsp.args import opt_int, opt_str, opt_str_list, req_str
from pieces_lsp.errors import ValidationError
from pieces_lsp.model import MAX_CONTENT_BYTES, Snippet, SnippetDraft, Source, validate_content
from pieces_lsp.search.service import MAX_QUERY_CHARS

if TYPE_CHECKING:
    from pieces_lsp.app import Services
    from pieces_lsp.search.hits import SearchHit

DEFAULT_SEARCH_LIMIT = 10
MAX_SEARCH_LIMIT = 50
"""An agent's context window is the budget: ten previews answer most questions, fifty is
already a lot of tokens."""

Args = Mapping[str, Any]
Result = dict[str, Any]

# -- arguments (the shared checks of pieces_lsp.args, with a model's habits allowed for) ---------


def _opt_str(args: Args, name: str) -> str | None:
    """Models often send "" for "not given": treat it as absent rather than fail the call."""
    value = opt_str(args, name)
    return (value.strip() or None) if value is not None else None


def _opt_str_list(args: Args, name: str) -> list[str]:
    return opt_str_list(args, name) or []


# -- redacted views ------------------------------------------------------------------------------


def _redacted_code(snippet: Snippet) -> tuple[str, list[dict[str, Any]]]:
    """The code with each secret replaced by `<redacted:RULE>`, and where the markers are.

    One scan serves both, read in the snippet's language as export --redact reads it, so the
    list names exactly what was hidden, whatever rules the snippet was saved under."""
    matches = secrets.find(snippet.content, None, snippet.language)
    found = [{"rule": m.rule, "line": m.line + 1} for m in matches]
    return secrets.redact(snippet.content, matches), found


def _clean(text: str) -> str:
    return secrets.redact(text)


def _hit(hit: SearchHit) -> Result:
    return {
        "id": hit.id,
        "title": _clean(hit.title),
        "language": hit.language,
        "tags": [_clean(t) for t in hit.tags],
        "score": round(hit.score, 4),
        "why": _clean(hit.why),
        # Already redacted by search (hits.make_preview); redacting twice is a no-op.
        "preview": _clean(hit.preview),
    }


def _snippet(snippet: Snippet) -> Result:
    content, found = _redacted_code(snippet)
    times = snippet.to_dict()
    return {
        "id": snippet.id,
        "title": _clean(snippet.title),
        "description": _clean(snippet.description),
        "language": snippet.language,
        "kind": snippet.kind,
        "frameworks": list(snippet.frameworks),
        "tags": [_clean(t) for t in snippet.tags],
        "content": content,
        "links": [_clean(link) for link in snippet.links],
        "secrets": found,
        "created_at": times["created_at"],
        "updated_at": times["updated_at"],
    }


# -- the tools -----------------------------------------------------------------------------------


def search_snippets(services: Services, args: Args) -> Result:
    """The hybrid search the editor's quick pick runs, so agents and the user see one ranking."""
    query = req_str(args, "query")
    limit = opt_int(args, "limit", DEFAULT_SEARCH_LIMIT, 1, MAX_SEARCH_LIMIT)
    language = _opt_str(args, "language")
    tags = _opt_str_list(args, "tags")
    hits = services.search.search(query, limit=limit, mode="hybrid", language=language, tags=tags)
    return {"results": [_hit(h) for h in hits]}


def get_snippet(services: Services, args: Args) -> Result:
    return _snippet(services.library.get(req_str(args, "id")))


def save_snippet(services: Services, args: Args) -> Result:
    """Save as the editor's `pieces.snippet.save {content}` does: the library enriches what is
    not given, and saving known code returns the snippet already there (created=false)."""
    if args.get("content") is None:
        raise ValidationError("content", "is required")
    content = validate_content(args["content"])
    filename = _opt_str(args, "filename")
    draft = SnippetDraft(
        content=content,
        title=_opt_str(args, "title"),
        description=_opt_str(args, "description"),
        language=_opt_str(args, "language"),
        tags=_opt_str_list(args, "tags"),
        # The file name is what enrichment reads the language (and config-file secret rules)
        # from, and tells the user later where the code came from.
        source=Source(uri=filename),
    )
    result = services.library.save(draft)
    s = result.snippet
    _, found = _redacted_code(s)
    return {
        "id": s.id,
        "title": _clean(s.title),
        "language": s.language,
        "tags": [_clean(t) for t in s.tags],
        "created": result.created,
        "secrets": found,
    }


# -- schemas (what agents read to call the tools) ------------------------------------------------

_STR = {"type": "string"}
_TAGS = {"type": "array", "items": _STR}
_SECRETS = {
    "type": "array",
    "description": "Secrets found in the code, by detection rule and 1-based line; the values "
    "are never returned (they read <redacted:RULE> in the code).",
    "items": {
        "type": "object",
        "properties": {"rule": _STR, "line": {"type": "integer", "minimum": 1}},
        "required": ["rule", "line"],
    },
}
_LANGUAGE_IDS = (
    "a language id as editors name them: python, javascript, typescript, go, rust, java, c, "
    "cpp, csharp, ruby, php, shellscript, sql, yaml, json, ..."
)

SEARCH_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_QUERY_CHARS,
            "description": "What the code does, or words from it: 'retry with exponential "
            "backoff', 'parse csv into dicts', 'useDebounce'. Typos are tolerated.",
        },
        "limit": {
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_SEARCH_LIMIT,
            "default": DEFAULT_SEARCH_LIMIT,
            "description": "Most results to return, best first.",
        },
        "language": {
            "type": "string",
            "description": f"Only snippets in this language: {_LANGUAGE_IDS}.",
        },
        "tags": _TAGS | {"description": "Only snippets that carry every one of these tags."},
    },
    "required": ["query"],
}
SEARCH_OUTPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": _STR,
                    "title": _STR,
                    "language": _STR,
                    "tags": _TAGS,
                    "score": {"type": "number", "description": "0..1, higher is better"},
                    "why": {"type": "string", "description": "why this snippet matched"},
                    "preview": {"type": "string", "description": "the first lines of the code"},
                },
                "required": ["id", "title", "language", "tags", "score", "why", "preview"],
            },
        }
    },
    "required": ["results"],
}

GET_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {
            "type": "string",
            "description": "The snippet's id (a UUID) from search_snippets or save_snippet.",
        }
    },
    "required": ["id"],
}
GET_OUTPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _STR,
        "title": _STR,
        "description": _STR,
        "language": _STR,
        "kind": {"type": "string", "enum": ["code", "prose", "mixed"]},
        "frameworks": _TAGS,
        "tags": _TAGS,
        "content": {"type": "string", "description": "the code, secrets redacted"},
        "links": _TAGS | {"description": "URLs found in the snippet"},
        "secrets": _SECRETS,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "title", "description", "language", "tags", "content", "secrets"],
}

SAVE_INPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "content": {
            "type": "string",
            "minLength": 1,
            "description": f"The code (or text) to save, verbatim; at most "
            f"{MAX_CONTENT_BYTES // 1024} KiB of UTF-8.",
        },
        "title": {
            "type": "string",
            "description": "A short title; inferred from the code (docstring, definition name) "
            "when left out.",
        },
        "description": {
            "type": "string",
            "description": "What the code does and when to use it; inferred when left out.",
        },
        "language": {
            "type": "string",
            "description": f"The code's language, {_LANGUAGE_IDS}; detected from the filename "
            "or the code when left out.",
        },
        "tags": _TAGS
        | {"description": "Tags to file it under (lower-cased); more are inferred from the code."},
        "filename": {
            "type": "string",
            "description": "The file the code comes from (a name or a path), if any: it tells "
            "the language and is kept as where the snippet came from.",
        },
    },
    "required": ["content"],
}
SAVE_OUTPUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _STR,
        "title": _STR,
        "language": _STR,
        "tags": _TAGS,
        "created": {
            "type": "boolean",
            "description": "false when the same code was already saved: that snippet is "
            "returned and nothing changes",
        },
        "secrets": _SECRETS,
    },
    "required": ["id", "title", "language", "tags", "created", "secrets"],
}


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One tool as the protocol lists it, and the function that runs it (in a worker thread:
    every one of them may wait on the library's file lock)."""

    name: str
    title: str
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    read_only: bool
    run: Callable[[Services, Args], Result]


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        name="search_snippets",
        title="Search saved snippets",
        description="Search the user's local library of saved code snippets, by meaning and by "
        "words (titles, descriptions, tags and code), best match first. Use it before writing "
        "code the user may already have saved. Returns short previews: call get_snippet with a "
        "result's id for the whole snippet. Secrets in the results read <redacted:RULE>.",
        input_schema=SEARCH_INPUT,
        output_schema=SEARCH_OUTPUT,
        read_only=True,
        run=search_snippets,
    ),
    ToolSpec(
        name="get_snippet",
        title="Get a saved snippet",
        description="Fetch one saved snippet by id: its code, title, description, language, "
        "tags and dates. Secrets in it (API keys, tokens, passwords) read <redacted:RULE>, and "
        "`secrets` lists each one's rule and line; the user's own copy keeps the real values.",
        input_schema=GET_INPUT,
        output_schema=GET_OUTPUT,
        read_only=True,
        run=get_snippet,
    ),
    ToolSpec(
        name="save_snippet",
        title="Save a snippet",
        description="Save code (or a note) to the user's local snippet library, where the user "
        "and later searches will find it. Title, description, language and tags are inferred "
        "on this machine when not given. Saving code that is already saved returns the "
        "existing snippet with created=false. The code is stored as given, on this machine "
        "only; secrets found in it are reported in `secrets` by rule and line (tell the user), "
        "never by value.",
        input_schema=SAVE_INPUT,
        output_schema=SAVE_OUTPUT,
        read_only=False,
        run=save_snippet,
    ),
)
