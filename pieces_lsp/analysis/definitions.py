"""What a snippet defines and calls, from our `definitions.scm` queries.

Titles, descriptions, tags and templates all read the same facts (definitions with their
parameters and docs, the calls made, the identifiers and literals), so one pass over the tree
collects them and is cached per parse: the four analysers together stay within a few
milliseconds on a 100-line snippet.

Capture names in `grammars/queries/<lang>/definitions.scm` (the convention of tree-sitter's own
`tags.scm`): `@definition.<kind>` on the whole node, `@name` on its name, `@params` on its
parameter list (optional: languages without a parameters field are found structurally), and
`@reference.call` on a call with `@callee` on the called expression. Lines are 0-based, as in LSP.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from tree_sitter import Node, QueryCursor

from pieces_lsp.analysis.parsing import Parsed, query

KINDS = (
    "function",
    "method",
    "class",
    "interface",
    "struct",
    "enum",
    "trait",
    "type",
    "module",
    "constant",
    "variable",
)
_CLASS_LIKE = frozenset({"class", "interface", "struct", "enum", "trait"})
_VALUE_KINDS = frozenset({"constant", "variable"})

# Leaf node types that name something. Types (type_identifier) and members (property/field
# identifiers) are names too, but never local variables: `LOCAL_NAME_TYPES` is the subset a
# template may rename. `variable` (Haskell, PowerShell with its `$`) and `varname` (Perl, without
# its sigil), Dart's `$name` in a string and OCaml's `value_name`/`value_pattern` exist in none of
# the other grammars.
NAME_TYPES = frozenset(
    {
        "identifier",
        "simple_identifier",
        "property_identifier",
        "field_identifier",
        "type_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
        "constant",
        "name",
        "package_identifier",
        "namespace_identifier",
        "variable_name",
        "variable",
        "varname",
        "identifier_dollar_escaped",
        "value_name",
        "value_pattern",
    }
)
LOCAL_NAME_TYPES = frozenset(
    {
        "identifier",
        "simple_identifier",
        "name",
        "variable",
        "varname",
        "identifier_dollar_escaped",
        "value_name",
        "value_pattern",
    }
)
_PARAM_NAME_TYPES = frozenset(
    {
        "identifier",
        "simple_identifier",
        "name",
        "variable_name",
        "variable",
        "varname",
        "value_pattern",
    }
)
# Parameter groups to look into: Dart's `[int a, int b]` and `{required String c}`.
_PARAM_GROUPS = frozenset({"optional_formal_parameters"})
_DOT_TOKENS = frozenset({".", "->", "::", "?.", "?->", "&.", "!."})
_RECEIVERS = frozenset({"self", "&self", "&mut self", "mut self", "cls", "this", "$this"})
_IMPORT_TYPE = re.compile(
    r"import|use_declaration|using_directive|preproc_include|package_clause|package_declaration|"
    r"namespace_use|extern_crate|require"
)
# Nodes that wrap a definition without being one: its doc comment sits above the wrapper.
_WRAPPERS = frozenset(
    {
        "decorated_definition",
        "export_statement",
        "lexical_declaration",
        "variable_declaration",
        "type_declaration",
        "template_declaration",
        "const_declaration",
        "var_declaration",
        "expression_statement",
        "declaration",
        "assignment_statement",
        "local_variable_declaration",
        "field_declaration",
        "property_declaration",
        "ambient_declaration",
        "implementation_definition",
        "value_definition",
    }
)
# Wrappers that are ordinary blocks in other grammars (Go has a `statement_list` too).
_LANGUAGE_WRAPPERS = frozenset(
    {
        ("statement_list", "powershell"),
        ("declarations", "haskell"),
        ("declaration_expression", "fsharp"),
    }
)
_SKIP_BEFORE_DOC = frozenset(
    {"attribute_item", "decorator", "annotation", "marker_annotation", "attribute_list"}
)
_COMMENT_MARKERS = re.compile(
    r"^\s*(?:/\*\*+|/\*!?|\*+/|///?!?|//+|#>(?=\s*$)|#+|--\[=*\[|--+|\]=*\]|;+|\*+(?!/)|"
    r"=begin|=end|<#|#>)\s?"
)
_HELP_KEYWORD = re.compile(r"^\.(?:SYNOPSIS|DESCRIPTION|PARAMETER|EXAMPLE|NOTES|OUTPUTS|INPUTS)\b")
_DECORATOR_LINE = re.compile(r"^(?:@[\w.]+(?:\(.*\))?|#\[.*\])\s*$")
_STRING_QUOTES = re.compile(r'^([A-Za-z]*)("""|\'\'\'|"|\'|`)(.*)\2$', re.S)
_STRING_CONTENT_TYPES = frozenset(
    {
        "string_content",
        "string_fragment",
        "string_value",
        "quoted_content",
        "string_literal_content",
    }
)
_STRING_TYPE = re.compile(r"string|^char_literal$|^heredoc_body$")
_SEGMENT = re.compile(r"[A-Za-z_$][\w$]*[?!]?$")
_HYPHENATED = re.compile(r"[A-Za-z_][\w-]*$")  # PowerShell's Verb-Noun names
_NUMBER_TYPE = re.compile(r"integer|^number$|^int_literal$|^number_literal$|^decimal_integer")


