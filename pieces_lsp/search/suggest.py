"""Search-query suggestions from the code around the cursor.

A person opening search from the editor usually wants something related to what they are
looking at, but rarely knows the words the library uses. So we propose a few short queries in
the words they would type: the enclosing definition's name ("load config"), the library in use
with what it is used for ("requests retry session"), the call or the names nearest the cursor
("yaml safe load"), and their own recent searches that fit the context.

Only names become words: string literals and comments never do (that is where data, URLs and
secrets live), and every candidate word is checked against the secrets engine. The work is
bounded: we parse a window of lines around the cursor and the document's first lines (imports),
never the whole document, so a 5,000-line file costs the same as a 200-line one.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pieces_lsp.lines import line_starts
from pieces_lsp.search.text import STOP_WORDS, identifier_words, normalize, raw_words
from pieces_lsp.search.text import split_identifier as split_words
from pieces_lsp.secrets import find as find_secrets

if TYPE_CHECKING:
    # tree-sitter and the grammars load on the first suggestion, not when the server starts.
    from pieces_lsp.analysis.definitions import Definition
    from pieces_lsp.analysis.parsing import Parsed

__all__ = ["Suggestion", "suggest"]

SOURCES = ("definition", "imports", "identifiers", "recent")

WHOLE_DOCUMENT_LINES = 400
"""Documents up to this size are analysed whole (one small parse); longer ones by window."""
LINES_BEFORE = 40
LINES_AFTER = 10
EXTEND_FOR_DEFINITION = 120
"""How far above the window we look for a top-level line to start the parse at, so the
header of a long enclosing function is inside the parsed text."""
HEADER_LINES = 150
"""Imports sit at the top of a file: this many first lines are searched for them."""
MAX_RECENT = 2
MAX_WORDS = 5
MAX_RECENT_CHARS = 80

_DEF_KINDS = frozenset({"function", "method"})
_TYPE_KINDS = frozenset({"class", "interface", "struct", "enum", "trait", "type", "module"})

_NOISE_TEXT = """
    abstract and as assert async await break case catch chan class const continue crate def
    default defer del delete do dyn elif else enum except export extends extern false final
    finally fn for from func function go goto if impl implements import in instanceof interface
    is lambda let loop match mod module mut new nil nonlocal none not null of or package pass
    private protected pub public raise ref return select self static struct super switch sync
    synchronized this throw throws trait true try type typeof undefined union unsafe use var void
    where while with yield global local end then begin elsif unless until fun val sealed
    override internal readonly declare namespace keyof infer satisfies template typename virtual
    operator inline volatile register signed unsigned sizeof include define ifdef endif
    int str bool float double char byte long short string boolean number any unknown never
    usize isize u8 u16 u32 u64 i8 i16 i32 i64 f32 f64 int32 int64 uint float32 float64 rune
    err ok args kwargs cls ctx res ret tmp val obj arg foo bar baz todo fixme
    print println printf fmt console len main
"""
_NOISE = frozenset(_NOISE_TEXT.split())
"""Words that say nothing about what code does: keywords of the common languages (the line
fallback sees them as names), primitive types, and the usual throwaway names."""
_SHORT_OK = frozenset(
    {"db", "ui", "io", "ip", "fs", "os", "ai", "ml", "s3", "ws", "ci", "id", "qr"}
)
_GENERIC_SEGMENTS = frozenset(
    {
        "com",
        "org",
        "net",
        "io",
        "dev",
        "edu",
        "gov",
        "www",
        "github",
        "gitlab",
        "bitbucket",
        "golang",
        "gopkg",
        "in",
        "pkg",
        "internal",
        "src",
        "lib",
        "crate",
        "self",
        "super",
        "index",
        "dist",
        "main",
        "std",
    }
)
_GENERIC_PACKAGES = frozenset({"core", "common", "client", "utils", "util", "api", "sdk", "cli"})
_VERSION = re.compile(r"v\d+$")
_SEGMENT_SPLIT = re.compile(r"[./:\\]+")
_DEF_LINE = re.compile(
    r"^\s*(?:(?:export|public|private|protected|static|async|pub|default|abstract|final|"
    r"override|inline|unsafe|extern|const|let|var)\s+)*"
    r"(?:(?:def|function\*?|func|fn|fun|sub|proc|class|struct|interface|trait|impl|module|"
    r"enum|method)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)"
    r"|([A-Za-z_$][\w$]*)\s*[:=]\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>))"
)
_C_DEF_LINE = re.compile(
    r"^\s*([\w<>\[\],*&:]+)\s+(?:[\w<>\[\],*&:]+\s+)*\**([A-Za-z_]\w*)\s*\([^;=]*\)\s*"
    r"(?:const\s*)?(?:throws\s+[\w.,\s]+)?\{?\s*$"
)
_IMPORT_LINE = re.compile(
    r"\b(?:import|from|require|use|using|include|extern|library|load)\b|#\s*include"
)
_C_NOT_A_NAME_TEXT = """
    if for while switch return catch sizeof else with await new yield throw case print echo
    elif assert raise del not and or in is
