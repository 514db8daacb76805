"""The prose of a snippet: what its author wrote for people, and the names of what it defines.

A search query is prose too. The embedder has two towers, one for queries and one for code, and
a query matched against the code tower's vector alone misses much of what a docstring says in
the query's own kind of words. So each snippet also gets its prose embedded with the query
tower, and the two vectors are summed (`search/vectors.py`). Regular expressions rather than
tree-sitter: this runs for every snippet of a library when the index is first built, where
parsing would cost more than the embedding itself, and a missed or extra comment here only
shifts a ranking a little.
"""

from __future__ import annotations

import re

MAX_PROSE_CHARS = 2000
"""The query tower reads at most 256 tokens anyway."""

_DOCSTRING = re.compile(r'"""([\s\S]*?)"""|\'\'\'([\s\S]*?)\'\'\'')
_BLOCK_COMMENT = re.compile(r"/\*+([\s\S]*?)\*/")
_LINE_COMMENT = re.compile(
    # `#` comments but not the C preprocessor, shebangs, Rust attributes or colour literals;
    # `//` (and `///` doc comments); `--` of SQL, Lua and Haskell
    r"(?m)(?:^|[ \t])(?:#+(?!!|\[|\{|[0-9a-fA-F]{3,8}\b|\s*(?:include|define|if|ifdef|ifndef|"
    r"endif|else|pragma|import|undef)\b)|//+|--(?=\s))[ \t]?([^\n]*)$"
)
_DEFINED = re.compile(
    r"(?m)^[ \t]*(?:(?:export|public|private|protected|static|async|pub|override|abstract)\s+)*"
    r"(?:def|function|func|fn|fun|class|struct|interface|trait|enum|module|sub|proc)\s+"
    r"([A-Za-z_$][\w$]*)"
)


def prose(content: str) -> str:
    """Docstrings, comments and defined names of `content`, in that order ("" when it has
    none): the text a search box query most resembles."""
    parts: list[str] = []
    for m in _DOCSTRING.finditer(content):
        parts.append((m.group(1) or m.group(2) or "").strip())
    without_docstrings = _DOCSTRING.sub(" ", content)
    for m in _BLOCK_COMMENT.finditer(without_docstrings):
        parts.append(re.sub(r"(?m)^\s*\*+ ?", "", m.group(1)).strip())
    without_blocks = _BLOCK_COMMENT.sub(" ", without_docstrings)
    parts.extend(m.group(1).strip() for m in _LINE_COMMENT.finditer(without_blocks))
    parts.extend(m.group(1) for m in _DEFINED.finditer(without_blocks))
    return "\n".join(p for p in parts if p)[:MAX_PROSE_CHARS]