@dataclass(frozen=True, slots=True)
class Definition:
    """One named definition; `return_type` and `container` feed descriptions."""

    name: str
    kind: str
    params: tuple[str, ...]
    signature: str
    docstring: str | None
    start_line: int
    end_line: int
    return_type: str | None = None
    container: str | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """A call site: `name` is the last segment, `qualified` keeps a simple receiver."""

    name: str
    qualified: str
    line: int


@dataclass(frozen=True, slots=True)
class Token:
    """An identifier leaf with the context a template needs to decide whether it is local."""

    text: str
    type: str
    start: int
    end: int
    parent_type: str
    field: str | None
    after_dot: bool
    in_import: bool


@dataclass(frozen=True, slots=True)
class Literal:
    """A string's content span (quotes excluded) or a number, for placeholders."""

    kind: str  # "string" or "number"
    text: str
    start: int
    end: int
    line: int
    in_import: bool


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything the describe/tags/template analysers read from one parse."""

    definitions: tuple[Definition, ...]
    def_nodes: tuple[Node, ...]
    name_spans: frozenset[tuple[int, int]]
    calls: tuple[Call, ...]
    tokens: tuple[Token, ...]
    literals: tuple[Literal, ...]
    comments: tuple[str, ...]
    returns: tuple[str, ...]


_cache_lock = threading.Lock()
_cache: OrderedDict[int, tuple[Parsed, Facts]] = OrderedDict()
_CACHE_SIZE = 8


def facts(parsed: Parsed) -> Facts:
    """Facts for a parse, computed once: the entry keeps `parsed` alive so its id stays unique."""
    key = id(parsed)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is parsed:
            _cache.move_to_end(key)
            return hit[1]
    result = _collect(parsed)
    with _cache_lock:
        _cache[key] = (parsed, result)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def definitions(parsed: Parsed) -> list[Definition]:
    """Definitions in document order; nested functions of class-like definitions are methods."""
    return list(facts(parsed).definitions)


def main_definition(parsed: Parsed) -> Definition | None:
    """The top-level definition covering most of the snippet, if one covers enough of it.

    Plain variables and constants never qualify: a config object or a counter says little about
    what a snippet is for. A small helper in a long script does not qualify either (under a
    third of the code lines), so the title comes from the script's dominant action instead."""
    found = facts(parsed)
    if not found.definitions:
        return None
    lines = parsed.source.split(b"\n")
    # prefix[i] = non-blank lines before line i, so a definition's cover is one subtraction
    # (a 10k-line file with thousands of definitions stays linear).
    prefix = [0]
    for ln in lines:
        prefix.append(prefix[-1] + (1 if ln.strip() else 0))
    total = prefix[-1]
    if not total:
        return None
    modules = {d.name for d in found.definitions if d.kind == "module"}
    best: Definition | None = None
    best_cover = 0
    for d in found.definitions:
        # A namespace or package wrapping everything says less than what it contains.
        if d.kind in _VALUE_KINDS or d.kind == "module":
            continue
        if d.container is not None and d.container not in modules:
            continue
        start = min(max(d.start_line, 0), len(lines))
        end = min(max(d.end_line + 1, start), len(lines))
        cover = prefix[end] - prefix[start]
        if cover > best_cover:
            best, best_cover = d, cover
    if best is None or best_cover < max(1, 0.34 * total):
        return None
    return best


