"""Search over the snippet library: BM25 full text, typo-tolerant fuzzy matching, and their
blend; similar snippets; completion candidates for the code around the cursor.

Everything is in memory, built from `LibraryService.snapshot()` and updated one snippet at a
time as the library changes. This package never imports `lsp/`.
"""

from pieces_lsp.search.errors import SearchUnavailableError
from pieces_lsp.search.hits import SearchHit, SimilarHit
from pieces_lsp.search.service import SearchService

__all__ = ["SearchHit", "SearchService", "SearchUnavailableError", "SimilarHit"]
