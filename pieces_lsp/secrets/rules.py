"""The secret rules table (`grammars/secrets.toml`), loaded and checked once.

Rules are data so that a new provider format is one reviewed table entry with its own examples,
not a code change. A malformed table is a packaging bug: it fails loudly with the rule's id.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RULE_KEYS = {
    "id",
    "kind",
    "description",
    "regex",
    "group",
    "keywords",
    "entropy",
    "allow",
    "examples",
    "counter_examples",
}
KINDS = frozenset(
    {
        "cloud",
        "vcs",
        "ci",
        "payment",
        "chat",
        "webhook",
        "database",
        "private-key",
        "jwt",
        "ai",
        "package-registry",
        "saas",
        "generic",
    }
)


class RulesError(ValueError):
    """The rules table is malformed; the message names the rule and the field."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    description: str
    pattern: re.Pattern[str]
    group: int
    keywords: tuple[str, ...]  # lower-case; the rule only runs when one occurs in the text
    entropy: float  # minimum Shannon entropy (bits per character) of the secret; 0 = none
    allow: tuple[re.Pattern[str], ...]  # secrets matching one of these are documented examples
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GenericConfig:
    """Names that make an assigned literal suspicious, and what such a literal must look like."""

    strong: tuple[str, ...]  # password, secret, token...: any non-trivial literal is suspect
    weak: tuple[str, ...]  # key, auth...: only random-looking literals are suspect
    exclude: tuple[str, ...]  # name parts that make it not a secret (public_key, token_type...)
    key_owners: tuple[str, ...]  # words that make a following bare `key` a credential
    fake_words: tuple[str, ...]  # values containing these are examples (example, dummy, fake...)
    min_length: int
    weak_min_length: int
    weak_entropy: float


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    generic: GenericConfig
    by_id: dict[str, Rule]

    @cached_property
    def _automaton(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for keyword in {k for r in self.rules for k in r.keywords}:
            automaton.add_word(keyword, keyword)
        automaton.make_automaton()
        return automaton

    @cached_property
    def rules_by_keyword(self) -> dict[str, tuple[int, ...]]:
        """Keyword -> indexes of the rules it gates, so a scan visits only rules with a hit."""
        out: dict[str, list[int]] = {}
        for i, r in enumerate(self.rules):
            for k in r.keywords:
                out.setdefault(k, []).append(i)
        return {k: tuple(v) for k, v in out.items()}

    def keyword_automaton(self) -> ahocorasick.Automaton:
        """All rules' keywords in one Aho-Corasick automaton (pyahocorasick): one pass over a
        text finds every keyword, where a substring search per keyword cost ~50 ms on 10,000
        lines."""
        return self._automaton

    def describe(self, rule_id: str) -> str:
        rule = self.by_id.get(rule_id)
        if rule is not None:
            return rule.description
        return GENERIC_DESCRIPTIONS.get(rule_id, rule_id)


# The generic detector's ids: not table rows, since they come from names, not value formats.
GENERIC_DESCRIPTIONS = {
    "generic-password": "A password assigned a literal value",
    "generic-secret": "A secret, token or API key assigned a literal value",
    "generic-credential": "A random-looking literal assigned to a key or credential name",
}


def _req(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise RulesError(f"{where}: missing '{key}'")
    return entry[key]


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as e:
        raise RulesError(f"{where}: bad regex: {e}") from e


def _rule(entry: dict[str, Any], index: int) -> Rule:
    where = f"rule #{index + 1}"
    rid = str(_req(entry, "id", where))
    where = f"rule {rid!r}"
    if not _ID.match(rid):
        raise RulesError(f"{where}: ids are lower-case words joined by '-'")
    if rid in GENERIC_DESCRIPTIONS:
        raise RulesError(f"{where}: id is reserved for the generic detector")
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise RulesError(f"{where}: unknown field(s) {sorted(unknown)}")
    kind = str(_req(entry, "kind", where))
    if kind not in KINDS:
        raise RulesError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
    pattern = _compile(str(_req(entry, "regex", where)), where)
    group = int(entry.get("group", 1 if pattern.groups else 0))
    if not 0 <= group <= pattern.groups:
        raise RulesError(f"{where}: group {group} but the regex has {pattern.groups}")
    keywords = tuple(str(k).lower() for k in _req(entry, "keywords", where))
    if not keywords or any(not k for k in keywords):
        raise RulesError(f"{where}: give at least one non-empty keyword (it gates the regex)")
    examples = tuple(str(x) for x in _req(entry, "examples", where))
    if not examples:
        raise RulesError(f"{where}: give at least one example")
    return Rule(
        id=rid,
        kind=kind,
        description=str(_req(entry, "description", where)),
        pattern=pattern,
        group=group,
        keywords=keywords,
        entropy=float(entry.get("entropy", 0.0)),
        allow=tuple(_compile(str(a), where) for a in entry.get("allow", [])),
        examples=examples,
        counter_examples=tuple(str(x) for x in entry.get("counter_examples", [])),
    )


def _generic(entry: dict[str, Any]) -> GenericConfig:
    where = "[generic]"

    def words(key: str) -> tuple[str, ...]:
        return tuple(str(w).lower() for w in _req(entry, key, where))

    return GenericConfig(
        strong=words("strong"),
        weak=words("weak"),
        exclude=words("exclude"),
        key_owners=words("key_owners"),
        fake_words=words("fake_words"),
        min_length=int(entry.get("min_length", 8)),
        weak_min_length=int(entry.get("weak_min_length", 16)),
        weak_entropy=float(entry.get("weak_entropy", 3.0)),
    )


def parse(text: str) -> RuleSet:
    """Check and compile a rules table (exposed so tests can feed malformed tables)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"secrets.toml is not valid TOML: {e}") from e
    rules = tuple(_rule(e, i) for i, e in enumerate(data.get("rule", [])))
    by_id: dict[str, Rule] = {}
    for r in rules:
        if r.id in by_id:
            raise RulesError(f"rule {r.id!r}: duplicate id")
        by_id[r.id] = r
    return RuleSet(
        rules=rules, generic=_generic(_req(data, "generic", "secrets.toml")), by_id=by_id
    )


def path() -> Path:
    return grammars_dir() / "secrets.toml"


@lru_cache(maxsize=1)
def load() -> RuleSet:
    return parse(path().read_text(encoding="utf-8"))
