"""The only package that imports duckdb.

Every editor window runs its own server, and DuckDB lets one process at a time open a file
read-write. So no process keeps the file open: each operation takes our advisory lock, opens a
short-lived connection, commits, closes and publishes a generation token; readers serve from an
in-memory cache and refresh it when the token moves.
"""

from pieces_lsp.storage.database import Database, WriteTxn
from pieces_lsp.storage.repository import SnippetRepository

__all__ = ["Database", "SnippetRepository", "WriteTxn"]
