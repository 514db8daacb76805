"""The MCP server: the tool table of tools.py on the SDK's low-level `Server`, over stdio.

Why the low-level `Server` rather than `MCPServer`: `MCPServer` derives schemas from function
signatures and validates arguments with pydantic, whose error text quotes the rejected input
back to the caller, and a rejected `save_snippet` call quotes the code. Here the schemas are
written out for agents to read (tools.py), and every failure reaches the agent as a tool
error with our own one-line message: a domain error's text, or the name of an unexpected
exception's type. Never a traceback, never snippet content.

Service calls block (DuckDB, the file lock, the analysis worker), so they run in a worker
thread, one at a time like the language server's (the services build themselves lazily and
are not meant to be entered twice at once); the event loop stays free to read stdin.
"""

from __future__ import annotations

import functools
import io
import json
import logging
from typing import Any, BinaryIO

import anyio
import anyio.to_thread
import mcp.types as types
from mcp.server import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

from pieces_lsp import __version__
from pieces_lsp.app import Services
from pieces_lsp.errors import PiecesError
from pieces_lsp.mcp.tools import TOOLS, ToolSpec

log = logging.getLogger(__name__)

SERVER_NAME = "pieces-lsp"
INSTRUCTIONS = (
    "The user's local library of saved code snippets (the same one their editor uses). "
    "Search it before writing code the user may already have; fetch a result for its full "
    "code; save code worth keeping. Secrets in anything returned read <redacted:RULE>."
)


def _listing(spec: ToolSpec) -> types.Tool:
    return types.Tool(
        name=spec.name,
        title=spec.title,
        description=spec.description,
        input_schema=spec.input_schema,
        output_schema=spec.output_schema,
        annotations=types.ToolAnnotations(
            title=spec.title,
            read_only_hint=spec.read_only,
            destructive_hint=False,
            idempotent_hint=True,  # saving the same code twice returns the first snippet
            open_world_hint=False,  # the library is local; nothing reaches the network
        ),
    )


def _failure(message: str) -> types.CallToolResult:
    """A tool error the model reads and can correct; the first line only, like the CLI."""
    line = message.splitlines()[0] if message else "failed"
    return types.CallToolResult(content=[types.TextContent(type="text", text=line)], is_error=True)


def _success(data: dict[str, Any]) -> types.CallToolResult:
    """Structured content for clients that read the output schema, and the same JSON as text
    for those that only show text."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], structured_content=data
    )


def build_server(services: Services) -> Server[Any]:
    """The server for one library; `serve_stdio` runs it, tests may also connect in-process."""
    specs = {spec.name: spec for spec in TOOLS}
    listing = types.ListToolsResult(tools=[_listing(spec) for spec in TOOLS])
    one_at_a_time = anyio.CapacityLimiter(1)

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return listing

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        spec = specs.get(params.name)
        if spec is None:
            # Not a tool failure but a wrong request: a protocol error, as the spec asks.
            raise MCPError(
                code=types.INVALID_PARAMS,
                message=f"unknown tool {params.name!r}; the tools are {', '.join(specs)}",
            )
        run = functools.partial(spec.run, services, params.arguments or {})
        try:
            data = await anyio.to_thread.run_sync(run, limiter=one_at_a_time)
        except PiecesError as exc:
            log.info("%s refused: %s", spec.name, type(exc).__name__)
            return _failure(exc.message)
        except Exception as exc:
            # Its text may quote user data: only the type goes to the agent and the log.
            log.error("%s failed: internal error %s", spec.name, type(exc).__name__)
            log.debug("%s traceback", spec.name, exc_info=exc)
            return _failure(f"internal error ({type(exc).__name__}); see the server log")
        return _success(data)

    return Server(
        SERVER_NAME,
        version=__version__,
        title="Pieces snippets",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def _run(server: Server[Any], wire_in: BinaryIO, wire_out: BinaryIO) -> None:
    # Explicit streams: the process's own stdin/stdout are no longer the wire (stdio.py).
    stdin = anyio.wrap_file(io.TextIOWrapper(wire_in, encoding="utf-8", errors="replace"))
    stdout = anyio.wrap_file(io.TextIOWrapper(wire_out, encoding="utf-8", newline="\n"))
    async with stdio_server(stdin=stdin, stdout=stdout) as (read_stream, write_stream):
        # Returns when the client closes our stdin (end of input): a clean exit.
        await server.run(read_stream, write_stream, server.create_initialization_options())


def serve(services: Services, wire_in: BinaryIO, wire_out: BinaryIO) -> None:
    """Serve until stdin closes."""
    anyio.run(_run, build_server(services), wire_in, wire_out)
