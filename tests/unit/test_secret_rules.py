"""The provider rules table (grammars/secrets.toml): every rule's own examples, and the loader.

The examples live beside each regex in the table so that a reviewer sees what a rule is meant to
catch and to leave alone; these tests make that claim executable. Values are made up.
"""

from __future__ import annotations

import re
import sys
import time

import pytest

from pieces_lsp.secrets import rules
from pieces_lsp.secrets.engine import rule_matches

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = rules.load()
RULES = TABLE.rules
IDS = [r.id for r in RULES]

# The kinds the secrets issue names; chat and webhook are one family there.
REQUIRED_KINDS = [
    ("cloud",),
    ("vcs",),
    ("payment",),
    ("chat", "webhook"),
    ("database",),
    ("private-key",),
    ("jwt",),
    ("generic",),
]
# The rules that existed before the table grew: other code and docs name these ids.
STABLE_IDS = [
    "aws-access-key",
    "github-token",
    "slack-token",
    "stripe-key",
    "jwt",
    "database-url-password",
    "url-password",
    "private-key",
]


def _cases(field: str) -> list[tuple[str, int, str]]:
    return [(r.id, i, text) for r in RULES for i, text in enumerate(getattr(r, field))]


@pytest.mark.parametrize(("rule_id", "index", "text"), _cases("examples"))
def test_example_is_found(rule_id: str, index: int, text: str) -> None:
    rule = TABLE.by_id[rule_id]
    assert rule_matches(rule, text), f"{rule_id} example #{index} not found: {text[:120]!r}"


@pytest.mark.parametrize(("rule_id", "index", "text"), _cases("counter_examples"))
def test_counter_example_is_not_found(rule_id: str, index: int, text: str) -> None:
    rule = TABLE.by_id[rule_id]
    found = rule_matches(rule, text)
    assert not found, (
        f"{rule_id} counter-example #{index} matched {text[found[0].start : found[0].end]!r}"
    )


def test_every_rule_has_examples_and_counter_examples() -> None:
    lacking = [r.id for r in RULES if not r.examples or not r.counter_examples]
    assert not lacking


def test_ids_are_unique_in_the_file() -> None:
    """`parse` rejects duplicates too; this reads the raw file so a loader bug cannot hide one."""
    raw = tomllib.loads(rules.path().read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in raw["rule"]]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert len(IDS) == len(ids)


def test_stable_ids_are_kept() -> None:
    assert set(STABLE_IDS) <= set(IDS)


@pytest.mark.parametrize("kinds", REQUIRED_KINDS, ids=lambda k: "/".join(k))
def test_every_issue_kind_has_rules(kinds: tuple[str, ...]) -> None:
    assert any(r.kind in kinds for r in RULES)


def test_table_is_large_enough_to_matter() -> None:
    assert len(RULES) >= 120


def test_each_example_holds_a_keyword() -> None:
    """Keywords gate the regex: an example without one would pass only by luck of the gate."""
    for r in RULES:
        for text in r.examples:
            assert any(k in text.lower() for k in r.keywords), (r.id, text[:80])


def test_keywords_are_lower_case_literals() -> None:
    for r in RULES:
        assert all(k == k.lower() and k.strip() for k in r.keywords), r.id


