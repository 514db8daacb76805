"""Moving snippets in and out of the library: export to JSON Lines, Markdown or Parquet, import
from those and from VS Code snippet files or a folder of source files.

Only the entry points and their result types are public; the codecs are implementation details
so their layouts can evolve behind them. Importing this package does not import DuckDB (only the
Parquet codec does, when used).
"""

from pieces_lsp.portability.exporter import EXPORT_FORMATS, ExportResult, export_library
from pieces_lsp.portability.importer import (
    IMPORT_FORMATS,
    FileReport,
    ImportReport,
    guess_format,
    import_path,
)

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "ExportResult",
    "FileReport",
    "ImportReport",
    "export_library",
    "guess_format",
    "import_path",
]
