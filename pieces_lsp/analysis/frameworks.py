"""Frameworks and major libraries a snippet uses, from `grammars/frameworks.toml`.

Most saved snippets are fragments without imports (a handler copied from docs, a hook, an
annotated bean), so imports alone find little: the table also lists usage evidence (API words,
decorators and annotations, regexes, tree-sitter queries) with weights. A framework is reported
when its summed evidence reaches a threshold; a single generic hint never suffices, which keeps
plain code at "none". All knowledge is data in the TOML file: adding a framework is an entry
there, never code here.

Scoring per framework (only those listing the snippet's language):
- an import matching one of its `imports` prefixes adds `import_weight` once;
- each evidence rule adds `weight * min(hits, max)`: a regex counts occurrences, a word list
  counts distinct words found, a query counts matched nodes;
- the result is reported when the score reaches `threshold`, ranked by kind (frameworks, then
  libraries, then test runners: a Flask test using pytest is about Flask), then by score; an
  entry that `builds_on` another one (pandas on NumPy) is placed before it.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from tree_sitter import Query, QueryCursor

from pieces_lsp.analysis.imports import imports as find_imports
from pieces_lsp.analysis.parsing import Parsed, grammar, parse
from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

# Separators after an import prefix: "django" matches "django.db", "next/link", "tokio::net",
# "Illuminate\\Support" but never "djangorestframework" or "nextjs-foo".
_SEPARATORS = ("/", ".", ":", "\\")
_QUERY_MATCH_LIMIT = 256


@dataclass(frozen=True, slots=True)
class Rule:
    """One piece of usage evidence."""

    weight: float
    cap: int
    languages: frozenset[str] | None
    regex: re.Pattern[str] | None = None
    words: re.Pattern[str] | None = None
    query: str | None = None

    def hits(self, text: str, parsed: Parsed | None) -> int:
        if self.regex is not None:
            count = 0
            for _ in self.regex.finditer(text):
                count += 1
                if count >= self.cap:
                    break
            return count
        if self.words is not None:
            seen: set[str] = set()
            for m in self.words.finditer(text):
                seen.add(m.group(0))
                if len(seen) >= self.cap:
                    break
            return len(seen)
        if self.query is not None and parsed is not None:
            compiled = _compiled_query(parsed.language, self.query)
            if compiled is None:
                return 0
            cursor = QueryCursor(compiled, match_limit=_QUERY_MATCH_LIMIT)
            return min(len(cursor.matches(parsed.root)), self.cap)
        return 0


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    name: str
    kind: str
    languages: frozenset[str]
    imports: tuple[str, ...]
    import_weight: float
    threshold: float
    builds_on: tuple[str, ...]
    rules: tuple[Rule, ...] = field(default=())

    def imported(self, modules: list[str]) -> bool:
        for module in modules:
            for prefix in self.imports:
                if module == prefix or (
                    module.startswith(prefix)
                    and (prefix.endswith(_SEPARATORS) or module[len(prefix)] in _SEPARATORS)
                ):
                    return True
        return False


@dataclass(frozen=True, slots=True)
class Table:
    frameworks: tuple[Framework, ...]
    by_id: dict[str, Framework]
    by_language: dict[str, tuple[Framework, ...]]
    kind_rank: dict[str, int]
    query_languages: frozenset[str]


# Kotlin puts a use-site target between "@" and the name: @get:NotNull, @field:Autowired.
_ANNOTATION_PREFIX = r"@(?:(?:get|set|field|param|property|setparam|delegate|file|receiver):)?"


def _words_pattern(words: list[str], prefix: str = "") -> re.Pattern[str]:
    """One alternation for a word list, matching whole identifiers only."""
    alternatives = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    body = "|".join(alternatives)
    return re.compile(rf"(?<![\w@$]){prefix}(?:{body})(?![\w$])")


def _rule(spec: dict[str, object], languages: frozenset[str]) -> Rule:
    langs = spec.get("languages")
    weight = float(spec.get("weight", 1.0))  # type: ignore[arg-type]
    cap = int(spec.get("max", 1))  # type: ignore[call-overload]
    # A rule may narrow its framework's languages (a JSX query only where JSX parses).
    rule_langs = frozenset(langs) & languages if isinstance(langs, list) else None
    if "regex" in spec:
        flags = re.MULTILINE | (re.IGNORECASE if spec.get("ignore_case") else 0)
        return Rule(weight, cap, rule_langs, regex=re.compile(str(spec["regex"]), flags))
    if "words" in spec:
        words = [str(w) for w in spec["words"]]  # type: ignore[attr-defined]
        return Rule(weight, cap, rule_langs, words=_words_pattern(words))
    if "annotations" in spec:
        words = [str(w) for w in spec["annotations"]]  # type: ignore[attr-defined]
        return Rule(weight, cap, rule_langs, words=_words_pattern(words, _ANNOTATION_PREFIX))
    if "query" in spec:
        return Rule(weight, cap, rule_langs, query=str(spec["query"]))
    raise ValueError(f"evidence rule without regex/words/annotations/query: {spec!r}")


@lru_cache(maxsize=1)
def _table() -> Table:
    data = tomllib.loads((grammars_dir() / "frameworks.toml").read_text(encoding="utf-8"))
    settings = data.get("settings", {})
    default_threshold = float(settings.get("threshold", 2.0))
    default_import_weight = float(settings.get("import_weight", 5.0))
    kind_rank = {str(k): i for i, k in enumerate(settings.get("kind_order", []))}
    frameworks: list[Framework] = []
    query_langs: set[str] = set()
    for spec in data.get("framework", []):
        languages = frozenset(spec.get("languages", []))
        rules: list[Rule] = []
        for rule_spec in spec.get("evidence", []):
            try:
                rule = _rule(rule_spec, languages)
            except (re.error, ValueError) as exc:
                log.warning("frameworks.toml: %s: bad evidence rule: %s", spec.get("id"), exc)
                continue
            rules.append(rule)
            if rule.query is not None:
                query_langs |= rule.languages or languages
        frameworks.append(
            Framework(
                id=str(spec["id"]),
                name=str(spec.get("name", spec["id"])),
                kind=str(spec.get("kind", "library")),
                languages=languages,
                imports=tuple(spec.get("imports", [])),
                import_weight=float(spec.get("import_weight", default_import_weight)),
                threshold=float(spec.get("threshold", default_threshold)),
                builds_on=tuple(spec.get("builds_on", [])),
                rules=tuple(rules),
            )
        )
    by_language: dict[str, list[Framework]] = {}
    for fw in frameworks:
        for lang in fw.languages:
            by_language.setdefault(lang, []).append(fw)
    return Table(
        frameworks=tuple(frameworks),
        by_id={fw.id: fw for fw in frameworks},
        by_language={k: tuple(v) for k, v in by_language.items()},
        kind_rank=kind_rank,
        query_languages=frozenset(query_langs),
    )


_query_lock = threading.Lock()
_queries: dict[tuple[str, str], Query | None] = {}


def _compiled_query(language: str, source: str) -> Query | None:
    """Evidence queries compile per grammar; one that does not is skipped, not fatal."""
    key = (language, source)
    if key in _queries:
        return _queries[key]
    with _query_lock:
        if key not in _queries:
            lang = grammar(language)
            compiled: Query | None = None
            if lang is not None:
                try:
                    compiled = Query(lang, source)
                except Exception as exc:
                    log.info("frameworks.toml query does not compile for %s: %s", language, exc)
            _queries[key] = compiled
        return _queries[key]


def scores(
    text: str,
    language: str,
    *,
    parsed: Parsed | None = None,
    imported: list[str] | None = None,
) -> dict[str, float]:
    """Evidence score per candidate framework (only those with some evidence): for debugging
    and for callers that want their own threshold."""
    table = _table()
    candidates = table.by_language.get(language, ())
    if not candidates:
        return {}
    if parsed is not None and parsed.language != language:
        parsed = None
    if imported is None:
        if parsed is None:
            parsed = parse(text, language)
        imported = find_imports(text, language, parsed)
    elif parsed is None and language in table.query_languages:
        parsed = parse(text, language)
    modules = [m for m in imported if not m.startswith(".")]
    out: dict[str, float] = {}
    for fw in candidates:
        score = fw.import_weight if modules and fw.imported(modules) else 0.0
        for rule in fw.rules:
            if rule.languages is not None and language not in rule.languages:
                continue
            n = rule.hits(text, parsed)
            if n:
                score += rule.weight * n
        if score > 0:
            out[fw.id] = score
    return out


def detect(
    text: str,
    language: str,
    *,
    parsed: Parsed | None = None,
    imported: list[str] | None = None,
) -> list[str]:
    """Framework ids ranked by evidence; [] when nothing reaches its threshold ("none")."""
    table = _table()
    found = {
        fw_id: score
        for fw_id, score in scores(text, language, parsed=parsed, imported=imported).items()
        if score >= table.by_id[fw_id].threshold
    }
    last = len(table.kind_rank)
    ranked = sorted(
        found,
        key=lambda fw_id: (table.kind_rank.get(table.by_id[fw_id].kind, last), -found[fw_id]),
    )
    # A framework built on another (pandas on NumPy, Next.js on React) names the snippet more
    # precisely, so it goes before its base whatever the scores.
    for fw_id in list(ranked):
        for base in table.by_id[fw_id].builds_on:
            if base in ranked and ranked.index(base) < ranked.index(fw_id):
                ranked.remove(fw_id)
                ranked.insert(ranked.index(base), fw_id)
    return ranked


def display_name(framework_id: str) -> str:
    """Human name for an id ("fastapi" -> "FastAPI"); unknown ids are returned unchanged."""
    fw = _table().by_id.get(framework_id)
    return fw.name if fw is not None else framework_id


def known() -> list[str]:
    """Every framework id the table knows, in table order."""
    return [fw.id for fw in _table().frameworks]
