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
from pathlib import Path

from tree_sitter import Query, QueryCursor

from pieces_lsp.analysis.imports import imports as find_imports
from pieces_lsp.analysis.parsing import Parsed, grammar, parse
from pieces_lsp.analysis.parsing.mask import code_only
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
    # name of an API vocabulary (grammars/vocab/<name>.txt); scored in `_vocab_scores`
    vocab: str | None = None
    limit: float = 0.0

    def hits(self, text: str, parsed: Parsed | None, code: str | None = None) -> int:
        """Occurrences in `text`; word lists count in `code` (comments and strings blanked)
        when the caller has it."""
        if self.regex is not None:
            count = 0
            for _ in self.regex.finditer(text):
                count += 1
                if count >= self.cap:
                    break
            return count
        if self.words is not None:
            seen: set[str] = set()
            for m in self.words.finditer(text if code is None else code):
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
    packages: tuple[str, ...] = ()
    """Dependency names in project manifests that differ from the imports (`analysis/project`)."""

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
    vocab_single_word: float = 0.3
    vocab_two_words: float = 0.7
    vocab_keep_ratio: float = 0.5
    vocab_min_names: int = 2
    vocab_strong_name: float = 1.0
    vocab_single_cap: float = 0.5


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
    if "vocab" in spec:
        limit = float(spec.get("max", 2.0))  # type: ignore[arg-type]
        return Rule(weight, cap, rule_langs, vocab=str(spec["vocab"]), limit=limit)
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
                packages=tuple(spec.get("packages", [])),
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
        vocab_single_word=float(settings.get("vocab_single_word", 0.3)),
        vocab_two_words=float(settings.get("vocab_two_words", 0.7)),
        vocab_keep_ratio=float(settings.get("vocab_keep_ratio", 0.5)),
        vocab_min_names=int(settings.get("vocab_min_names", 2)),
        vocab_strong_name=float(settings.get("vocab_strong_name", 1.0)),
        vocab_single_cap=float(settings.get("vocab_single_cap", 0.5)),
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


# ---------------------------------------------------------------------------------------------
# API vocabularies (grammars/vocab/*.txt, generated by grammars/vocab/build_vocab.py from the
# frameworks' own packages, standard-library names already removed).
# ---------------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
# The words of a name (camelCase humps, snake_case parts, acronyms): a compound name is a
# deliberate API name, a single word ("render", "Model") is one anybody may write.
_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_VOCAB_TEXT_LIMIT = 64 * 1024

# Names a snippet defines itself: types, variables, Python and JavaScript functions and Python
# parameters. They are the author's words, not calls into an API, even when some package happens
# to export the same name ("get_full_name", "first_name", "num_vertices"). Still evidence: a
# Python method (first parameter self/cls) may implement a framework hook (`get_queryset`), and
# in Java, Kotlin, Go and Rust a function named like an API method implements that API's
# interface (`fun registerScope(...)`), so `fun`/`func`/`fn` and keyword-less methods are not
# matched here. An assignment line ending in a comma is a keyword argument of a call
# spread over lines (`response_model=Item,`): the API's own parameter name, so it still counts.
_DEFINED = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?:default[ \t]+)?(?:async[ \t]+)?"
    r"(?:(def)[ \t]+([A-Za-z_]\w*)[ \t]*\(([^)]*)\)"
    r"|(?:function\*?|class|struct|enum|interface|trait|type|const|let|var|val)"
    r"[ \t]+([A-Za-z_$][\w$]*)"
    r"|([A-Za-z_$][\w$]*)[ \t]*(?::[^=\n]*)?:?=(?!=)(?![^\n]*,[ \t]*$))",
    re.MULTILINE,
)
_PY_PARAM = re.compile(r"(?:^|,)\s*\*{0,2}([A-Za-z_]\w*)")
_PY_BRACKETS = re.compile(r"\[[^\]]*\]")
_PY_SELF = re.compile(r"\s*(?:self|cls)\b")


def _defined_names(text: str) -> set[str]:
    """Identifiers the snippet itself declares (see `_DEFINED`), so vocabularies ignore them."""
    names: set[str] = set()
    for m in _DEFINED.finditer(text):
        if m.group(1):  # a Python def: its parameters are the author's names too
            params = _PY_BRACKETS.sub("", m.group(3))  # not the names inside annotations
            names.update(_PY_PARAM.findall(params))
            if not _PY_SELF.match(params):
                names.add(m.group(2))
        else:
            names.add(m.group(4) or m.group(5))
    return names