"""
_C_NOT_A_NAME = frozenset(_C_NOT_A_NAME_TEXT.split())


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One proposed query, with where it came from so the editor can group or explain it."""

    query: str
    source: str  # "definition" | "imports" | "identifiers" | "recent"

    def to_dict(self) -> dict[str, str]:
        return {"query": self.query, "source": self.source}


@dataclass(frozen=True, slots=True)
class _Occurrence:
    """A name near the cursor: `line` is 0-based in the document."""

    text: str
    line: int


@dataclass(slots=True)
class _Context:
    """What the suggesters read, gathered once per call."""

    language: str
    cursor_line: int
    occurrences: list[_Occurrence]
    definition: Definition | None
    container: Definition | None
    calls: list[tuple[str, int]]  # (qualified callee, line)
    imports: list[str]
    import_names: dict[str, set[str]]  # module -> names its import line introduces
    unsafe: set[str]  # raw tokens the secrets engine flagged


def suggest(
    text: str,
    offset: int,
    language: str | None,
    recent: Sequence[str] = (),
    limit: int = 5,
) -> list[Suggestion]:
    """Up to `limit` distinct queries for the cursor at character `offset` (clamped).

    `recent` is the user's past searches, most recent first. Context suggestions come first,
    recent searches last (at most two, those sharing a word with the context ahead of the
    rest); when the context is thin the list may be shorter than three."""
    if limit <= 0:
        return []
    text = text or ""
    offset = min(max(offset, 0), len(text))
    context = _context(text, offset, (language or "").lower()) if text.strip() else None
    chosen: list[Suggestion] = []
    seen: list[frozenset[str]] = []
    context_words: set[str] = set()
    if context is not None:
        for candidate in _candidates(context):
            words = _clean_query(candidate.query, context.unsafe)
            if words is None:
                continue
            key = frozenset(words)
            # A query whose words another already holds adds nothing ("yaml" vs "yaml load").
            if any(key <= other or other <= key for other in seen):
                continue
            seen.append(key)
            chosen.append(Suggestion(" ".join(words), candidate.source))
            context_words.update(normalize(w) for w in words)
        context_words.update(normalize(o.text.lower()) for o in context.occurrences)
        context_words.update(normalize(w) for o in context.occurrences for w in split_words(o.text))
    recents = _recent(recent, context_words, {s.query for s in chosen})
    # Recent searches get the slots the context does not need to reach three.
    keep_recent = min(len(recents), max(0, limit - min(len(chosen), 3)))
    return (chosen[: limit - keep_recent] + recents[:keep_recent])[:limit]


# --- context --------------------------------------------------------------------------------


