"""Local, offline analysis of code: languages, secrets, titles (tree-sitter models come later)."""