# --- collection -------------------------------------------------------------------------------


def _collect(parsed: Parsed) -> Facts:
    defs, def_nodes, name_spans, calls = _from_query(parsed)
    if not defs and parsed.root.has_error and query(parsed.language, "definitions") is not None:
        defs = _from_lines(parsed)
    tokens, literals, comments, returns = _walk(parsed)
    return Facts(
        definitions=tuple(defs),
        def_nodes=tuple(def_nodes),
        name_spans=frozenset(name_spans),
        calls=tuple(calls),
        tokens=tuple(tokens),
        literals=tuple(literals),
        comments=tuple(comments),
        returns=tuple(returns),
    )


def _from_query(
    parsed: Parsed,
) -> tuple[list[Definition], list[Node], set[tuple[int, int]], list[Call]]:
    q = query(parsed.language, "definitions")
    if q is None:
        return [], [], set(), []
    cursor = QueryCursor(q, match_limit=4096)
    found: dict[tuple[int, int], tuple[str, Node, Node, Node | None]] = {}
    calls: list[Call] = []
    seen_calls: set[tuple[int, int]] = set()
    for _idx, caps in cursor.matches(parsed.root):
        if "reference.call" in caps:
            call_node = caps["reference.call"][0]
            callee = caps.get("callee")
            call_span = (call_node.start_byte, call_node.end_byte)
            if callee and call_span not in seen_calls:
                seen_calls.add(call_span)
                call = _call(parsed, call_node, callee[0])
                if call is not None:
                    calls.append(call)
            continue
        for key, nodes in caps.items():
            if not key.startswith("definition."):
                continue
            kind = key[len("definition.") :]
            node = nodes[0]
            name_nodes = caps.get("name")
            if not name_nodes or kind not in KINDS:
                continue
            span = (node.start_byte, node.end_byte)
            previous = found.get(span)
            params = caps.get("params")
            # The same node can match a general and a specific pattern: methods win, and so
            # does the pattern that found the parameters.
            if (
                previous is None
                or (previous[0] == "function" and kind == "method")
                or (previous[0] == kind and previous[3] is None and params)
            ):
                found[span] = (kind, node, name_nodes[-1], params[0] if params else None)
    spread = [
        (kind, node, name_node, params_node, extent)
        for kind, node, name_node, params_node in found.values()
        if (extent := _extent(parsed, node)) is not None
    ]
    ordered = sorted(spread, key=lambda v: (v[4][0].start_byte, -v[4][1].end_byte))
    defs: list[Definition] = []
    nodes: list[Node] = []
    name_spans: set[tuple[int, int]] = set()
    stack: list[tuple[Node, Definition]] = []
    for kind, node, name_node, params_node, (first, last) in ordered:
        while stack and stack[-1][0].end_byte <= first.start_byte:
            stack.pop()
        container = stack[-1][1] if stack else None
        if kind == "function" and (
            (container is not None and container.kind in _CLASS_LIKE)
            or (container is None and _inside_impl(node))
        ):
            kind = "method"
        if kind == "class":
            kind = _class_flavour(parsed, node)
        name = _last_segment(parsed.text(name_node), parsed.language)
        if not name:
            continue
        name_spans.add((name_node.start_byte, name_node.end_byte))
        d = Definition(
            name=name,
            kind=kind,
            params=_params(parsed, node, params_node),
            signature=_signature(parsed, first),
            docstring=_docstring(parsed, first),
            start_line=first.start_point.row,
            end_line=_end_line(last),
            return_type=_return_type(parsed, node) if kind in ("function", "method") else None,
            container=container.name if container else None,
        )
        defs.append(d)
        nodes.append(node)
        stack.append((last, d))
    return defs, nodes, name_spans, calls