def _context(text: str, offset: int, language: str) -> _Context:
    from pieces_lsp.analysis.definitions import facts
    from pieces_lsp.analysis.imports import imports

    starts = line_starts(text)
    total = len(starts)
    cursor_line = bisect.bisect_right(starts, offset) - 1

    def line_at(i: int) -> str:
        end = starts[i + 1] - 1 if i + 1 < total else len(text)
        return text[starts[i] : end]

    if total <= WHOLE_DOCUMENT_LINES:
        first, last = 0, total
    else:
        first = max(0, cursor_line - LINES_BEFORE)
        last = min(total, cursor_line + LINES_AFTER + 1)
        # Start at a top-level line when one is close: the parse then sees whole statements
        # and the header of the function the cursor is in.
        for i in range(first, max(-1, first - EXTEND_FOR_DEFINITION), -1):
            line = line_at(i)
            if line and not line[0].isspace() and line.strip()[:1] not in ("}", ")", "]"):
                first = i
                break
    window_end = starts[last] - 1 if last < total else len(text)
    window = text[starts[first] : window_end]

    parsed = _parse(window, language)
    header = text[: starts[min(HEADER_LINES, first)] - 1] if first > 0 else ""
    modules = (imports(header, language) if header else []) + _window_imports(
        window, language, parsed
    )
    modules = list(dict.fromkeys(modules))
    import_names, import_lines = _import_names(text, starts, modules, first, last)
    unsafe = _unsafe_tokens(window, language)

    occurrences: list[_Occurrence] = []
    calls: list[tuple[str, int]] = []
    definition: Definition | None = None
    container: Definition | None = None
    if parsed is not None:
        found = facts(parsed)
        byte_starts = _line_starts_bytes(parsed.source)
        for token in found.tokens:
            line = first + bisect.bisect_right(byte_starts, token.start) - 1
            if not token.in_import and line not in import_lines:
                occurrences.append(_Occurrence(token.text, line))
        calls = [(c.qualified, first + c.line) for c in found.calls]
        definition, container = _enclosing(found.definitions, cursor_line - first)
        cursor_text = line_at(cursor_line)
        typing_in_block = bool(cursor_text) and not cursor_text.strip()
        if definition is None and (not found.definitions or typing_in_block):
            # An indented blank line after a function's last statement is still inside it for
            # the person typing, though the parse tree ends the function a line earlier.
            definition, container = _definition_from_lines(text, starts, cursor_line, first)
    else:
        for i in range(first, last):
            if i in import_lines:
                continue
            line = line_at(i)
            names = identifier_words(line)
            for token in raw_words(line):
                if all(w in names for w in split_words(token) if len(w) > 1):
                    occurrences.append(_Occurrence(token, i))
        definition, container = _definition_from_lines(text, starts, cursor_line, first)
    return _Context(
        language=language,
        cursor_line=cursor_line,
        occurrences=occurrences,
        definition=definition,
        container=container,
        calls=calls,
        imports=modules,
        import_names=import_names,
        unsafe=unsafe,
    )


def _parse(window: str, language: str) -> Parsed | None:
    """A parse only where our definitions query exists: without it the tree would tell us
    nothing the line fallback does not."""
    from pieces_lsp.analysis.parsing import parse, query

    if not language or query(language, "definitions") is None:
        return None
    return parse(window, language, timeout_ms=15.0)


def _window_imports(window: str, language: str, parsed: Parsed | None) -> list[str]:
    from pieces_lsp.analysis.imports import imports

    if not language:
        return []
    return imports(window, language, parsed)


def _line_starts_bytes(source: bytes) -> list[int]:
    starts = [0]
    pos = source.find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = source.find(b"\n", pos + 1)
    return starts


def _import_names(
    text: str, starts: list[int], modules: list[str], first: int, last: int
) -> tuple[dict[str, set[str]], set[int]]:
    """For each module, the names on its import line (aliases and imported symbols are what
    the code then uses), and the lines that are imports (their names are not context)."""
    names: dict[str, set[str]] = {}
    lines: set[int] = set()
    limit = starts[last] if last < len(starts) else len(text)
    for module in modules:
        names[module] = set()
        pos = text.find(module, 0, limit)
        for _ in range(32):  # the module's name may also occur in comments and code first
            if pos < 0:
                break
            line = bisect.bisect_right(starts, pos) - 1
            end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
            content = text[starts[line] : end]
            analysed = line < HEADER_LINES or line >= first
            if analysed and (_IMPORT_LINE.search(content) or _quoted(content, module)):
                lines.add(line)
                names[module] = {w for w in raw_words(content) if w.lower() not in _NOISE}
                break
            pos = text.find(module, end, limit)
    return names, lines


def _quoted(line: str, module: str) -> bool:
    """Go's import blocks list bare quoted paths, one a line."""
    return any(f"{q}{module}{q}" in line for q in "\"'`")


def _unsafe_tokens(window: str, language: str) -> set[str]:
    """Raw tokens inside anything the secrets engine flags: such a token must never become a
    query word, even split and lower-cased."""
    out: set[str] = set()
    for m in find_secrets(window, None, language or None):
        out.update(raw_words(window[m.start : m.end]))
    return out


def _enclosing(
    defs: Sequence[Definition], line: int
) -> tuple[Definition | None, Definition | None]:
    """Innermost function or method around `line`, else the innermost type, plus the type
    that contains the chosen function (its name qualifies a one-word method name)."""
    around = [d for d in defs if d.start_line <= line <= d.end_line]
    funcs = [d for d in around if d.kind in _DEF_KINDS]
    types = [d for d in around if d.kind in _TYPE_KINDS]
    if funcs:
        best = max(funcs, key=lambda d: (d.start_line, -d.end_line))
        owner = next((t for t in reversed(types) if t.name == best.container), None)
        return best, owner
    if types:
        return max(types, key=lambda d: (d.start_line, -d.end_line)), None
    return None, None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _definition_from_lines(
    text: str, starts: list[int], cursor_line: int, first: int
) -> tuple[Definition | None, Definition | None]:
    """Without a grammar: the nearest line above that looks like a definition header and is
    indented less than the cursor's line (or is the cursor's line)."""
    from pieces_lsp.analysis.definitions import Definition

    total = len(starts)

    def line_at(i: int) -> str:
        end = starts[i + 1] - 1 if i + 1 < total else len(text)
        return text[starts[i] : end]

    current = line_at(cursor_line)
    # a blank line's indentation still says which block the cursor is in
    blank_limit = len(current) if current else 10**6
    limit = _indent(current) if current.strip() else blank_limit
    lowest = max(0, min(first, cursor_line - LINES_BEFORE) - EXTEND_FOR_DEFINITION)
    for i in range(cursor_line, lowest - 1, -1):
        line = line_at(i)
        if not line.strip() or not any(c.isalnum() for c in line):
            continue  # blank, or only brackets (Allman-style braces)
        indent = _indent(line)
        if i != cursor_line and indent >= limit:
            continue
        name = _header_name(line)
        if name is not None:
            kind = (
                "class" if re.search(r"\b(?:class|struct|interface|trait)\b", line) else "function"
            )
            return Definition(name, kind, (), line.strip(), None, i, cursor_line), None
        limit = min(limit, indent)
        if indent == 0 and i != cursor_line:
            break
    return None, None


def _header_name(line: str) -> str | None:
    m = _DEF_LINE.match(line)
    if m:
        return m.group(1) or m.group(2)
    m = _C_DEF_LINE.match(line)
    if m and m.group(1) not in _C_NOT_A_NAME and m.group(2) not in _C_NOT_A_NAME:
        return m.group(2)
    return None


# --- candidates -----------------------------------------------------------------------------


