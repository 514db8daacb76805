"""Argument parsing for the human CLI (argparse exits with 2 on usage errors)."""

from __future__ import annotations

import argparse

from pieces_lsp import __version__

SUBCOMMANDS = frozenset(
    [
        "save",
        "analyze",
        "scan",
        "search",
        "list",
        "show",
        "delete",
        "export",
        "import",
        "backup",
        "restore",
        "erase",
        "stats",
        "doctor",
        "mcp",
        "privacy",
        "ask",
        "describe",
    ]
)


def _common(p: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """The flags work before or after the command; a subparser must not reset a value given
    before the command, hence SUPPRESS there."""
    default = argparse.SUPPRESS if sub else None
    p.add_argument(
        "--home", default=default, help="root folder of all profiles (env PIECES_LSP_HOME)"
    )
    p.add_argument(
        "--profile",
        default=default,
        help="profile name (env PIECES_LSP_PROFILE; default 'default')",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pieces-lsp",
        description="Local-first code snippets. With no command: the stdio language server.",
    )
    parser.add_argument("--version", action="version", version=f"pieces-lsp {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        _common(p, sub=True)
        return p

    p = cmd("save", "save a file or a line range of it (FILE:START-END, 1-based) as a snippet")
    p.add_argument("target", metavar="FILE[:START-END]", help="a file, '-' for stdin")
    p.add_argument("--title")
    p.add_argument("--description")
    p.add_argument("--language")
    p.add_argument("--tag", action="append", default=[], dest="tags")
    p.add_argument("--json", action="store_true")

    p = cmd("analyze", "show the on-device enrichment of a file or stdin without saving it")
    p.add_argument("target", metavar="FILE", help="a file, '-' for stdin")
    p.add_argument("--language", help="the language id, when the file name does not say")
    p.add_argument("--json", action="store_true")

    p = cmd(
        "scan",
        "look for secrets in files, folders or stdin (exit 3 when one is found: a pre-commit "
        "check); nothing is saved",
    )
    p.add_argument("targets", metavar="PATH", nargs="+", help="files or folders, '-' for stdin")
    p.add_argument("--language", help="the language id, when the file name does not say")
    p.add_argument(
        "--redact", action="store_true", help="print the text with secrets replaced (one input)"
    )
    p.add_argument("--json", action="store_true")

    p = cmd(
        "search",
        "find snippets by what they do, in any words (meaning, full text and fuzzy names, blended)",
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument(
        "--mode",
        default="hybrid",
        choices=["hybrid", "fulltext", "fuzzy", "neural"],
        help="hybrid (default) blends the other three: neural = by meaning, fulltext = by "
        "words, fuzzy = names and tags with typos",
    )
    p.add_argument("--language", help="only snippets in this language id (python, typescript)")
    p.add_argument(
        "--tag", action="append", help="only snippets with this tag (repeat: all are required)"
    )
    p.add_argument("--json", action="store_true")

    p = cmd("list", "list snippets, newest first")
    p.add_argument("--language")
    p.add_argument("--tag")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true")

    p = cmd("show", "show one snippet (an id or a unique id prefix)")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = cmd("delete", "delete a snippet; its content is purged from disk")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = cmd("export", "export the library (or a filter) to JSON Lines, Markdown or Parquet")
    p.add_argument("path")
    p.add_argument("--format", required=True, choices=["jsonl", "markdown", "parquet"])
    p.add_argument("--redact", action="store_true", help="replace secrets with markers")
    p.add_argument("--language")
    p.add_argument("--tag")
    p.add_argument("--json", action="store_true")

    p = cmd("import", "import snippets (our JSONL/Markdown/Parquet, VS Code snippets, a folder)")
    p.add_argument("path")
    p.add_argument("--format", choices=["jsonl", "markdown", "parquet", "vscode", "folder"])
    p.add_argument("--json", action="store_true")

    p = cmd("backup", "write an encrypted backup (passphrase from PIECES_LSP_PASSPHRASE or prompt)")
    p.add_argument("path")
    p.add_argument("--passphrase-file", help="read the passphrase from this file")
    p.add_argument("--json", action="store_true")

    p = cmd("restore", "restore an encrypted backup (merge by default)")
    p.add_argument("path")
    p.add_argument("--replace", action="store_true", help="replace the library instead of merging")
    p.add_argument("--passphrase-file", help="read the passphrase from this file")
    p.add_argument("--json", action="store_true")

    p = cmd("erase", "erase the whole profile: every snippet and the database file")
    p.add_argument("--yes", action="store_true", help="confirm")
    p.add_argument("--json", action="store_true")

    p = cmd("stats", "library size and contents")
    p.add_argument("--json", action="store_true")

    p = cmd("doctor", "check the install: data files, grammars, models, database")
    p.add_argument("--json", action="store_true")

    p = cmd(
        "privacy",
        "where your data lives, what may reach the network, the latest outbound requests, and "
        "how to export or erase",
    )
    p.add_argument("--audit", type=int, default=10, metavar="N", help="audit entries to show")
    p.add_argument("--json", action="store_true")

    p = cmd(
        "ask",
        "ask the opted-in LLM a question, with your snippets as context (redacted and audited; "
        "off unless [privacy.llm] is set in <home>/config.toml)",
    )
    p.add_argument("question")
    p.add_argument("--id", action="append", default=[], dest="ids", help="a snippet to use")
    p.add_argument("--json", action="store_true")

    p = cmd(
        "describe",
        "refine a snippet's title, description and tags with the opted-in LLM (the on-device "
        "description stays when the LLM is off)",
    )
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    cmd(
        "mcp",
        "run a Model Context Protocol server on stdio for local AI agents (tools: "
        "search_snippets, get_snippet, save_snippet; secrets redacted in what they return)",
    )

    p = cmd("serve", "run the language server on stdio (same as no command)")
    return parser


def parse_serve_flags(rest: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="pieces-lsp serve")
    _common(p)
    p.add_argument("--stdio", action="store_true", help="accepted for editor compatibility")
    return p.parse_args(rest)