def _same_name(a: Node | None, b: Node) -> bool:
    if a is None or a.type not in ("signature", "function", "bind"):
        return False
    name_a, name_b = a.child_by_field_name("name"), b.child_by_field_name("name")
    return name_a is not None and name_b is not None and name_a.text == name_b.text


def _extent(parsed: Parsed, node: Node) -> tuple[Node, Node] | None:
    """First and last node of a definition some grammars spread over siblings, or None for a
    node that only continues one: Dart writes a signature then its `function_body`; Haskell
    a type signature then one `function` node per equation."""
    if parsed.language == "dart":
        nxt = node.next_named_sibling
        if nxt is not None and nxt.type == "function_body":
            return node, nxt
    elif parsed.language == "haskell" and node.type in ("function", "bind"):
        prev = node.prev_named_sibling
        if prev is not None and prev.type != "signature" and _same_name(prev, node):
            return None  # a later equation of the function above
        first = prev if prev is not None and _same_name(prev, node) else node
        last = node
        while _same_name(last.next_named_sibling, node):
            nxt = last.next_named_sibling
            if nxt is None or nxt.type == "signature":
                break
            last = nxt
        return first, last
    return node, node


_FLAVOURS = {
    "interface": "interface",
    "protocol": "interface",
    "struct": "struct",
    "enum": "enum",
    "trait": "trait",
}


def _class_flavour(parsed: Parsed, node: Node) -> str:
    """Kotlin and Swift spell interfaces, enums and structs as class_declaration + a keyword."""
    for child in node.children[:4]:
        if not child.is_named and child.type in _FLAVOURS:
            return _FLAVOURS[child.type]
        if child.type == "modifiers" and re.search(r"\benum\b", parsed.text(child)):
            return "enum"
    return "class"


