"""A reusable LSP snippet template derived from a saved snippet.

What a user changes when reusing a snippet is what it binds itself (parameters, local variables
used several times) and the literals tied to one environment (URLs, paths, hosts, ports). Those
become `${n:original}` tab stops; every occurrence of one name shares its number so editors
mirror the edits. Everything else is escaped per the LSP snippet grammar (`\\`, `$` and `}`),
so `expand(template(x))` gives back `x` exactly; the stored content itself is never changed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from pieces_lsp.analysis.definitions import LOCAL_NAME_TYPES, Literal, Token, facts
from pieces_lsp.analysis.parsing import Parsed
from pieces_lsp.analysis.tags import words

MAX_TAB_STOPS = 9

_BINDING_PARENT = re.compile(
    r"assignment|declarator|let_declaration|short_var_declaration|var_spec|const_spec|"
    r"for_statement|for_in_clause|for_expression|enhanced_for|foreach|variable_declaration|"
    r"property_declaration|local_variable|with_item|as_pattern|catch|parameter|"
    r"local_declaration|val_definition|var_definition|value_binding_pattern|binding|"
    r"initialized_variable_definition"
)
_BINDING_FIELDS = frozenset({"left", "name", "pattern", "declarator", "alias", None})
_PATTERN_CONTAINERS = frozenset(
    {
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "expression_list",
        "variable_list",
        "array_pattern",
        "pattern",
        "identifier_list",
        "list_splat_pattern",
        "parenthesized_expression",
        "tuple",
    }
)
_URL = re.compile(r"^(?:https?|ftp|wss?|s3|gs|redis|postgres(?:ql)?|mysql|mongodb)://\S+$", re.I)
_PATH = re.compile(
    r"^(?:~|\.{1,2}|[A-Za-z]:)?[\\/]?(?:[\w.@{}:-]+[\\/])+[\w.@{}-]*$|"
    r"^[\w.-]+\.(?:csv|tsv|json|ya?ml|toml|ini|cfg|conf|txt|log|xml|html|db|sqlite3?|parquet|"
    r"xlsx?|pdf|png|jpe?g|gif|svg|md|env|pem|key|crt|zip|gz|tar|py|js|ts|sh|sql|properties)$",
    re.I,
)
_HOST = re.compile(
    r"^(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|app|local|"
    r"internal|cloud|ai|co|us|eu|de|uk|edu|gov))(?::\d{2,5})?$",
    re.I,
)
_PORT_CONTEXT = re.compile(r"(?i)port|listen|bind")


@dataclass(frozen=True, slots=True)
class _Stop:
    key: str  # the name, or "lit:<value>" for literals
    default: str
    spans: tuple[tuple[int, int], ...]
    priority: int  # 0 parameters, 1 literals, 2 local names


def escape(text: str) -> str:
    """Escape text for an LSP snippet (outside or inside a placeholder's default)."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def expand(snippet: str, values: dict[int, str] | None = None) -> str:
    """Insert a snippet with every tab stop at its default (or `values[n]`): the editor's view.

    Only the subset of the grammar that `template` writes and plain mirrors (`$n`, `${n}`) are
    understood; choices and variables are out of scope."""
    values = dict(values or {})
    defaults: dict[int, str] = {}

    def parse(i: int, stop_at_brace: bool) -> tuple[str, int]:
        out: list[str] = []
        n = len(snippet)
        while i < n:
            ch = snippet[i]
            if ch == "\\" and i + 1 < n and snippet[i + 1] in "\\$}":
                out.append(snippet[i + 1])
                i += 2
            elif ch == "}" and stop_at_brace:
                return "".join(out), i + 1
            elif ch == "$":
                m = re.compile(r"\$(\d+)|\$\{(\d+)(:|\})").match(snippet, i)
                if m is None:
                    out.append(ch)
                    i += 1
                elif m.group(1) is not None:
                    num = int(m.group(1))
                    out.append(values.get(num, defaults.get(num, "")))
                    i = m.end()
                elif m.group(3) == "}":
                    num = int(m.group(2))
                    out.append(values.get(num, defaults.get(num, "")))
                    i = m.end()
                else:
                    num = int(m.group(2))
                    inner, i = parse(m.end(), True)
                    defaults.setdefault(num, inner)
                    out.append(values.get(num, defaults[num]))
            else:
                out.append(ch)
                i += 1
        return "".join(out), i

    return parse(0, False)[0]


def _is_bound(token: Token, parsed: Parsed) -> bool:
    """Whether this occurrence binds the name (assignment target, declarator, loop variable)."""
    if token.type not in LOCAL_NAME_TYPES or token.after_dot or token.in_import:
        return False
    if token.type == "varname":  # Perl: `my $name` is varname < scalar < variable_declaration
        node = parsed.root.descendant_for_byte_range(token.start, token.end)
        decl = node.parent.parent if node is not None and node.parent is not None else None
        return decl is not None and decl.type == "variable_declaration"
    parent_type, field = token.parent_type, token.field
    if parent_type in _PATTERN_CONTAINERS or parent_type == "variable_name":
        node = parsed.root.descendant_for_byte_range(token.start, token.end)
        hops = 0
        while node is not None and node.parent is not None and hops < 4:
            parent = node.parent
            if parent.type in _PATTERN_CONTAINERS or parent.type == "variable_name":
                node = parent
                hops += 1
                continue
            field = None
            for i, child in enumerate(parent.children):
                if child.start_byte == node.start_byte and child.end_byte == node.end_byte:
                    field = parent.field_name_for_child(i)
                    break
            parent_type = parent.type
            break
    if not _BINDING_PARENT.search(parent_type):
        return False
    if "parameter" in parent_type:
        return True
    if field in ("value", "right", "body", "type", "arguments"):
        return False
    return field in _BINDING_FIELDS


def _renamable(token: Token) -> bool:
    """An occurrence that can take a tab stop: not a member, keyword argument or import."""
    if token.type not in LOCAL_NAME_TYPES or token.after_dot or token.in_import:
        return False
    if token.type == "name" and token.parent_type != "variable_name":
        return False  # PHP `name` leaves are functions and classes unless under `$`
    parent = token.parent_type
    if "argument" in parent and token.field == "name":
        return False  # keyword argument: f(name=value)
    return not (parent in ("pair", "keyword_argument", "named_argument") and token.field == "key")


def _literal_kind(lit: Literal, line_text: str) -> bool:
    if lit.in_import:
        return False
    value = lit.text
    if lit.kind == "number":
        if not value.isdigit() or not 1 <= int(value) <= 65535:
            return False
        return bool(_PORT_CONTEXT.search(line_text))
    if not value or len(value) > 300 or " " in value or len(value) < 3:
        return False
    if _URL.match(value) or _HOST.match(value):
        return True
    return bool(_PATH.match(value)) and ("/" in value or "\\" in value or "." in value)


def template(text: str, language: str, parsed: Parsed | None) -> str | None:
    """The snippet as an LSP template, or None when nothing in it is worth a tab stop."""
    if parsed is None:
        return None
    source = parsed.source
    if parsed.truncated or source.decode("utf-8", "surrogatepass") != text:
        return None  # byte offsets must address exactly `text`
    found = facts(parsed)
    never = words().never_template
    def_names = {d.name for d in found.definitions if d.kind not in ("variable", "constant")}

    occurrences: dict[str, list[tuple[int, int]]] = defaultdict(list)
    bound: Counter[str] = Counter()
    imported: set[str] = set()
    for t in found.tokens:
        if t.in_import or t.type == "shorthand_property_identifier":
            imported.add(t.text)  # renaming would change an import or an object key
        if _renamable(t):
            occurrences[t.text].append((t.start, t.end))
            if _is_bound(t, parsed):
                bound[t.text] += 1

    stops: list[_Stop] = []
    params: list[str] = []
    for d in found.definitions:
        params.extend(p for p in d.params if p not in params)

    def usable(name: str) -> bool:
        return (
            len(name) >= 2
            and name not in never
            and name not in imported
            and name not in def_names
            and re.fullmatch(r"[A-Za-z_]\w*", name) is not None
        )

    for name in params:
        if usable(name) and occurrences.get(name):
            stops.append(_Stop(name, name, tuple(occurrences[name]), 0))

    line_starts = [0] + [m.end() for m in re.finditer(b"\n", source)]
    by_value: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for lit in found.literals:
        line_start = line_starts[_bisect(line_starts, lit.start)]
        line_end = source.find(b"\n", lit.start)
        line_text = source[line_start : len(source) if line_end < 0 else line_end].decode(
            "utf-8", "replace"
        )
        if _literal_kind(lit, line_text):
            by_value[lit.text].append((lit.start, lit.end))
    for value, spans in by_value.items():
        stops.append(_Stop("lit:" + value, value, tuple(spans), 1))

    taken = {s.key for s in stops}
    locals_ranked = sorted(
        (n for n in bound if n not in taken and usable(n) and len(occurrences[n]) >= 2),
        key=lambda n: (-len(occurrences[n]), occurrences[n][0][0]),
    )
    for name in locals_ranked:
        stops.append(_Stop(name, name, tuple(occurrences[name]), 2))

    stops.sort(key=lambda s: (s.priority, s.spans[0][0]))
    chosen: list[_Stop] = []
    used: list[tuple[int, int]] = []
    for stop in stops:
        if len(chosen) >= MAX_TAB_STOPS:
            break
        if any(a < e and s < b for a, b in stop.spans for s, e in used):
            continue
        chosen.append(stop)
        used.extend(stop.spans)
    if not chosen:
        return None
    chosen.sort(key=lambda s: s.spans[0][0])
    edits: list[tuple[int, int, int, str]] = []
    for number, stop in enumerate(chosen, start=1):
        for start, end in stop.spans:
            edits.append((start, end, number, stop.default))
    edits.sort()
    out: list[str] = []
    pos = 0
    for start, end, number, _default in edits:
        out.append(escape(source[pos:start].decode("utf-8", "surrogatepass")))
        original = source[start:end].decode("utf-8", "surrogatepass")
        out.append(f"${{{number}:{escape(original)}}}")
        pos = end
    out.append(escape(source[pos:].decode("utf-8", "surrogatepass")))
    return "".join(out)


def _bisect(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo
