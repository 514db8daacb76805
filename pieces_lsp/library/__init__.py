"""The snippet library service: the plain-Python API the CLI, the language server and the tests
all call (save / get / update / delete / list / stats / use / erase)."""

from pieces_lsp.library.service import LibraryService, SaveResult

__all__ = ["LibraryService", "SaveResult"]