def _common_names(path: Path) -> frozenset[str]:
    """Names code without any of our frameworks writes anyway (`common_names.py` made the
    list): a framework's package exporting `status_code` or `Column` says nothing about a
    snippet that uses one."""
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def _vocab_owners() -> dict[str, str]:
    """name -> the vocabularies listing it, space-separated. Loaded once, on the first snippet
    that needs it, with bulk dict/set operations (about 50k names in a few tens of ms)."""
    owners: dict[str, str] = {}
    folder = grammars_dir() / "vocab"
    try:
        files = sorted(folder.glob("*.txt"))
        common = _common_names(folder / "common" / "names.txt")
    except OSError:  # pragma: no cover - missing data folder
        files, common = [], frozenset()
    for path in files:
        vocab = path.stem
        # test_* names are a package's own test cases (Keras ships 3,000 in its wheel), never
        # an API a snippet calls
        names = [n for n in path.read_text(encoding="utf-8").split() if not n.startswith("test_")]
        new = dict.fromkeys(names, vocab)
        for name in new.keys() & common:
            del new[name]
        for name in new.keys() & owners.keys():
            new[name] = f"{owners[name]} {vocab}"
        owners.update(new)
    # A name a vocabulary shares with one its framework builds on is the base's: scikit-learn's
    # and Keras' packages export NumPy's `float64`, `arange` and `assert_array_equal` too, and
    # NumPy code written with them is not about either.
    bases = {fw.id: set(fw.builds_on) for fw in _table().frameworks if fw.builds_on}
    for name, listed in owners.items():
        if " " in listed:
            vocabs = listed.split()
            kept = [v for v in vocabs if not bases.get(v, set()) & set(vocabs)]
            if len(kept) < len(vocabs):
                owners[name] = " ".join(kept)
    return owners


@lru_cache(maxsize=8192)
def _name_weight(name: str, owners: str) -> tuple[tuple[str, ...], float, bool]:
    """(vocabularies, specificity, compound) of a vocabulary name. Specificity is 1/(number of
    vocabularies listing it, of every language: "Router" in Express, Gin and Angular names none
    of them), scaled down for names of one or two words."""
    table = _table()
    n_words = len(_NAME_WORDS.findall(name))
    if n_words <= 1:
        shape = table.vocab_single_word
    elif n_words == 2:
        shape = table.vocab_two_words
    else:
        shape = 1.0
    vocabs = tuple(owners.split())
    return vocabs, shape / len(vocabs), n_words > 1


def _vocab_scores(text: str, wanted: set[str]) -> dict[str, float]:
    """Specificity-weighted count of distinct API names per vocabulary in `wanted`.

    Plain code is full of single words some API also uses ("matrix", "child", "list"), so
    single words add at most `vocab_single_cap` and only beside a compound API name; a
    vocabulary needs `vocab_min_names` distinct names unless one name is strong on its own; and
    only vocabularies close to the best one (`vocab_keep_ratio`) count, so one framework's API
    does not also vote for its neighbours."""
    table = _table()
    owners = _vocab_owners()
    compound: dict[str, float] = {}
    single: dict[str, float] = {}
    counts: dict[str, int] = {}
    head = text[:_VOCAB_TEXT_LIMIT]
    for name in set(_IDENTIFIER.findall(head)) - _defined_names(head):
        listed = owners.get(name)
        if listed is None:
            continue
        vocabs, weight, is_compound = _name_weight(name, listed)
        for vocab in vocabs:
            if vocab in wanted:
                sums = compound if is_compound else single
                sums[vocab] = sums.get(vocab, 0.0) + weight
                counts[vocab] = counts.get(vocab, 0) + 1
    totals: dict[str, float] = {}
    for vocab, score in compound.items():
        total = score + min(single.get(vocab, 0.0), table.vocab_single_cap)
        if counts[vocab] >= table.vocab_min_names or total >= table.vocab_strong_name:
            totals[vocab] = total
    if not totals:
        return {}
    best = max(totals.values())
    return {v: s for v, s in totals.items() if s >= table.vocab_keep_ratio * best}


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
    wanted = {
        rule.vocab
        for fw in candidates
        for rule in fw.rules
        if rule.vocab is not None and (rule.languages is None or language in rule.languages)
    }
    # API names count only where code is: not in docstrings, comments or log messages
    code = code_only(parsed) if parsed is not None else text
    vocab_scores = _vocab_scores(code, wanted) if wanted else {}
    out: dict[str, float] = {}
    for fw in candidates:
        score = fw.import_weight if modules and fw.imported(modules) else 0.0
        for rule in fw.rules:
            if rule.languages is not None and language not in rule.languages:
                continue
            if rule.vocab is not None:
                score += rule.weight * min(vocab_scores.get(rule.vocab, 0.0), rule.limit)
                continue
            n = rule.hits(text, parsed, code)
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


def entries(language: str) -> tuple[Framework, ...]:
    """The table's entries that apply to `language`, in table order."""
    return _table().by_language.get(language, ())


def known() -> list[str]:
    """Every framework id the table knows, in table order."""
    return [fw.id for fw in _table().frameworks]