def _candidates(ctx: _Context) -> list[Suggestion]:
    """Every candidate in preference order; the caller cleans, deduplicates and cuts."""
    out: list[Suggestion] = []
    ranked = _ranked_words(ctx)
    definition_words: list[str] = []
    if ctx.definition is not None:
        definition_words = _content(_words(ctx.definition.name))
        query = list(definition_words)
        if len(query) < 2:
            query += _definition_extras(ctx)
        out.append(Suggestion(" ".join(query), "definition"))
    library = _library(ctx)
    if library:
        lib_words = _library_words(library, ctx.language)
        extra = [w for w in ranked if w not in lib_words][: max(1, min(2, 4 - len(lib_words)))]
        out.append(Suggestion(" ".join(lib_words + extra), "imports"))
    call = _nearest_call(ctx)
    if call is not None:
        out.append(Suggestion(" ".join(call), "identifiers"))
    rest = [w for w in ranked if w not in definition_words]
    if len(rest) >= 2:
        out.append(Suggestion(" ".join(rest[:3]), "identifiers"))
    if ctx.container is not None and ctx.definition is not None:
        out.append(
            Suggestion(
                " ".join(_content(_words(ctx.container.name)) + definition_words), "definition"
            )
        )
    if len(rest) >= 5:
        out.append(Suggestion(" ".join(rest[3:6]), "identifiers"))
    if library:
        lib_words = _library_words(library, ctx.language)
        out.append(Suggestion(" ".join(lib_words + definition_words[:2]), "imports"))
    return out


def _words(name: str) -> list[str]:
    return [w for w in split_words(name) if w.isalpha() or w in _SHORT_OK]


def _content(words: Iterable[str]) -> list[str]:
    return [w for w in words if _useful(w)]


def _useful(word: str) -> bool:
    return (
        (len(word) >= 3 or word in _SHORT_OK)
        and word not in STOP_WORDS
        and word not in _NOISE
        and not word.isdigit()
    )


def _definition_extras(ctx: _Context) -> list[str]:
    """Words to make a one-word name searchable: its type, else its first parameter or
    return type (`parse(Config)` -> "parse config")."""
    d = ctx.definition
    assert d is not None
    if ctx.container is not None:
        return _content(_words(ctx.container.name))[:2]
    for source in (*d.params[:1], d.return_type or ""):
        words = _content(_words(source.split(":")[-1].split(" ")[-1] if source else ""))
        words = words or _content(_words(source))
        if words:
            return words[:2]
    return []


def _ranked_words(ctx: _Context) -> list[str]:
    """Content words near the cursor, by closeness-weighted frequency (ties: the nearest
    first occurrence, then alphabetical, so the result is deterministic)."""
    score: dict[str, float] = {}
    nearest: dict[str, int] = {}
    for occ in ctx.occurrences:
        if occ.text in ctx.unsafe:
            continue
        distance = abs(occ.line - ctx.cursor_line)
        weight = 1.0 / (1.0 + distance / 4.0)
        for word in split_words(occ.text):
            if not _useful(word) or not word.isalpha():
                continue
            score[word] = score.get(word, 0.0) + weight
            nearest[word] = min(nearest.get(word, distance), distance)
    return sorted(score, key=lambda w: (-round(score[w], 6), nearest[w], w))


def _nearest_call(ctx: _Context) -> list[str] | None:
    """The qualified call closest to the cursor (preferring the ones above it) as words:
    `yaml.safe_load(f)` -> "yaml safe load". Receivers such as `self` drop out as noise."""
    best: tuple[int, int, list[str]] | None = None
    for qualified, line in ctx.calls:
        words = _content(w for part in raw_words(qualified) for w in _words(part))
        if len(words) < 2 or any(p in ctx.unsafe for p in raw_words(qualified)):
            continue
        distance = ctx.cursor_line - line
        key = (abs(distance) * 2 + (1 if distance < 0 else 0), line)
        if best is None or key < best[:2]:
            best = (key[0], key[1], words[:MAX_WORDS])
    return best[2] if best else None


def _library(ctx: _Context) -> str | None:
    """The import the code near the cursor uses most, else the last third-party one."""
    candidates = [m for m in ctx.imports if not m.startswith(".") and m.strip()]
    if not candidates:
        return None
    weights: dict[str, float] = {}
    for occ in ctx.occurrences:
        weights[occ.text] = weights.get(occ.text, 0.0) + 1.0 / (
            1.0 + abs(occ.line - ctx.cursor_line) / 4.0
        )
    best: tuple[float, int, str] | None = None
    for index, module in enumerate(candidates):
        names = set(ctx.import_names.get(module, set()))
        names.update(s for s in _SEGMENT_SPLIT.split(module) if s)
        used = sum(weights.get(n, 0.0) for n in names)
        if _standard(module, ctx.language):
            used *= 0.5  # a third-party library says more about the code than `java.util`
        if used > 0 and (best is None or (used, index) > best[:2]):
            best = (used, index, module)
    if best is not None:
        return best[2]
    third_party = [m for m in candidates if not _standard(m, ctx.language)]
    return third_party[-1] if third_party else None


