"""`python -m pieces_lsp` behaves exactly like the `pieces-lsp` console script."""

from pieces_lsp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
