"""The code of a parse with its comments and string contents blanked out.

Evidence that names an API ("describe", "Path", "CommandError") means something in code and
nothing in prose: a docstring saying "describe the result" or a log message naming a class is
not a call. Blanking with spaces (newlines kept) leaves every offset and line where it was, so
rules that count lines or anchor at line starts read the masked text the same way.
"""

from __future__ import annotations

import re

from pieces_lsp.analysis.parsing.bounded import Parsed

# A string's own text, without its quotes and interpolations: Python/JS/Kotlin `string_content`,
# JS/Java `string_fragment`, Rust `string_content`, Go `interpreted_string_literal_content`, ...
_STRING_PART = re.compile(r"string.*(content|fragment)|^(escape_sequence|heredoc_body)$")
# A string node with no children of its own (Go raw strings, C char literals): its inside goes.
_STRING_LEAF = re.compile(r"string|^char(acter)?_literal$")
# camelCase, PascalCase with two humps, snake_case, dotted: a name someone wrote on purpose
_COMPOUND = re.compile(
    rb"(?<![\w$])(?:[a-z]+[A-Z]\w*|[A-Z][a-z0-9]+[A-Z]\w*|[A-Z]{2,}[a-z]\w*|[A-Za-z]\w*_\w+)(?![\w$])"
)
_NOT_NEWLINE = re.compile(rb"[^\r\n]")
_NODE_BUDGET = 60000  # nodes, as the definitions walk: bounds a 256 KB input


def code_only(parsed: Parsed) -> str:
    """`parsed`'s text with every comment and string content replaced by spaces."""
    source = bytearray(parsed.source)
    spans: list[tuple[int, int]] = []
    comments: list[tuple[int, int]] = []
    stack = [parsed.root]
    budget = _NODE_BUDGET
    while stack and budget > 0:
        node = stack.pop()
        budget -= 1
        kind = node.type
        if "comment" in kind:
            comments.append((node.start_byte, node.end_byte))
            continue
        if _STRING_PART.search(kind):
            spans.append((node.start_byte, node.end_byte))
            continue
        if node.child_count == 0:
            if (
                _STRING_LEAF.search(kind)
                and not kind.endswith(("_start", "_end"))
                and node.end_byte - node.start_byte > 2
            ):
                spans.append((node.start_byte + 1, node.end_byte - 1))
            continue
        stack.extend(node.children)
    for start, end in comments:
        # a comment keeps the API names it cites ("// With useActionState", "// Create
        # WebClient"): compound identifiers, never the single words of its prose
        cursor = start
        for m in _COMPOUND.finditer(bytes(source[start:end])):
            spans.append((cursor, start + m.start()))
            cursor = start + m.end()
        spans.append((cursor, end))
    for start, end in spans:
        if end > start:
            source[start:end] = _NOT_NEWLINE.sub(b" ", bytes(source[start:end]))
    return source.decode("utf-8", "replace")