def _inside_impl(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in ("impl_item", "class_body", "class_declaration"):
            return True
        parent = parent.parent
    return False


def _end_line(node: Node) -> int:
    end = node.end_point
    return end.row - 1 if end.column == 0 and end.row > node.start_point.row else end.row


def _last_segment(text: str, language: str = "") -> str:
    pattern = _HYPHENATED if language == "powershell" else _SEGMENT
    m = pattern.search(text.strip())
    return m.group(0).lstrip("$") if m else text.strip()


def _call(parsed: Parsed, call_node: Node, callee: Node) -> Call | None:
    text = parsed.text(callee)
    if len(text) > 200:
        text = text[-200:]
    text = re.sub(r"(?:::)?<[^<>()]*>$", "", text.rstrip())  # getBean<T>, collect::<Vec<_>>
    name = _last_segment(text, parsed.language)
    if not name or not re.match(r"[A-Za-z_$]", name):
        return None
    receiver = None
    for field in ("object", "receiver", "scope"):
        obj = call_node.child_by_field_name(field)
        if obj is not None and obj.start_byte < callee.start_byte:
            receiver = parsed.text(obj)
            break
    qualified = f"{receiver}.{text}" if receiver is not None else text
    qualified = re.sub(r"\s+", "", qualified)
    if not re.fullmatch(r"[\w$:.\->@\\]+", qualified):
        qualified = name
    return Call(name=name, qualified=qualified, line=call_node.start_point.row)


def _params(parsed: Parsed, node: Node, params_node: Node | None) -> tuple[str, ...]:
    items: list[Node] = []
    if params_node is not None:
        if params_node.type in _PARAM_NAME_TYPES:
            items = [params_node]
        else:
            items = list(params_node.named_children)
    else:
        field = node.child_by_field_name("parameters")
        if field is not None:
            items = list(field.named_children)
        else:
            for child in node.named_children:
                if child.type.endswith(("parameters", "parameter_list")):
                    items = list(child.named_children)
                    break
                if child.type == "primary_constructor":
                    for sub in child.named_children:
                        if sub.type.endswith("parameters"):
                            items = list(sub.named_children)
                    break
                if child.type in ("parameter", "method_parameter"):
                    items.append(child)
    items = [sub for item in items for sub in _ungroup(item)]
    out: list[str] = []
    for item in items:
        if "comment" in item.type or item.type in ("self_parameter", "this"):
            continue
        for name in _param_names(parsed, item):
            if name not in _RECEIVERS and name not in out:
                out.append(name)
    return tuple(out[:32])


def _ungroup(item: Node) -> list[Node]:
    return list(item.named_children) if item.type in _PARAM_GROUPS else [item]


def _param_names(parsed: Parsed, node: Node) -> list[str]:
    if node.type in _PARAM_NAME_TYPES:
        return [parsed.text(node).lstrip("$&*")]
    if node.type in ("object_pattern", "array_pattern", "tuple_pattern", "list_pattern"):
        text = re.sub(r"\s+", " ", parsed.text(node))
        return [text] if len(text) <= 40 else []
    names = node.children_by_field_name("name")
    if len(names) > 1:  # Go: `a, b int`
        return [parsed.text(n) for n in names if n.type in _PARAM_NAME_TYPES]
    for field in ("name", "pattern", "declarator", "left"):
        child = node.child_by_field_name(field)
        if child is not None:
            return _param_names(parsed, child)
    stack = list(reversed(node.named_children))
    while stack:
        current = stack.pop()
        if current.type in _PARAM_NAME_TYPES:
            return [parsed.text(current).lstrip("$&*")]
        if current.type in ("self_parameter", "this"):
            return []
        stack.extend(reversed(current.named_children))
    text = parsed.text(node).strip()
    return [text] if text in _RECEIVERS else []


def _signature(parsed: Parsed, node: Node) -> str:
    """The definition's first line, past decorators and annotations written above it."""
    src = parsed.source
    line_start = src.rfind(b"\n", 0, node.start_byte) + 1
    line = ""
    while line_start < node.end_byte:
        line_end = src.find(b"\n", line_start)
        line_end = len(src) if line_end < 0 else line_end
        line = src[line_start:line_end].decode("utf-8", "replace").strip()
        if line and not _DECORATOR_LINE.match(line):
            break
        line_start = line_end + 1
    if len(line) > 160:
        line = line[:160].rstrip()
    return line.rstrip("{").rstrip()


def _return_type(parsed: Parsed, node: Node) -> str | None:
    child = None
    for field in ("return_type", "result", "returns"):
        child = node.child_by_field_name(field)
        if child is not None:
            break
    if child is None and parsed.language in ("java", "c", "cpp", "csharp", "zig"):
        child = node.child_by_field_name("type")
    if child is None and parsed.language == "kotlin":
        seen_params = False
        for c in node.named_children:
            if c.type.endswith("parameters"):
                seen_params = True
            elif seen_params and c.type.endswith("type"):
                child = c
                break
            elif seen_params:
                break
    if child is None:
        return None
    text = re.sub(r"\s+", " ", parsed.text(child)).strip().lstrip(":").strip()
    text = re.sub(r"^->\s*", "", text)
    if not text or text in ("void", "Unit", "()", "None") or len(text) > 48:
        return None
    return text


def _docstring(parsed: Parsed, node: Node) -> str | None:
    if parsed.language == "python":
        body = node.child_by_field_name("body")
        if body is not None and body.named_child_count:
            first = body.named_children[0]
            if first.type == "expression_statement" and first.named_child_count:
                s = first.named_children[0]
                if s.type == "string":
                    return _clean_doc(_strip_quotes(parsed.text(s)))
    if parsed.language in ("elixir", "julia"):
        doc = _doc_string_above(parsed, node)
        if doc is not None:
            return doc
    anchor = node
    while anchor.parent is not None and (
        anchor.parent.type in _WRAPPERS
        or (anchor.parent.type, parsed.language) in _LANGUAGE_WRAPPERS
    ):
        if anchor.parent.start_point.row < anchor.start_point.row - 3:
            break
        if anchor.parent.type == "declarations" and anchor.prev_named_sibling is not None:
            break  # Haskell: only the first declaration's comment sits outside the list
        anchor = anchor.parent
    lines: list[str] = []
    row = anchor.start_point.row
    prev = anchor.prev_named_sibling
    while prev is not None and prev.type in _SKIP_BEFORE_DOC:
        row = prev.start_point.row
        prev = prev.prev_named_sibling
    while (
        prev is not None
        and ("comment" in prev.type or prev.type in ("haddock", "xml_doc"))
        and prev.end_point.row >= row - 1
    ):
        text = parsed.text(prev)
        if prev.type == "haddock":
            text = re.sub(r"(?m)^(\s*--+)\s*[|^]", r"\1", text)
        elif text.startswith("(*"):  # OCaml and F# block comments
            text = re.sub(r"^\(\*+|\*+\)$", "", text)
        lines.insert(0, text)
        row = prev.start_point.row
        prev = prev.prev_named_sibling
    if not lines:
        return None
    return _clean_doc("\n".join(lines))


def _doc_string_above(parsed: Parsed, node: Node) -> str | None:
    """Elixir's `@doc "..."` and Julia's docstring are strings written just above the code."""
    prev = node.prev_named_sibling
    if prev is None or prev.end_point.row < node.start_point.row - 1:
        return None
    if parsed.language == "julia" and prev.type == "string_literal":
        text = _strip_quotes(parsed.text(prev))
        # The conventional first block repeats the signature, indented: the prose follows it.
        prose = [ln for ln in text.split("\n") if not ln.startswith(("    ", "\t"))]
        return _clean_doc("\n".join(prose))
    if parsed.language == "elixir" and prev.type == "unary_operator":
        inner = prev.named_children[0] if prev.named_child_count else None
        target = inner.child_by_field_name("target") if inner is not None else None
        if target is None or parsed.text(target) not in ("doc", "moduledoc", "typedoc"):
            return None
        for arg in inner.named_children:
            if arg.type == "arguments" and arg.named_child_count:
                value = arg.named_children[0]
                if value.type == "string":
                    return _clean_doc(_strip_quotes(parsed.text(value)).strip())
    return None


def _strip_quotes(text: str) -> str:
    m = _STRING_QUOTES.match(text)
    return m.group(3) if m else text


def clean_comment(text: str) -> str:
    """Comment text without markers, doc tags or markup, whitespace collapsed."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw
        for _ in range(2):
            line = _COMMENT_MARKERS.sub("", line)
        line = re.sub(r"\*+/\s*$", "", line).strip()
        if _HELP_KEYWORD.match(line):  # PowerShell comment-based help
            if any(out):
                break
            continue
        if line.startswith("@") or line.startswith(":param") or line.startswith(":return"):
            break  # JSDoc/Javadoc/Sphinx tags: the summary is over
        out.append(line)
    text = " ".join(x for x in out if x)
    text = re.sub(r"</?[A-Za-z][^>]*>", " ", text)  # <summary>, <p>
    text = re.sub(r"\{@\w+\s+([^}]*)\}", r"\1", text)  # {@link Foo}
    return re.sub(r"\s+", " ", text).strip()


def _clean_doc(text: str) -> str | None:
    if re.search(r"(?i)copyright|licen[cs]e|spdx|-\*-.*-\*-|eslint|noqa|pragma", text):
        return None
    cleaned = clean_comment(text)
    return cleaned or None


_LINE_DEF = re.compile(
    r"^(\s*)(?:@\w+\s+)*(?:(?:export|default|public|private|protected|internal|static|final|"
    r"abstract|open|override|async|pub(?:\([^)]*\))?|data|sealed|suspend|inline|unsafe|extern)\s+)*"
    r"(def|class|function|func|fun|fn|interface|struct|enum|trait|object|module|record)\s+"
    r"(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*(\(([^)]*)\)?)?"
)
# C-family methods have no keyword: `public Book findBook(ISBN isbn)`.
_LINE_METHOD = re.compile(
    r"^(\s*)(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|protected|internal|static|final|"
    r"abstract|synchronized|native|virtual|override|async|inline|extern|const|unsafe|default)\s+)*"
    r"(?!(?:return|new|else|throw|await|yield|case|goto)\b)([\w<>\[\],.?]+(?:\s*[*&])?)\s+"
    r"(?!(?:if|for|while|switch|catch|return|sizeof|using|lock)\b)([A-Za-z_]\w*)\s*"
    r"(\(([^)]*)\))\s*(?:const\s*)?(?:throws\s+[\w., ]+)?\s*[{;]?\s*$"
)
# Objective-C methods outside their @implementation do not parse: `- (void)save:(id)x to:(id)y`.
_LINE_OBJC_METHOD = re.compile(r"^(\s*)([-+])\s*\([^)]*\)\s*([A-Za-z_]\w*)()(.*)$")
_OBJC_PARAM = re.compile(r":\s*(?:\([^)]*\))?\s*([A-Za-z_]\w*)")
_C_FAMILY = frozenset({"java", "csharp", "c", "cpp", "dart", "groovy"})
_LINE_KINDS = {
    "def": "function",
    "function": "function",
    "func": "function",
    "fun": "function",
    "fn": "function",
    "object": "class",
    "record": "class",
    "-": "method",
    "+": "method",
}


def _from_lines(parsed: Parsed) -> list[Definition]:
    """Definitions found line by line, for snippets cut mid-way that do not parse as a whole.

    Only the least indented definitions are kept: they are the ones a title should name."""
    text = parsed.source.decode("utf-8", "replace")
    lines = text.split("\n")
    found: list[tuple[int, int, re.Match[str]]] = []
    c_family = parsed.language in _C_FAMILY
    for i, line in enumerate(lines[:400]):
        m = _LINE_DEF.match(line)
        if m is None and c_family:
            m = _LINE_METHOD.match(line)
        if m is None and parsed.language == "objective-c":
            m = _LINE_OBJC_METHOD.match(line)
        if m:
            found.append((len(m.group(1).expandtabs()), i, m))
    if not found:
        return []
    base = min(indent for indent, _i, _m in found)
    last = max(i for i, ln in enumerate(lines) if ln.strip()) if text.strip() else 0
    top = [(i, m) for indent, i, m in found if indent == base]
    out: list[Definition] = []
    for n, (i, m) in enumerate(top):
        end = top[n + 1][0] - 1 if n + 1 < len(top) else last
        keyword = m.group(2)
        if m.re is _LINE_METHOD:
            keyword = "method" if parsed.language in ("java", "csharp", "groovy") else "function"
        params: tuple[str, ...] = ()
        if m.re is _LINE_OBJC_METHOD:
            params = tuple(_OBJC_PARAM.findall(m.group(5) or ""))
        elif m.group(5) and _LINE_KINDS.get(keyword, keyword) in ("function", "method"):
            names = [re.findall(r"[A-Za-z_$][\w$]*", p) for p in m.group(5).split(",")]
            picked = [_pick_param(parsed.language, ws) for ws in names if ws]
            params = tuple(p for p in picked if p and p not in _RECEIVERS)
        out.append(
            Definition(
                name=m.group(3),
                kind=_LINE_KINDS.get(keyword, keyword),
                params=params,
                signature=lines[i].strip().rstrip("{").rstrip()[:160],
                docstring=_line_docstring(lines, i),
                start_line=i,
                end_line=max(i, end),
            )
        )
    return out


def _pick_param(language: str, words: list[str]) -> str:
    """`int count` -> count (C family: name last); `count: Int` -> count (name first)."""
    if language in ("java", "c", "cpp", "csharp", "dart") and len(words) > 1:
        return words[-1]
    return words[0]


def _line_docstring(lines: list[str], i: int) -> str | None:
    nxt = next((ln.strip() for ln in lines[i + 1 : i + 3] if ln.strip()), "")
    if nxt.startswith(('"""', "'''")):
        quote = nxt[:3]
        body = [nxt[3:]]
        for ln in lines[i + 2 : i + 12]:
            if quote in body[-1]:
                break
            body.append(ln.strip())
        return _clean_doc(" ".join(body).split(quote)[0])
    above: list[str] = []
    j = i - 1
    while j >= 0 and re.match(r"\s*(?://|#(?!\[)|/\*|\*|--)", lines[j]):
        above.insert(0, lines[j])
        j -= 1
    return _clean_doc("\n".join(above)) if above else None


# --- one walk over the tree -------------------------------------------------------------------


def _walk(parsed: Parsed) -> tuple[list[Token], list[Literal], list[str], list[str]]:
    tokens: list[Token] = []
    literals: list[Literal] = []
    comments: list[str] = []
    returns: list[str] = []
    src = parsed.source
    stack: list[tuple[Node, bool]] = [(parsed.root, False)]
    budget = 60000  # nodes: bounds the walk on a 256 KB input
    while stack and budget > 0:
        node, in_import = stack.pop()
        budget -= 1
        ntype = node.type
        if not in_import and (_IMPORT_TYPE.search(ntype) or _zig_import(parsed, node)):
            in_import = True
        if "comment" in ntype:
            if len(comments) < 64:
                comments.append(parsed.text(node))
            continue
        if ntype in ("return_statement", "return_expression", "control_transfer_statement"):
            value = node.named_children[-1] if node.named_child_count else None
            if value is not None and len(returns) < 16:
                returns.append(re.sub(r"\s+", " ", parsed.text(value))[:60])
        if _STRING_TYPE.search(ntype) and node.is_named and "content" not in ntype:
            lit = _string_literal(parsed, node, in_import)
            if lit is not None:
                literals.append(lit)
            if not node.named_child_count or lit is not None:
                continue
        elif node.child_count == 0 and _NUMBER_TYPE.search(ntype):
            literals.append(
                Literal(
                    "number",
                    parsed.text(node),
                    node.start_byte,
                    node.end_byte,
                    node.start_point.row,
                    in_import,
                )
            )
            continue
        children = node.children
        for i in range(len(children) - 1, -1, -1):
            child = children[i]
            ctype = child.type
            if ctype in NAME_TYPES and child.child_count == 0:
                prev = children[i - 1].type if i > 0 else ""
                tokens.append(
                    Token(
                        text=src[child.start_byte : child.end_byte].decode("utf-8", "replace"),
                        type=ctype,
                        start=child.start_byte,
                        end=child.end_byte,
                        parent_type=ntype,
                        field=node.field_name_for_child(i),
                        after_dot=prev in _DOT_TOKENS,
                        in_import=in_import,
                    )
                )
            elif child.is_named or child.child_count:
                stack.append((child, in_import))
    tokens.sort(key=lambda t: t.start)
    literals.sort(key=lambda x: x.start)
    return tokens, literals, comments, returns


def _zig_import(parsed: Parsed, node: Node) -> bool:
    """Zig imports are declarations: `const std = @import("std");`."""
    if parsed.language != "zig" or node.type != "variable_declaration":
        return False
    return any(
        c.type == "builtin_function" and parsed.text(c).startswith("@import") for c in node.children
    )


def _string_literal(parsed: Parsed, node: Node, in_import: bool) -> Literal | None:
    named = node.named_children
    content: tuple[int, int] | None = None
    if not named:
        text = parsed.text(node)
        m = _STRING_QUOTES.match(text)
        if m is None:
            return None
        start = node.start_byte + len((m.group(1) + m.group(2)).encode("utf-8"))
        end = node.end_byte - len(m.group(2).encode("utf-8"))
        content = (start, end)
    else:
        inner = [c for c in named if c.type not in ("string_start", "string_end")]
        if len(inner) == 1 and (
            inner[0].type in _STRING_CONTENT_TYPES or inner[0].type.endswith("_content")
        ):
            content = (inner[0].start_byte, inner[0].end_byte)
    if content is None or content[1] <= content[0]:
        return None
    value = parsed.source[content[0] : content[1]].decode("utf-8", "replace")
    if "\\" in value or "\n" in value:
        return None
    return Literal("string", value, content[0], content[1], node.start_point.row, in_import)
