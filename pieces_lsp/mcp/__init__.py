"""`pieces-lsp mcp`: the snippet library served to local AI agents over the Model Context
Protocol (stdio), next to the editor front end (`lsp/`) and the human one (`cli/`).

The only package that imports the `mcp` SDK, and only when `pieces-lsp mcp` runs: `tools.py`
is plain Python (argument checks, service calls, redaction), `server.py` wires it to the SDK.

Name clash: this package is `pieces_lsp.mcp`, the SDK is the top-level `mcp`. Imports are
absolute in Python 3, so `import mcp...` inside this package means the SDK (unless someone puts
the `pieces_lsp` folder itself on `sys.path`, e.g. `python -m` run from inside it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pieces_lsp.app import Services


def serve_stdio(services: Services) -> int:
    """Run the MCP server on stdin/stdout until stdin closes; the exit code.

    The wire is taken before the SDK is imported, so nothing printed while it loads (or
    later, by any library) can reach the client."""
    import sys

    from pieces_lsp.mcp.stdio import claim_stdio

    if sys.stdin.isatty():
        sys.stderr.write(
            "pieces-lsp mcp: Model Context Protocol server on stdin/stdout (AI agents launch "
            "this; see `pieces-lsp mcp --help`).\n"
        )
    wire_in, wire_out = claim_stdio()
    from pieces_lsp.mcp.server import serve

    serve(services, wire_in, wire_out)
    return 0
