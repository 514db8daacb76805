"""pieces-lsp: a local-first code-snippet library served over the Language Server Protocol.

Nothing heavy is imported here: editors launch the server cold, and every millisecond of import
time is start-up latency the user feels.
"""

__version__ = "0.1.0"
