"""Imported module specifiers of a snippet, from our `imports.scm` tree-sitter queries.

The queries (data, one per language in `grammars/queries/<lang>/imports.scm`) capture the module
path as `@module`. When a language has no grammar, or the parse failed, a few line-anchored
regexes stand in: a snippet's imports are nearly always whole lines at its top, so a regex
rarely misses one, and a missed import only costs a framework hint, never correctness.
"""

from __future__ import annotations

import re

from pieces_lsp.analysis.parsing import Parsed, matches, parse, query

# Characters that wrap a module in some grammars' captures (`<stdio.h>`, Dart's quoted URIs).
_WRAPPERS = "\"'`<> \t\r\n"

_FALLBACK: dict[str, list[re.Pattern[str]]] = {}


def _fallback_patterns() -> dict[str, list[re.Pattern[str]]]:
    """Line regexes per language, compiled once; group 1 is the module."""
    if _FALLBACK:
        return _FALLBACK
    js = [
        r"""^\s*import\s+(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"\n]+)['"]""",
        r"""^\s*export\s+[\w*{}\s,$]+?\s+from\s+['"]([^'"\n]+)['"]""",
        r"""\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)""",
        r"""\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)""",
    ]
    jvm = [r"^\s*import\s+(?:static\s+)?([\w.]+?)(?:\.\*)?\s*(?:as\s+\w+)?;?\s*$"]
    c_like = [r"""^\s*#\s*(?:include|import)\s*[<"]([^>"\n]+)[>"]"""]
    table: dict[str, list[str]] = {
        "python": [
            r"^\s*import\s+([\w.]+)",
            r"^\s*from\s+(\.*[\w.]*)\s+import\b",
        ],
        "javascript": js,
        "javascriptreact": js,
        "typescript": js,
        "typescriptreact": js,
        "java": jvm,
        "kotlin": jvm,
        "scala": [r"^\s*import\s+([\w.]+?)(?:\.(?:_|\*|\{.*\}))?\s*$"],
        "groovy": jvm,
        "go": [r"""^\s*import\s+(?:\w+\s+)?"([^"\n]+)\""""],
        "rust": [
            r"^\s*(?:pub\s+)?use\s+([\w:]+?)(?:::\{|::\*|\s+as\s|;)",
            r"^\s*extern\s+crate\s+(\w+)",
        ],
        "ruby": [r"""^\s*(?:require|require_relative|load)\s*\(?\s*['"]([^'"\n]+)['"]"""],
        "php": [
            r"^\s*use\s+(?:function\s+|const\s+)?\\?(\w+(?:\\\w+)*)",
            r"""^\s*(?:require|include)(?:_once)?\s*\(?\s*['"]([^'"\n]+)['"]""",
        ],
        "csharp": [r"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;"],
        "swift": [r"^\s*(?:@\w+\s+)?import\s+(?:(?:struct|class|enum|protocol|func)\s+)?([\w.]+)"],
        "dart": [r"""^\s*(?:import|export)\s+['"]([^'"\n]+)['"]"""],
        "c": c_like,
        "cpp": c_like,
        "objective-c": [*c_like, r"^\s*@import\s+([\w.]+)"],
        "elixir": [r"^\s*(?:alias|import|use|require)\s+([A-Z]\w*(?:\.[A-Z]\w*)*)"],
        "haskell": [r"^\s*import\s+(?:qualified\s+)?([A-Z][\w.]*)"],
        "lua": [r"""\brequire\s*\(?\s*['"]([^'"\n]+)['"]"""],
        "perl": [r"^\s*(?:use|require)\s+([A-Za-z][\w:]*)"],
        "julia": [r"^\s*(?:using|import)\s+([\w.]+)"],
        "r": [r"""\b(?:library|require)\s*\(\s*['"]?([\w.]+)['"]?\s*\)"""],
    }
    for lang, patterns in table.items():
        _FALLBACK[lang] = [re.compile(p, re.MULTILINE) for p in patterns]
    return _FALLBACK


def _clean(module: str) -> str:
    return module.strip(_WRAPPERS)


def _from_tree(parsed: Parsed) -> list[tuple[int, str]]:
    """(byte offset, module) per import.

    A grammar that splits a path into sibling nodes (Scala) captures the first as `@module`
    and later ones as `@module.end`; the widest span from each start is the module."""
    spans: dict[int, int] = {}
    for caps in matches(parsed, "imports"):
        for node in caps.get("module", ()):
            end = max([node.end_byte, *(n.end_byte for n in caps.get("module.end", ()))])
            spans[node.start_byte] = max(end, spans.get(node.start_byte, 0))
    return [
        (start, parsed.source[start:end].decode("utf-8", "replace")) for start, end in spans.items()
    ]


def _from_regex(text: str, language: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for pattern in _fallback_patterns().get(language, []):
        found.extend((m.start(1), m.group(1)) for m in pattern.finditer(text))
    return found


def imports(text: str, language: str, parsed: Parsed | None = None) -> list[str]:
    """Imported module specifiers in document order, each once.

    Relative specifiers are kept as written (`./util`, `..models`): callers that want packages
    only can drop those starting with a dot."""
    if parsed is None or parsed.language != language:
        parsed = parse(text, language) if query(language, "imports") is not None else None
    found = _from_tree(parsed) if parsed is not None else _from_regex(text, language)
    found.sort(key=lambda item: item[0])
    out: list[str] = []
    seen: set[str] = set()
    for _offset, raw in found:
        module = _clean(raw)
        if module and module not in seen:
            seen.add(module)
            out.append(module)
    return out