def _standard(module: str, language: str) -> bool:
    """Standard-library imports say little when unused near the cursor."""
    root = _SEGMENT_SPLIT.split(module)[0]
    if language == "python":
        return root in getattr(sys, "stdlib_module_names", frozenset())
    if language == "go":
        return "." not in root
    if language in ("java", "kotlin", "scala", "groovy"):
        return root in ("java", "javax", "kotlin", "scala")
    if language == "rust":
        return root in ("std", "core", "alloc", "crate", "self", "super")
    if language.startswith(("javascript", "typescript")):
        return module.startswith("node:")
    return False


def _library_words(module: str, language: str) -> list[str]:
    """A module path as the one to three words people call the library by."""
    if module.startswith("@") and "/" in module:  # npm scope: `@tanstack/react-query`
        scope, _, rest = module[1:].partition("/")
        package = rest.split("/")[0]
        parts = [scope, package] if package in _GENERIC_PACKAGES else [package]
        segments = parts
    else:
        segments = [s for s in _SEGMENT_SPLIT.split(module.replace("node:", "")) if s]
    words: list[list[str]] = []
    for segment in segments:
        low = segment.lower()
        if low in _GENERIC_SEGMENTS or _VERSION.match(low) or "." in segment:
            continue
        if segment.isupper() or segment.islower() or not segment.isalnum():
            parts = [p for p in re.split(r"[-_\s]+", low) if p]
        else:
            parts = split_words(segment)  # a class name: `ObjectMapper`
        parts = [p for p in parts if p not in ("go", "js", "py", "rs", "lib")] or parts
        if parts:
            words.append(parts)
    if not words:
        return []
    if language == "go":
        chosen = words[-2:]
    elif segments[-1][:1].isupper() and len(words) > 1:
        chosen = words[-2:]  # JVM/.NET: the package holding the class, then the class
    else:
        chosen = words[:2]
    flat = [w for part in chosen for w in part]
    return list(dict.fromkeys(flat))[:3]


# --- cleaning -------------------------------------------------------------------------------


def _clean_query(query: str, unsafe: set[str]) -> list[str] | None:
    """Lower-case words, no repeats, no noise at the ends, 2..MAX_WORDS words, nothing the
    secrets engine would flag; None when nothing presentable is left."""
    words: list[str] = []
    for word in query.lower().split():
        if word in words or not (word.isalpha() or word in _SHORT_OK):
            continue
        if not _useful(word):
            continue
        if any(word in u.lower() for u in unsafe if len(word) >= 4):
            continue
        words.append(word)
    words = words[:MAX_WORDS]
    if len(words) < 2 or not any(len(w) >= 3 for w in words):
        return None
    if find_secrets(" ".join(words)):
        return None
    return words


def _recent(recent: Sequence[str], context_words: set[str], taken: set[str]) -> list[Suggestion]:
    """At most two recent searches: those sharing a word with the context first, then the
    latest. `recent` is most recent first."""
    cleaned: list[str] = []
    for raw in recent:
        if not isinstance(raw, str):
            continue
        q = " ".join(raw.lower().split())[:MAX_RECENT_CHARS].strip()
        if not q or q in taken or q in cleaned or find_secrets(q) or find_secrets(raw):
            continue
        cleaned.append(q)
    related = [
        q
        for q in cleaned
        if any(normalize(w) in context_words for w in q.split() if w not in STOP_WORDS)
    ]
    ordered = list(dict.fromkeys(related + cleaned))
    return [Suggestion(q, "recent") for q in ordered[:MAX_RECENT]]
