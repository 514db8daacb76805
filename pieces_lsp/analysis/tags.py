"""Tags for a snippet, and tags suggested by the user's own library.

Tags are how people browse a library, so they favour words that say what the code is about
(the language, its frameworks, then domain words taken from identifiers) over words every
snippet shares (`data`, `value`, `self`): those are dropped by `grammars/words.toml`, and the
rest are ranked by how often they occur, whether they name a definition, and how early they come.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pieces_lsp.analysis.definitions import facts
from pieces_lsp.analysis.parsing import Parsed
from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# camelCase, PascalCase, ACRONYMWord, snake_case, kebab-case and digits all split here.
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_PLAIN = frozenset({"plaintext", "text", ""})
# Identifier words on their own lines in fallback mode are too noisy: only these many are read.
_MAX_TOKENS = 5000
# SQL statements written into code (DB-API cursors, JDBC, raw queries): "sql" is what people
# search such a snippet by, and no identifier says it. Keywords in capitals, as SQL is written
# in code (a lower-case "select one from the list" is prose), plus the ubiquitous `select * from`.
_EMBEDDED_SQL = re.compile(
    r"\b(?:SELECT\s+(?:DISTINCT\s+)?[\w*(\"`\[][^;]{0,300}?\bFROM\s+[\w\"`\[(]"
    r"|INSERT\s+(?:OR\s+\w+\s+)?INTO\s+[\w\"`\[]|UPDATE\s+[\w\"`\[.]+\s+SET\s"
    r"|DELETE\s+FROM\s+[\w\"`\[]|CREATE\s+(?:TEMP(?:ORARY)?\s+)?(?:UNIQUE\s+)?(?:TABLE|INDEX|VIEW)\s"
    r"|ALTER\s+TABLE\s|DROP\s+(?:TABLE|INDEX|VIEW)\s)|\bselect\s+\*\s+from\s+\w"
)


@dataclass(frozen=True, slots=True)
class Words:
    """The data in `grammars/words.toml`."""

    display: dict[str, str]
    languages: dict[str, str]
    verbs: frozenset[str]
    stop: frozenset[str]
    never_template: frozenset[str]


@lru_cache(maxsize=1)
def words() -> Words:
    data = tomllib.loads((grammars_dir() / "words.toml").read_text(encoding="utf-8"))
    w = data.get("words", {})
    return Words(
        display={k.lower(): str(v) for k, v in data.get("display", {}).items()},
        languages={k.lower(): str(v) for k, v in data.get("languages", {}).items()},
        verbs=frozenset(x.lower() for x in w.get("verbs", [])),
        stop=frozenset(x.lower() for x in w.get("stop", [])),
        never_template=frozenset(w.get("never_template", [])),
    )


def split_identifier(name: str) -> list[str]:
    """`parseYAMLConfig` / `parse_yaml_config` -> ["parse", "yaml", "config"]."""
    return [m.group(0).lower() for m in _WORD.finditer(name)]


def language_name(language: str) -> str:
    """How people write a language id ("csharp" -> "C#")."""
    return words().languages.get(language.lower(), language[:1].upper() + language[1:])


def _is_tag_word(word: str, stop: frozenset[str]) -> bool:
    return len(word) >= 3 and word.isalpha() and word not in stop and word != "redacted"


def _library_tags(language: str, imports: Sequence[str]) -> list[str]:
    """Third-party import roots: `requests`, `lodash`, `serde` say more than `os` or `java`."""
    out: list[str] = []
    stdlib: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
    for imp in imports:
        imp = imp.strip()
        if not imp or imp.startswith((".", "/")):
            continue
        if language == "python":
            root = imp.split(".")[0]
            if root in stdlib or root.startswith("_"):
                continue
        elif language in ("javascript", "javascriptreact", "typescript", "typescriptreact"):
            if imp.startswith("node:") or imp in _NODE_BUILTINS:
                continue
            parts = imp.split("/")
            root = "/".join(parts[:2]) if imp.startswith("@") else parts[0]
        elif language == "go":
            parts = imp.split("/")
            if "." not in parts[0]:
                continue  # the standard library has no domain in its path
            root = parts[-1]
        elif language == "rust":
            root = imp.split("::")[0]
            if root in ("std", "core", "alloc", "crate", "self", "super"):
                continue
        else:
            continue
        root = root.lower()
        if root and root not in out:
            out.append(root)
    return out


_NODE_BUILTINS = frozenset(
    {
        "fs",
        "path",
        "os",
        "http",
        "https",
        "url",
        "util",
        "events",
        "stream",
        "crypto",
        "child_process",
        "net",
        "zlib",
        "assert",
        "buffer",
        "readline",
        "fs/promises",
    }
)


def _keyword_scores(text: str, parsed: Parsed | None) -> tuple[Counter[str], dict[str, int]]:
    w = words()
    scores: Counter[str] = Counter()
    first: dict[str, int] = {}
    if parsed is not None:
        found = facts(parsed)
        total = max(1, len(parsed.source))
        named: list[tuple[str, float, int]] = []
        for d in found.definitions:
            weight = 1.0 if d.kind in ("variable", "constant") else 3.0
            named.append((d.name, weight, d.start_line * 80))
        for t in found.tokens[:_MAX_TOKENS]:
            if t.in_import:
                continue
            weight = 1.5 if t.type == "type_identifier" else 1.0
            named.append((t.text, weight, t.start))
        for c in found.calls:
            named.append((c.name, 0.5, c.line * 80))
        for name, weight, pos in named:
            for k, word in enumerate(split_identifier(name)):
                if _is_tag_word(word, w.stop):
                    scores[word] += weight * (1.0 + 0.5 * (1.0 - min(pos, total) / total))
                    first[word] = min(first.get(word, pos + k), pos + k)
    else:
        for i, m in enumerate(_IDENT.finditer(text)):
            if i >= _MAX_TOKENS:
                break
            for k, word in enumerate(split_identifier(m.group(0))):
                if _is_tag_word(word, w.stop):
                    scores[word] += 1.0
                    first.setdefault(word, m.start() + k)
    for word in list(scores):
        if word.endswith("s") and word[:-1] in scores:
            scores[word[:-1]] += scores.pop(word)
            first[word[:-1]] = min(first[word[:-1]], first.pop(word))
    return scores, first


def tags(
    text: str,
    language: str,
    parsed: Parsed | None,
    *,
    frameworks: list[str],
    imports: list[str],
    limit: int = 8,
) -> list[str]:
    """Language, frameworks, library roots, then ranked domain words; lower-case, unique."""
    out: list[str] = []

    def add(tag: str) -> None:
        tag = tag.strip().lower()
        if tag and tag not in out and len(out) < limit:
            out.append(tag)

    if language.lower() not in _PLAIN:
        add(language)
    for fw in frameworks:
        if fw.lower() != "none":
            add(fw)
    for lib in _library_tags(language.lower(), imports)[:2]:
        add(lib)
    if language.lower() not in ("sql", "plsql", "tsql") and _EMBEDDED_SQL.search(text[:16384]):
        add("sql")
    if len(out) >= limit:
        return out
    from pieces_lsp import secrets  # local: secrets loads its rules on first use

    scores, first = _keyword_scores(secrets.redact(text) if parsed is None else text, parsed)
    taken = set(out)
    # Pieces of a name already tagged whole ("fast" and "api" of "fastapi") add nothing.
    whole = [f.lower().replace("-", "").replace("_", "") for f in frameworks]
    taken |= {w for w in scores if any(w != t and w in t for t in whole)}
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], first.get(kv[0], 0), kv[0]))
    floor = 2.0 if len(ranked) > limit else 0.0
    for word, score in ranked:
        if score < floor or word in taken:
            continue
        add(word)
        if len(out) >= limit:
            break
    return out


def suggest_from_library(
    tags: list[str], library: Iterable[Sequence[str]], limit: int = 5
) -> list[str]:
    """Tags that co-occur with `tags` in the user's snippets, best first.

    Each candidate scores the sum over the given tags of the Ochiai coefficient
    co(t, g) / sqrt(n(t) * n(g)): plain co-occurrence counts would always suggest the library's
    most common tag, and normalising by both frequencies keeps specific pairings on top
    (`pandas` -> `dataframe` rather than `python`). In a library of 20 snippets or more, a pairing
    seen only once is noise and is skipped."""
    given = {t.strip().lower() for t in tags if t.strip()}
    if not given:
        return []
    freq: Counter[str] = Counter()
    co: dict[str, Counter[str]] = {}
    entries = 0
    for entry in library:
        entries += 1
        entry_tags = {t.strip().lower() for t in entry if t and t.strip()}
        freq.update(entry_tags)
        overlap = entry_tags & given
        if not overlap:
            continue
        for cand in entry_tags - given:
            bucket = co.setdefault(cand, Counter())
            for g in overlap:
                bucket[g] += 1
    min_pair = 2 if entries >= 20 else 1
    scored: list[tuple[float, int, str]] = []
    for cand, pairs in co.items():
        total = sum(pairs.values())
        if max(pairs.values()) < min_pair:
            continue
        score = sum(n / math.sqrt(freq[cand] * freq[g]) for g, n in pairs.items())
        scored.append((score, total, cand))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
    return [cand for _score, _total, cand in scored[:limit]]
