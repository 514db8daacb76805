"""`pieces-lsp`: with no arguments the stdio language server (what editors launch); with a
subcommand, a tool for humans. Both build the same services (see app.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from pieces_lsp.cli.parser import SUBCOMMANDS

    wants_cli = any(a in SUBCOMMANDS or a in ("-h", "--help", "--version") for a in args)
    if not wants_cli or args[0] == "serve":
        return _serve([a for a in args if a != "serve"])
    from pieces_lsp.cli.app import run

    return run(args)


def _serve(rest: list[str]) -> int:
    # Keep the real stdout for the protocol before anything can print to it.
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    if rest:
        import os

        from pieces_lsp.cli.parser import parse_serve_flags

        flags = parse_serve_flags(rest)
        if flags.home:
            os.environ["PIECES_LSP_HOME"] = flags.home
        if flags.profile:
            os.environ["PIECES_LSP_PROFILE"] = flags.profile
    from pieces_lsp.logs import setup_logging

    setup_logging()
    if sys.stdin.isatty():
        print(
            "pieces-lsp: language server on stdin/stdout (editors launch this); "
            "run `pieces-lsp --help` for the command line.",
            file=sys.stderr,
        )
    from pieces_lsp.lsp.server import serve_stdio

    serve_stdio(protocol_out)
    return 0
