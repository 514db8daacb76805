"""Where a candidate sits, from the tree-sitter parse of the text: in a test, a comment or code.

A `password = "secret123"` inside `def test_login()` is a fixture; the same line in `settings.py`
is a leak. The parse is lazy (only texts with name-based candidates pay for it), bounded in time
and size by the shared parser, and any failure means "no context" rather than a lost finding.
"""

from __future__ import annotations

import re
from functools import cached_property

from pieces_lsp.analysis.parsing import Parsed, parse

_TEST_PATH = re.compile(
    r"(?:^|[/\\])(?:tests?|specs?|__tests__|__mocks__|fixtures?|testdata|testing)[/\\]"
    r"|(?:^|[/\\])(?:test_[^/\\]*|conftest\.py)$|[._-](?:test|spec|tests)\.[A-Za-z0-9]+$",
    re.IGNORECASE,
)
_FUNCTION_TYPES = (
    "function_definition",
    "function_declaration",
    "method_declaration",
    "method_definition",
    "function_item",
    "method",
    "def",
)
_TEST_CALLS = frozenset({"it", "test", "describe", "beforeEach", "beforeAll", "context"})
# Past this size the parse and tree walk cost more than the scan; a look back for the
# enclosing test definition by indentation stands in for the tree.
_TREE_LIMIT = 64 * 1024
_TEST_DEF = re.compile(
    r"^(?P<indent>[ \t]*)(?:(?:async\s+)?def\s+_*test|(?:async\s+)?function\s+test"
    r"|func\s+Test|fn\s+test_|(?:public\s+)?void\s+test|(?:it|test|describe)\s*\(|class\s+Test)",
    re.MULTILINE,
)
_DEF = re.compile(r"^(?P<indent>[ \t]*)(?:async\s+)?(?:def|function|func|fn|class)\s", re.MULTILINE)


def is_test_path(filename: str | None) -> bool:
    return bool(filename) and bool(_TEST_PATH.search(filename or ""))


class TreeContext:
    """Lazily parsed view of one text; offsets are character offsets into that text."""

    def __init__(self, text: str, language: str | None) -> None:
        self._text = text
        self._language = language

    @cached_property
    def _parsed(self) -> Parsed | None:
        if not self._language or len(self._text) > _TREE_LIMIT:
            return None
        try:
            return parse(self._text, self._language)
        except Exception:  # context is a refinement, never a reason to fail
            return None

    @cached_property
    def _ascii(self) -> bool:
        return self._text.isascii()

    def _byte(self, offset: int) -> int:
        if self._ascii:
            return offset
        return len(self._text[:offset].encode("utf-8"))

    def _node(self, start: int, end: int):  # type: ignore[no-untyped-def]
        parsed = self._parsed
        if parsed is None or parsed.too_deep:
            return None
        return parsed.root.descendant_for_byte_range(self._byte(start), self._byte(end))

    def in_comment(self, start: int, end: int) -> bool:
        node = self._node(start, end)
        while node is not None:
            if "comment" in node.type:
                return True
            node = node.parent
        return False

    def _in_test_by_indent(self, offset: int) -> bool:
        """The nearest definition above, at a smaller indent, is a test (large texts)."""
        line_start = self._text.rfind("\n", 0, offset) + 1
        indent = len(self._text[line_start:offset]) - len(self._text[line_start:offset].lstrip())
        window_start = max(0, line_start - 20_000)
        last = None
        for m in _DEF.finditer(self._text, window_start, line_start):
            if len(m.group("indent")) < indent:
                last = m
        for m in _TEST_DEF.finditer(self._text, window_start, line_start):
            if len(m.group("indent")) < indent and (last is None or m.start() >= last.start()):
                return True
        return False

    def in_test(self, offset: int) -> bool:
        """Inside a function or class named like a test, or a JS `it(...)` / `test(...)` block."""
        if len(self._text) > _TREE_LIMIT:
            return self._in_test_by_indent(offset)
        node = self._node(offset, offset)
        parsed = self._parsed
        while node is not None and parsed is not None:
            if (
                node.type in _FUNCTION_TYPES
                or node.type.endswith("class_definition")
                or (node.type in ("class_declaration", "class"))
            ):
                name = node.child_by_field_name("name")
                if name is not None and re.match(r"(?i)_*test|.*Test(s|Case)?$", parsed.text(name)):
                    return True
            if node.type == "call_expression":
                fn = node.child_by_field_name("function")
                if fn is not None and parsed.text(fn) in _TEST_CALLS:
                    return True
            node = node.parent
        return False
