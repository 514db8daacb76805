"""A title and a one- or two-sentence description for a snippet, offline and deterministic.

The title reads like something a person would type: from the main definition (its doc
comment's first sentence when there is one, else its name split into words), or for a
fragment from its dominant action (the most used significant call). The description says what
the code defines, its inputs and outputs, the libraries it uses and its notable side effects
(`grammars/effects.toml`). Both are built from redacted text and scrubbed again at the end, so a
secret or a local absolute path never reaches the library's titles (which are shown, exported
and searched everywhere).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pieces_lsp import secrets
from pieces_lsp.analysis.definitions import (
    Call,
    Definition,
    clean_comment,
    facts,
    main_definition,
)
from pieces_lsp.analysis.parsing import Parsed
from pieces_lsp.analysis.tags import language_name, split_identifier, words
from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TITLE_MAX = 60
DESCRIPTION_MAX = 400
EFFECTS = ("network", "file system", "subprocess", "database", "environment")

# Calls that say nothing about what a fragment does.
_INSIGNIFICANT = frozenset(
    {
        "print", "println", "printf", "puts", "p", "pp", "echo", "log", "debug", "info", "warn",
        "error", "trace", "len", "str", "int", "float", "bool", "list", "dict", "set", "tuple",
        "range", "enumerate", "zip", "isinstance", "type", "super", "format", "append", "push",
        "add", "get", "to_string", "toString", "equals", "hashCode", "valueOf", "of", "new",
        "assert", "assertEqual", "assertEquals", "assertTrue", "assertThat", "expect", "require",
        "Some", "Ok", "Err", "unwrap", "clone", "into", "iter", "map", "filter",
        "String", "Object", "Integer", "sprintf", "Println", "Printf", "Sprintf", "Errorf",
        "cd", "then", "catch", "resolve", "reject", "setState", "useState", "join", "split",
        "strip", "trim", "keys", "items", "values", "size", "length", "lower", "upper", "sorted",
        "min", "max", "sum", "abs", "round", "open", "close", "main", "run", "apply", "call",
        "bind", "toList", "collect", "stream", "forEach", "build", "builder", "asList", "listOf",
        "mapOf", "setOf", "arrayOf", "emptyList", "requireNotNull", "let", "also", "with",
        "getattr", "setattr", "hasattr", "next", "id", "repr", "vars", "dir",
    }
)  # fmt: skip
_ABS_PATH = re.compile(
    r"(?:(?<![\w.])(?:[A-Za-z]:\\|\\\\)[^\s\"'`<>|]+|(?<![\w:/.])(?:~|/(?:home|Users|root|"
    r"var|etc|opt|usr|tmp|mnt|srv|private|Volumes|data|media|workspace|work))(?:/[^\s\"'`<>]+)+)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'`(])|\.\s*$|\n\s*\n")
_MEANINGLESS_COMMENT = re.compile(
    r"(?i)^(?:!|-\*-|#!|eslint|prettier|noqa|type:|pylint|pragma|region|endregion|todo\b|fixme\b|"
    r"@ts-|jshint|global |vim:|coding[:=]|copyright|licen[cs]ed|spdx|author|\$id)|^[-=*#/_~+.\s]*$"
)
# Web routes: app.get("/users/:id"), @app.post("/items"), r.GET("/x"), @GetMapping("/x").
_ROUTES = (
    re.compile(
        r"""[.@](get|post|put|delete|patch|route|handle|handlefunc|api_route)\s*\(\s*"""
        r"""(?:path\s*=\s*)?["'`](/[^"'`\s]*)["'`]""",
        re.I,
    ),
    re.compile(
        r"@(Get|Post|Put|Delete|Patch|Request)Mapping\s*\(\s*(?:(?:value|path)\s*=\s*)?"
        r"[\[{]?\s*\"(/[^\"]*)\""
    ),
)
# Import roots that name a language's runtime or a reverse domain (org.*, com.*), not a library.
_NOT_LIBRARIES = frozenset(
    {
        "java", "javax", "jakarta", "kotlin", "kotlinx", "scala", "std", "core", "alloc",
        "System", "Microsoft", "typing", "__future__", "org", "com", "net", "io", "dev", "me",
        "edu", "android", "androidx", "crate", "self", "super", "builtins", "node",
    }
)  # fmt: skip
_ENTRY_NAMES = frozenset({"main", "run", "execute", "handler", "handle", "index", "app", "init"})


@dataclass(frozen=True, slots=True)
class EffectRules:
    """One language's side-effect table."""

    modules: dict[str, tuple[str, ...]]
    calls: dict[str, tuple[str, ...]]
    patterns: dict[str, tuple[re.Pattern[str], ...]]


@lru_cache(maxsize=1)
def _effects_data() -> dict[str, dict[str, object]]:
    return tomllib.loads((grammars_dir() / "effects.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=64)
def effect_rules(language: str) -> EffectRules:
    """The table for a language, with `inherit = "<other>"` merged in before its own entries."""
    data = _effects_data()
    chain: list[dict[str, object]] = []
    lang: str | None = language
    seen: set[str] = set()
    while lang and lang not in seen and isinstance(data.get(lang), dict):
        seen.add(lang)
        entry = data[lang]
        assert isinstance(entry, dict)
        chain.insert(0, entry)
        parent = entry.get("inherit")
        lang = parent if isinstance(parent, str) else None
    if isinstance(data.get("*"), dict):
        chain.insert(0, data["*"])  # type: ignore[arg-type]
    modules: dict[str, list[str]] = {}
    calls: dict[str, list[str]] = {}
    patterns: dict[str, list[re.Pattern[str]]] = {}
    for entry in chain:
        for section, target in (("modules", modules), ("calls", calls)):
            table = entry.get(section)
            if isinstance(table, dict):
                for effect, items in table.items():
                    target.setdefault(effect, []).extend(str(x) for x in items)
        table = entry.get("patterns")
        if isinstance(table, dict):
            for effect, items in table.items():
                patterns.setdefault(effect, []).extend(re.compile(str(x)) for x in items)
    return EffectRules(
        modules={k: tuple(v) for k, v in modules.items()},
        calls={k: tuple(v) for k, v in calls.items()},
        patterns={k: tuple(v) for k, v in patterns.items()},
    )


@dataclass(frozen=True, slots=True)
class _CallIndex:
    """Call patterns by shape, so each call is looked up instead of matched against every rule."""

    names: dict[str, str]  # bare name -> effect
    qualified: dict[str, str]  # receiver-qualified name -> effect
    prefixes: tuple[tuple[str, str], ...]  # ("shutil.", effect), ("os.exec", effect)


@lru_cache(maxsize=64)
def _call_index(language: str) -> _CallIndex:
    names: dict[str, str] = {}
    qualified: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for effect, patterns in effect_rules(language).calls.items():
        for pattern in patterns:
            if pattern.endswith("*"):
                prefixes.append((pattern[:-1], effect))
            elif "." in pattern or "::" in pattern:
                qualified.setdefault(pattern, effect)
            else:
                names.setdefault(pattern, effect)
    return _CallIndex(names, qualified, tuple(prefixes))


def _call_effect(index: _CallIndex, call: Call) -> str | None:
    effect = index.names.get(call.name)
    if effect is not None:
        return effect
    q = call.qualified
    if q in index.qualified:
        return index.qualified[q]
    for sep in (".", "::"):
        cut = q.find(sep)
        while cut >= 0:  # "self.session.requests.get" still ends with "requests.get"
            tail = q[cut + len(sep) :]
            if tail in index.qualified:
                return index.qualified[tail]
            cut = q.find(sep, cut + 1)
    for prefix, effect in index.prefixes:
        if q.startswith(prefix) or (
            "." not in prefix and "::" not in prefix and call.name.startswith(prefix)
        ):
            return effect
    return None


def _module_matches(pattern: str, module: str) -> bool:
    return module == pattern or module.startswith((pattern + ".", pattern + "/", pattern + "::"))


def side_effects(
    language: str, text: str, calls: Sequence[Call], imports: Sequence[str]
) -> list[str]:
    """Effects in the fixed order of EFFECTS, each at most once."""
    rules = effect_rules(language)
    found: set[str] = set()
    for effect, mods in rules.modules.items():
        if any(_module_matches(p, m) for m in imports for p in mods):
            found.add(effect)
    index = _call_index(language)
    for call in calls:
        effect = _call_effect(index, call)
        if effect is not None:
            found.add(effect)
    for effect, regexes in rules.patterns.items():
        if effect not in found and any(r.search(text) for r in regexes):
            found.add(effect)
    return [e for e in EFFECTS if e in found] + sorted(found - set(EFFECTS))


# --- words ------------------------------------------------------------------------------------


def humanize(name: str, *, capitalize: bool = True) -> str:
    """`parseYamlConfig` -> "Parse YAML config" (acronyms from words.toml kept readable);
    event handlers read as actions: `onSubmitClick` -> "Handle submit click"."""
    display = words().display
    split = split_identifier(name)
    if len(split) > 1 and split[0] == "on":
        split[0] = "handle"
    parts = [display.get(w, w) for w in split]
    if not parts:
        return name
    if capitalize and parts[0].islower():
        parts[0] = parts[0][:1].upper() + parts[0][1:]
    return " ".join(parts)


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def fit(text: str, limit: int = TITLE_MAX) -> str:
    """Cut at a word boundary so the result, with its ellipsis, is at most `limit` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-(") + "…"


def _first_sentence(doc: str) -> str:
    m = _SENTENCE_END.search(doc)
    sentence = doc[: m.start()] if m else doc
    return sentence.strip().rstrip(".:;,").strip()


def _scrub(text: str, secret_values: Sequence[str]) -> str:
    text = secrets.redact(text)
    for value in secret_values:
        if len(value) >= 4 and value in text:
            text = text.replace(value, "<redacted>")
    return _ABS_PATH.sub(lambda m: re.split(r"[\\/]", m.group(0).rstrip("\\/"))[-1], text)


# --- titles -----------------------------------------------------------------------------------


def _significant(calls: Sequence[Call], exclude: set[str]) -> list[tuple[str, Call]]:
    """Distinct significant calls, most used first, ties by first appearance."""
    counts: Counter[str] = Counter()
    first: dict[str, Call] = {}
    for c in calls:
        if c.name in _INSIGNIFICANT or c.name in exclude or len(c.name) < 3:
            continue
        if c.name.startswith("_") or c.name.isupper():
            continue
        counts[c.name] += 1
        first.setdefault(c.name, c)
    order = list(first)
    verbs = words().verbs

    def reads_as_action(name: str) -> bool:
        parts = split_identifier(name)
        return bool(parts) and (parts[0] in verbs or parts[0] == "on" or name[:1].isupper())

    # Actions ("readCsv", "new Client") name a fragment better than nouns ("path", "choice").
    ranked = sorted(
        order, key=lambda n: (not reads_as_action(n), -min(counts[n], 3), order.index(n))
    )
    return [(n, first[n]) for n in ranked]


def _action_phrase(name: str, *, first: bool) -> str:
    parts = split_identifier(name)
    if not parts:
        return name
    if name[:1].isupper() and parts[0] not in words().verbs and parts[0] != "on":
        phrase = f"create {name}"  # a constructor: new Foo(), Foo(), Foo::new
    else:
        phrase = humanize(name, capitalize=False)
    return phrase[:1].upper() + phrase[1:] if first else phrase


def _action_title(calls: Sequence[Call], frameworks: Sequence[str], exclude: set[str]) -> str:
    ranked = _significant(calls, exclude)
    if not ranked:
        return ""
    phrases = [_action_phrase(ranked[0][0], first=True)]
    if len(ranked) > 1:
        phrases.append(_action_phrase(ranked[1][0], first=False))
    title = " and ".join(phrases)
    lib = next((f for f in frameworks if f.lower() != "none"), None)
    if lib and lib.lower() not in title.lower() and len(title) + len(lib) + 6 <= TITLE_MAX:
        title += f" with {lib}"
    elif len(title) > TITLE_MAX:
        title = phrases[0]
    return title


def _param_phrase(params: Sequence[str]) -> str:
    names = [humanize(p, capitalize=False) for p in params if re.fullmatch(r"[A-Za-z_]\w*", p)]
    if not names or len(names) > 3:
        return ""
    return " with " + _join(names)


_JS_FAMILY = frozenset({"javascript", "javascriptreact", "typescript", "typescriptreact"})


def _definition_title(
    d: Definition,
    defs: Sequence[Definition],
    calls: Sequence[Call],
    frameworks: Sequence[str],
    language: str = "",
) -> str:
    doc = _first_sentence(d.docstring) if d.docstring else ""
    if d.kind == "function" and language in _JS_FAMILY and d.name[:1].isupper() and not doc:
        return fit(f"{d.name} component")  # PascalCase functions are React/Vue components
    if d.kind in ("function", "method"):
        if doc and len(doc.split()) >= 2:
            return fit(doc[:1].upper() + doc[1:])
        if d.name.lower() in _ENTRY_NAMES or d.name.startswith("__"):
            action = _action_title(calls, frameworks, {d.name})
            if action:
                return fit(action)
        parts = split_identifier(d.name)
        base = humanize(d.name)
        if not parts or (parts[0] not in words().verbs and not base.startswith("Handle ")):
            base += f" {d.kind}"
        with_params = base + _param_phrase(d.params)
        return with_params if len(with_params) <= TITLE_MAX else fit(base)
    head = f"{d.name} {d.kind}"
    if doc and len(doc.split()) >= 2 and doc.lower() != head.lower():
        lead = doc[:1].lower() + doc[1:] if doc[1:2].islower() else doc
        return fit(f"{head}: {lead}")
    # A class declared and implemented in one snippet (Objective-C @interface + @implementation,
    # C++ declarations + out-of-line bodies) lists each method once.
    members = list(
        dict.fromkeys(
            m.name
            for m in defs
            if m.container == d.name
            and m.kind in ("method", "function")
            and m.name != d.name
            and m.name not in ("constructor", "init", "__init__")
        )
    )
    if members:
        shown = members[:3]
        more = "" if len(members) <= 3 else ", …"
        candidate = f"{head} with {', '.join(shown)}{more}"
        if len(candidate) <= TITLE_MAX:
            return candidate
    return fit(head)


def _comment_title(comments: Sequence[str], text: str) -> str:
    candidates = list(comments)
    if not candidates:
        candidates = [
            ln
            for ln in text.split("\n")[:40]
            if re.match(r"\s*(?:#|//|--|/\*|\*|;|%|<!--|rem\s)", ln, re.I)
        ]
    for raw in candidates:
        for line in raw.split("\n"):
            cleaned = clean_comment(line)
            cleaned = re.sub(r"^<!--\s*|\s*-->$", "", cleaned).strip()
            if len(cleaned) < 3 or _MEANINGLESS_COMMENT.search(cleaned):
                continue
            if re.search(r"[;{}]\s*$|^\w+\s*=\s*\S|^(?:import|from|return|def|if)\b", cleaned):
                continue  # commented-out code
            if not re.search(r"[A-Za-z]{3}", cleaned):
                continue
            cleaned = cleaned.rstrip(".:;, ")
            return fit(cleaned[:1].upper() + cleaned[1:])
    return ""


_SQL = re.compile(
    r"(?is)\b(select\b.*?\bfrom|insert\s+into|update|delete\s+from|create\s+(?:table|view|index)"
    r"(?:\s+if\s+not\s+exists)?|alter\s+table|drop\s+table)\s+[`\"\[]?([\w.]+)"
)


_KEY_LINE = re.compile(r"^(?:\"([^\"]{1,40})\"|([A-Za-z_][\w.-]{0,40}))\s*[:=]", re.M)
_DATA_LANGUAGES = frozenset({"json", "yaml", "toml", "properties", "ini"})


def _data_title(text: str, language: str) -> str:
    """A config/data file by its top-level keys: "JSON with name, version and scripts"."""
    keys: list[str] = []
    depth = 0
    for line in text.split("\n")[:200]:
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//", ";")):
            continue
        indent = len(line) - len(line.lstrip())
        if language == "json":
            top = depth == 1
        elif language == "toml":
            table = re.match(r"^\[+\s*([^\]]+?)\s*\]+", stripped)
            if table:
                keys.append(table.group(1))
                continue
            top = indent == 0
        else:
            top = indent == 0
        if top:
            m = _KEY_LINE.match(stripped)
            if m:
                keys.append(m.group(1) or m.group(2))
        depth += (
            stripped.count("{") + stripped.count("[") - stripped.count("}") - stripped.count("]")
        )
        if len(keys) >= 6:
            break
    keys = list(dict.fromkeys(k for k in keys if k))
    if not keys:
        return ""
    head = f"{language_name(language)} with "
    for n in (3, 2, 1):
        title = head + _join(keys[:n])
        if len(title) <= TITLE_MAX:
            return title
    return fit(head + keys[0])


def _code_title(defs: Sequence[Definition], text: str) -> str:
    """For a short fragment with nothing else to go on: a named value, or the code itself."""
    for d in defs:
        if (
            d.kind in ("variable", "constant")
            and sum(1 for w in split_identifier(d.name) if w.isalpha()) >= 2
        ):
            return fit(humanize(d.name))
    code = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if code and code[0][:1] in "{[":
        keys = re.findall(r"^\s*[\"']?([A-Za-z_][\w-]{0,30})[\"']?\s*:", text, re.M)
        keys = list(dict.fromkeys(keys))
        for n in (3, 2, 1):
            if keys and len(title := "Object with " + _join(keys[:n])) <= TITLE_MAX:
                return title
    code = [ln for ln in code if not re.match(r"(?:#|//|--|/\*|\*|import\b|from\b|using\b)", ln)]
    if 0 < len(code) <= 3 and len(code[0]) >= 4:
        return fit(code[0].rstrip(";{ "))
    return ""


_IMPORT_LINE = re.compile(
    r"^\s*(?:import\b|from\s+\S+\s+import\b|using\s|#include\b|require\b|use\s|package\s|"
    r"(?:const|let|var)\s+.*=\s*require\(|@import\b)"
)


def _imports_title(text: str, imports: Sequence[str]) -> str:
    """A snippet made only of imports is about what it imports."""
    lines = [ln for ln in text.split("\n") if ln.strip() and not ln.strip().startswith(("#", "//"))]
    if not lines or not imports or not all(_IMPORT_LINE.match(ln) for ln in lines):
        return ""
    names = list(dict.fromkeys(imports))
    for n in (3, 2, 1):
        title = "Import " + _join(names[:n]) + (" and more" if len(names) > n else "")
        if len(title) <= TITLE_MAX:
            return title
    return fit("Import " + names[0])


def _declarative_title(text: str, language: str) -> str:
    if language == "dockerfile":
        image = re.search(r"(?im)^\s*FROM\s+(?:--\S+\s+)*(\S+)", text)
        if image:
            return fit(f"Dockerfile from {image.group(1)}")
    if language in _DATA_LANGUAGES:
        return _data_title(text, language)
    if language in ("javascript", "javascriptreact", "typescript", "typescriptreact") and (
        text.lstrip().startswith("<")
    ):
        m = re.match(r"\s*<([A-Za-z][\w.]*)", text)
        if m:
            return fit(f"JSX <{m.group(1)}> element")
    if language == "sql":
        m = _SQL.search(text)
        if m:
            verb = m.group(1).split()[0].upper()
            return fit(f"{verb} {m.group(2)}")
    if language in ("xml", "html"):
        m = re.search(r"<([A-Za-z][\w:.-]*)", re.sub(r"<\?.*?\?>|<!--.*?-->|<!\w[^>]*>", "", text))
        if m:
            tag = m.group(1)
            head = f"{language_name(language)} <{tag}>"
            rest = text[m.end() : m.end() + 400]
            ident = re.match(r"[^>]*?\b(?:id|name)=\"([^\"]{1,40})\"", rest)
            cls = re.match(r"[^>]*?\bclass=\"(?:[\w$]+\.)*([\w$]{1,40})\"", rest)
            if ident:
                head += f" {ident.group(1)}"
            if cls and len(head) + len(cls.group(1)) + 3 <= TITLE_MAX:
                head += f" ({cls.group(1)})"
            return head if ident or cls else fit(head + " element")
    return ""


def routes(text: str) -> list[str]:
    """HTTP routes a snippet declares, as "GET /path" (or just "/path" for any method)."""
    found: list[tuple[int, str]] = []
    for regex in _ROUTES:
        for m in regex.finditer(text):
            method = m.group(1).upper()
            label = (
                m.group(2)
                if method in ("ROUTE", "HANDLE", "HANDLEFUNC", "REQUEST")
                else (f"{method} {m.group(2)}" if method != "API_ROUTE" else m.group(2))
            )
            found.append((m.start(), label))
    found.sort()
    return list(dict.fromkeys(label for _pos, label in found))[:8]


def _route_title(found: Sequence[str], frameworks: Sequence[str]) -> str:
    if not found:
        return ""
    if len(found) == 1:
        title = f"{found[0]} endpoint"
    elif len(found) == 2:
        title = f"{found[0]} and {found[1]} endpoints"
    else:
        title = f"{found[0]} and {len(found) - 1} more endpoints"
    lib = next((f for f in frameworks if f.lower() != "none"), None)
    if lib and len(title) + len(lib) + 6 <= TITLE_MAX:
        title += f" with {lib}"
    return fit(title)


def _starts_with_comment(comments: Sequence[str], text: str) -> bool:
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    if comments:
        return any(first and c.strip().split("\n")[0].strip() == first for c in comments[:1])
    return bool(re.match(r"(?:#(?!!)|//|--|/\*)", first))


# --- descriptions -----------------------------------------------------------------------------


def _definition_sentence(d: Definition, defs: Sequence[Definition], returns: Sequence[str]) -> str:
    lang_kind = d.kind
    if d.kind in ("function", "method"):
        params = ", ".join(d.params[:6]) + (", …" if len(d.params) > 6 else "")
        sentence = f"Defines the {lang_kind} {d.name}({params})"
        if d.return_type:
            sentence += f", returning {d.return_type}"
        else:
            simple = [r for r in returns if re.fullmatch(r"[\w.]+(?:\(\))?", r)]
            if simple:
                sentence += f", returning {_join(list(dict.fromkeys(simple))[:2])}"
        return sentence + "."
    members = [
        m.name
        for m in defs
        if m.container == d.name
        and m.kind in ("method", "function")
        and m.name not in (d.name, "constructor", "__init__", "init")
    ]
    sentence = f"Defines the {lang_kind} {d.name}"
    if d.params:
        sentence += f"({', '.join(d.params[:6])})"
    if members:
        shown = list(dict.fromkeys(members))
        label = "method" if len(shown) == 1 else "methods"
        sentence += f" with {label} {_join(shown[:4])}" + (" and more" if len(shown) > 4 else "")
    return sentence + "."


def _library_names(frameworks: Sequence[str], imports: Sequence[str]) -> list[str]:
    names: list[str] = [f for f in frameworks if f and f.lower() != "none"]
    lowered = {n.lower() for n in names}
    for imp in imports:
        root = re.split(r"[./:]", imp.strip().lstrip("@"), maxsplit=1)[0]
        if not root or root.lower() in lowered or imp.startswith((".", "/")):
            continue
        if root in _NOT_LIBRARIES:
            continue
        lowered.add(root.lower())
        names.append(imp.strip() if imp.startswith("@") else root)
    return names[:5]


@dataclass(frozen=True, slots=True)
class Description:
    """A title, a description and where the title came from (for evaluation and debugging):
    "definition", "comment", "route", "action", "declarative" or "fallback"."""

    title: str
    description: str
    source: str


def describe(
    text: str,
    language: str,
    parsed: Parsed | None,
    *,
    frameworks: list[str],
    imports: list[str],
) -> tuple[str, str]:
    """(title, description): title at most 60 characters, description one or two sentences."""
    d = explain(text, language, parsed, frameworks=frameworks, imports=imports)
    return d.title, d.description


def _display_frameworks(frameworks: Sequence[str]) -> list[str]:
    try:
        from pieces_lsp.analysis.frameworks import display_name
    except ImportError:  # pragma: no cover - the frameworks table is optional here
        return [f for f in frameworks if f and f.lower() != "none"]
    return [display_name(f) for f in frameworks if f and f.lower() != "none"]


def explain(
    text: str,
    language: str,
    parsed: Parsed | None,
    *,
    frameworks: list[str],
    imports: list[str],
) -> Description:
    """`describe`, also saying which rule produced the title."""
    frameworks = _display_frameworks(frameworks)
    matches = secrets.find(text)
    secret_values = [text[m.start : m.end] for m in matches]
    redacted = secrets.redact(text, matches)
    lang_label = language_name(language) if language else "Text"
    found = facts(parsed) if parsed is not None else None
    main = main_definition(parsed) if parsed is not None else None
    calls = found.calls if found is not None else ()
    title = ""
    source = "fallback"
    first_sentence = ""
    if main is not None and found is not None:
        title = _definition_title(main, found.definitions, calls, frameworks, language)
        source = "definition"
        first_sentence = f"{lang_label} " + _definition_sentence(
            main, found.definitions, found.returns
        ).replace("Defines the", "code defining the", 1)
        others = {
            (d.name, d.kind)
            for d in found.definitions
            if d.container is None
            and d is not main
            and (d.name, d.kind) != (main.name, main.kind)  # a declaration and its body
            and d.kind not in ("variable", "constant")
        }
        if others:
            first_sentence = first_sentence[:-1] + f" (and {len(others)} more)."
    else:
        exclude = {d.name for d in found.definitions} if found is not None else set()
        comments = found.comments if found is not None else ()
        declared = routes(redacted)
        if _starts_with_comment(comments, redacted):
            title, source = _comment_title(comments[:1], redacted), "comment"
        if not title:
            title, source = _route_title(declared, frameworks), "route"
        if not title:
            action = _action_title(calls, frameworks, set())
            # One word ("Replace") says less than the short line of code it comes from.
            code = _code_title((), redacted) if action and " " not in action else ""
            title, source = (code, "code") if code else (action, "action")
        top = [n for n, _c in _significant(calls, exclude)][:3]
        defs = [d for d in (found.definitions if found else ()) if d.kind not in ("variable",)]
        if defs:
            kinds = Counter(d.kind for d in defs)
            parts = [
                f"{n} {k}{'' if n == 1 else 'es' if k.endswith('s') else 's'}"
                for k, n in kinds.most_common(3)
            ]
            first_sentence = f"{lang_label} code defining {_join(parts)}"
            names = [d.name for d in defs[:3]]
            first_sentence += f" ({', '.join(names)}{', …' if len(defs) > 3 else ''})"
            if top:
                first_sentence += f" that calls {_join(top)}"
            first_sentence += "."
        elif top:
            first_sentence = f"{lang_label} snippet that calls {_join(top)}."
        else:
            n = len([ln for ln in text.split("\n") if ln.strip()])
            first_sentence = f"{lang_label} snippet of {n} line{'s' if n != 1 else ''}."
        if declared:
            verb = "declaring" if len(declared) > 1 else "declaring the"
            route_list = _join(declared[:3]) + (" and more" if len(declared) > 3 else "")
            label = "routes" if len(declared) > 1 else "route"
            first_sentence = first_sentence[:-1] + f", {verb} {label} {route_list}."
    if not title:
        title, source = (
            _comment_title(found.comments if found is not None else (), redacted),
            "comment",
        )
    if not title and main is None:
        title, source = _imports_title(redacted, imports), "imports"
    if not title:
        title, source = _declarative_title(redacted, language), "declarative"
    if not title and main is None:
        defs = found.definitions if found is not None else ()
        title, source = _code_title(defs, redacted), "code"
    if not title:
        title, source = f"{lang_label} snippet", "fallback"
    libs = _library_names(frameworks, imports)
    effects = side_effects(language, redacted, calls, imports)
    second: list[str] = []
    if libs:
        second.append(f"Uses {_join(libs)}")
    if effects:
        label = "side effects" if second else "Side effects"
        second.append(f"{label}: {', '.join(effects)}")
    description = first_sentence
    if second:
        description += " " + "; ".join(second) + "."
    title = fit(_scrub(title, secret_values))
    description = fit(_scrub(description, secret_values), DESCRIPTION_MAX)
    return Description(title, description, source)
