"""The shape of code: the same program with other names and other spacing has the same shape.

Near-duplicates are flagged on save ("you already saved this, renamed"): the shape keeps
keywords, operators, punctuation and literals' kinds, and replaces every other identifier by
its first-seen position, so `def add(a, b): return a + b` and `def plus(x, y):\n  return x+y`
share one, while a changed operator or call does not.
"""

from __future__ import annotations

import hashlib
import re

_TOKEN = re.compile(
    r"""(?P<str>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`[^`]*`)"""
    r"""|(?P<num>\b\d[\w.]*)"""
    r"""|(?P<id>[A-Za-z_$][\w$]*)"""
    r"""|(?P<op>[^\s\w])""",
)
_COMMENT = re.compile(r"(?m)(?:^|\s)(?:#|//)[^\n]*$|/\*.*?\*/", re.DOTALL)
_KEYWORDS = frozenset(
    [
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "def",
        "default",
        "defer",
        "del",
        "do",
        "elif",
        "else",
        "enum",
        "except",
        "export",
        "extends",
        "final",
        "finally",
        "fn",
        "for",
        "from",
        "func",
        "function",
        "go",
        "if",
        "impl",
        "import",
        "in",
        "instanceof",
        "interface",
        "is",
        "lambda",
        "let",
        "loop",
        "match",
        "mod",
        "module",
        "mut",
        "new",
        "nil",
        "none",
        "not",
        "null",
        "or",
        "package",
        "pass",
        "private",
        "protected",
        "pub",
        "public",
        "raise",
        "return",
        "self",
        "static",
        "struct",
        "super",
        "switch",
        "this",
        "throw",
        "throws",
        "trait",
        "true",
        "false",
        "try",
        "type",
        "typeof",
        "use",
        "var",
        "void",
        "where",
        "while",
        "with",
        "yield",
        "True",
        "False",
        "None",
        "int",
        "str",
        "float",
        "bool",
        "string",
        "char",
        "long",
        "double",
        "byte",
        "list",
        "dict",
        "map",
        "set",
    ]
)


def shape(content: str) -> str:
    """A short digest of the code's shape (empty for text without code tokens)."""
    names: dict[str, int] = {}
    out: list[str] = []
    for m in _TOKEN.finditer(_COMMENT.sub(" ", content)):
        kind = m.lastgroup
        tok = m.group()
        if kind == "id":
            if tok in _KEYWORDS:
                out.append(tok)
            else:
                out.append(f"v{names.setdefault(tok, len(names))}")
        elif kind == "str":
            out.append("S")
        elif kind == "num":
            out.append("N")
        else:
            out.append(tok)
    if len(out) < 4:
        return ""
    return hashlib.sha1(" ".join(out).encode("utf-8")).hexdigest()[:20]
