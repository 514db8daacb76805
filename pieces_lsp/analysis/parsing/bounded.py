"""Parsing with limits on input size and time.

tree-sitter only honours a progress callback when it reads the text through a callback, so we
always feed it that way: the callback ends a parse that runs past its deadline (a pathological
input, or a grammar looping in its parse tables). A grammar that loops inside its own C scanner
never calls back; that case is handled one level up, by running analysis in a worker process
that can be killed (`pieces_lsp.analysis.worker`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tree_sitter import Node, Parser, Tree

from pieces_lsp.analysis.parsing.registry import grammar

MAX_PARSE_BYTES = 256 * 1024
DEFAULT_TIMEOUT_MS = 60.0
MAX_TREE_DEPTH = 400
"""Deeper trees (20,000 nested brackets, a 10,000-term sum) crash some tree-sitter node
queries in C and make parent lookups slow; no real snippet nests this deep."""
_CHUNK = 64 * 1024

# External scanners (C code that never calls the progress callback) of two grammars loop
# forever when the text ends without a newline in the middle of a construct they track:
# tree-sitter-perl 2.0.3 after a heredoc start (`<<b\n@e`, which is also AsciiDoc's `<<xref>>`,
# C++'s `cout <<x` or Erlang's `<<V@B/bits>>`), tree-sitter-kotlin 1.1.0 after an annotation line
# (`val x = 1\n@Field`). Every such input found parses normally with a final newline, so text
# is parsed as a file that ends with one for these grammars (the positions of its own bytes do
# not change). Other grammars get the text as it is: sweeps of ~50,000 texts through their
# candidate grammars (~17,000 through every grammar) found no other hang, and a final newline
# changes some parse qualities that language identification relies on (an unclosed Ruby `def`
# reads worse with it).
_FINAL_NEWLINE = frozenset({"perl", "kotlin"})


@dataclass(slots=True)
class Parsed:
    """A syntax tree with the exact bytes it was parsed from."""

    language: str
    tree: Tree
    source: bytes
    truncated: bool = False
    _quality: float | None = field(default=None, repr=False)

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    @property
    def too_deep(self) -> bool:
        """Whether the tree nests deeper than MAX_TREE_DEPTH (walked with a cursor, ~0.1 µs a
        node, stopping as soon as the limit is passed)."""
        cursor = self.tree.walk()
        depth = 0
        while True:
            if cursor.goto_first_child():
                depth += 1
                if depth > MAX_TREE_DEPTH:
                    return True
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return False
                depth -= 1

    @property
    def quality(self) -> float:
        """Share of non-blank bytes outside ERROR/MISSING nodes: 1.0 is a clean parse."""
        if self._quality is None:
            self._quality = parse_quality_of(self)
        return self._quality


def _parser_for(language: str) -> Parser | None:
    lang = grammar(language)
    return None if lang is None else Parser(lang)


def parse(
    text: str | bytes, language: str, *, timeout_ms: float = DEFAULT_TIMEOUT_MS
) -> Parsed | None:
    """Parse `text` as `language`; None if there is no grammar or the deadline passed."""
    parser = _parser_for(language)
    if parser is None:
        return None
    source = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if language in _FINAL_NEWLINE and not source.endswith(b"\n"):
        source += b"\n"
    truncated = len(source) > MAX_PARSE_BYTES
    if truncated:
        cut = source.rfind(b"\n", 0, MAX_PARSE_BYTES)
        source = source[: cut + 1 if cut > 0 else MAX_PARSE_BYTES]
    deadline = time.perf_counter() + timeout_ms / 1000.0

    def read(offset: int, _point: object) -> bytes:
        return source[offset : offset + _CHUNK]

    def overdue(*_state: object) -> bool:
        return time.perf_counter() > deadline

    try:
        tree = parser.parse(read, progress_callback=overdue)
    except ValueError:  # the callback cancelled it
        return None
    if tree is None:
        return None
    return Parsed(language=language, tree=tree, source=source, truncated=truncated)


def parse_quality_of(parsed: Parsed) -> float:
    src = parsed.source
    total = sum(1 for b in src if b not in b" \t\r\n")
    if total == 0:
        return 0.0
    root = parsed.root
    if not root.has_error:
        return 1.0
    bad = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if not node.has_error:
            continue
        if node.is_error:
            chunk = src[node.start_byte : node.end_byte]
            bad += sum(1 for b in chunk if b not in b" \t\r\n")
            continue
        if node.is_missing:
            bad += 1
            continue
        stack.extend(node.children)
    return max(0.0, 1.0 - bad / total)


def parse_quality(text: str, language: str, *, timeout_ms: float = 20.0) -> float | None:
    """How well `text` parses as `language` (0..1), or None when there is no grammar.

    A timed-out parse scores 0: a grammar that struggles that hard is a poor fit."""
    if grammar(language) is None:
        return None
    parsed = parse(text, language, timeout_ms=timeout_ms)
    return 0.0 if parsed is None else parsed.quality