def test_documented_example_keys_are_allowed() -> None:
    """Vendors' own documentation keys are not leaks (the `allow` lists)."""
    assert not rule_matches(TABLE.by_id["aws-access-key"], "key = AKIAIOSFODNN7EXAMPLE")
    assert not rule_matches(
        TABLE.by_id["aws-secret-access-key"],
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    assert not rule_matches(TABLE.by_id["stripe-key"], "sk_test_4eC39HqLyjWDarjtT1zdp7dc")


def test_secret_span_is_the_value_only() -> None:
    """Redaction replaces the span: quotes, names and URL parts around it must survive."""
    text = 'DATABASE_URL="postgres://app:Qm7vT2xL9kR4@db.internal:5432/app"'
    (m,) = rule_matches(TABLE.by_id["database-url-password"], text)
    assert text[m.start : m.end] == "Qm7vT2xL9kR4"
    text = 'stripe.api_key = "sk_live_Q8vJr2LmX7pT4wK9nB3cZ6yH"'
    (m,) = rule_matches(TABLE.by_id["stripe-key"], text)
    assert text[m.start : m.end] == "sk_live_Q8vJr2LmX7pT4wK9nB3cZ6yH"


# Inputs that make a backtracking regex with nested or overlapping quantifiers blow up.
_HOSTILE = [
    "a" * 20_000,
    "A1" * 10_000,
    "-" * 20_000,
    "ab-" * 7_000,
    "eyJ" + "a" * 20_000,
    "x://" + "a:" * 10_000,
    "Authorization: " + "a" * 20_000,
    "-----BEGIN PRIVATE KEY-----\n" + "QUJD " * 4_000,
    "1//0" + "9" * 20_000,
    "MTk4" * 5_000,
]


@pytest.mark.parametrize("rule_id", IDS)
def test_regex_is_linear_on_hostile_input(rule_id: str) -> None:
    pattern = TABLE.by_id[rule_id].pattern
    t0 = time.perf_counter()
    for text in _HOSTILE:
        for _ in pattern.finditer(text):
            pass
    assert time.perf_counter() - t0 < 0.5, rule_id


# --- the loader -------------------------------------------------------------------------------

# The real [generic] section (its schema belongs to the generic detector, not to these tests).
_REAL = rules.path().read_text(encoding="utf-8")
_GENERIC = _REAL[: re.search(r"(?m)^\[\[rule\]\]", _REAL).start()]  # type: ignore[union-attr]

_GOOD = """
[[rule]]
id = "acme-token"
kind = "saas"
description = "Acme API token"
regex = '''\\b(acme_[a-z0-9]{20})\\b'''
keywords = ["acme_"]
examples = ['ACME=acme_k3j9x8m2q7v4n1b6z5t0']
"""


def test_a_well_formed_table_parses() -> None:
    table = rules.parse(_GENERIC + _GOOD)
    assert table.by_id["acme-token"].group == 1
    assert table.by_id["acme-token"].keywords == ("acme_",)


@pytest.mark.parametrize(
    ("broken", "why"),
    [
        (_GOOD.replace("(acme_[a-z0-9]{20})", "(acme_[a-z0-9{20}"), "bad regex"),
        (_GOOD + 'severity = "high"\n', "unknown field"),
        (_GOOD.replace('keywords = ["acme_"]\n', ""), "keywords"),
        (_GOOD.replace('keywords = ["acme_"]', "keywords = []"), "keyword"),
        (_GOOD.replace('kind = "saas"', 'kind = "social"'), "kind"),
        (
            _GOOD.replace("examples = ['ACME=acme_k3j9x8m2q7v4n1b6z5t0']", "examples = []"),
            "example",
        ),
        (
            _GOOD.replace("keywords =", "group = 3\nkeywords ="),
            "group",
        ),
    ],
)
def test_a_malformed_rule_is_rejected_by_id(broken: str, why: str) -> None:
    with pytest.raises(rules.RulesError, match=re.escape("acme-token")) as err:
        rules.parse(_GENERIC + broken)
    assert why in str(err.value)


def test_a_duplicate_id_is_rejected() -> None:
    with pytest.raises(rules.RulesError, match=r"acme-token.*duplicate"):
        rules.parse(_GENERIC + _GOOD + _GOOD)


def test_a_rule_without_id_is_named_by_position() -> None:
    with pytest.raises(rules.RulesError, match=r"rule #2: missing 'id'"):
        rules.parse(_GENERIC + _GOOD + _GOOD.replace('id = "acme-token"\n', ""))
