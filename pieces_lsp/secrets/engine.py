"""One scan of a text: table rules, then the name-based detector, then allow markers.

Table rules (provider formats) win over name-based candidates on the same span: their id says
what the secret is. Every value passes the shared checks in `values` whatever found it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

from pieces_lsp.analysis.languages import language_from_path
from pieces_lsp.lines import line_of, line_starts
from pieces_lsp.secrets import allow, generic, values
from pieces_lsp.secrets.context import TreeContext, is_test_path
from pieces_lsp.secrets.rules import Rule, RuleSet, load

# Lines longer than this (minified code, data blobs) are scanned by the name-based detector only
# around its trigger words, so one 1 MB line cannot make a scan slow.
_LONG_LINE = 4096
_WINDOW = 600


@dataclass(frozen=True, slots=True)
class Match:
    rule: str
    kind: str
    start: int  # character offsets of the secret value (no quotes)
    end: int
    line: int  # 0-based, as in LSP


def _value_ok(rule: Rule, value: str, fake_words: tuple[str, ...]) -> bool:
    if values.is_placeholder(value) or values.is_trivial(value):
        return False
    if values.is_fake(value, fake_words):
        return False
    if rule.entropy and values.entropy(value) < rule.entropy:
        return False
    if rule.kind == "jwt" and not values.jwt_header_ok(value):
        return False
    return not any(a.search(value) for a in rule.allow)


_RADIUS = 2048  # how far from its keyword a match may start or end (a PEM block fits)


def _windows(spots: list[int], size: int) -> list[tuple[int, int]]:
    """Merged spans of the text around a rule's keyword hits: its regex only runs there, so a
    10,000-line file costs one keyword pass for all rules, not a regex pass per rule."""
    out: list[tuple[int, int]] = []
    for p in sorted(spots):
        start, end = max(0, p - _RADIUS), min(size, p + _RADIUS)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _keyword_spots(lowered: str, ruleset: RuleSet) -> dict[str, list[int]]:
    """Where each keyword occurs, in one Aho-Corasick pass (hits closer than the window
    radius to the previous kept one add nothing and are skipped)."""
    spots: dict[str, list[int]] = {}
    for end, keyword in ruleset.keyword_automaton().iter(lowered):
        at = end - len(keyword) + 1
        seen = spots.setdefault(keyword, [])
        if not seen or at - seen[-1] >= _RADIUS:
            seen.append(at)
    return spots


def _rule_spans(
    rule: Rule, text: str, fake_words: tuple[str, ...], spots: dict[str, list[int]]
) -> list[tuple[int, int]]:
    hits = [p for k in rule.keywords for p in spots.get(k, ())]
    out = []
    for w0, w1 in _windows(hits, len(text)):
        for m in rule.pattern.finditer(text, w0, w1):
            start, end = m.span(rule.group)
            if start < 0 or start == end:
                continue
            if _value_ok(rule, text[start:end], fake_words):
                out.append((start, end))
    return sorted(set(out))


def rule_matches(rule: Rule, text: str) -> list[Match]:
    """One table rule alone, with the shared value checks (what the rule tests exercise)."""
    fake = load().generic.fake_words
    lowered = text.lower()
    spots: dict[str, list[int]] = {}
    for k in rule.keywords:
        pos = lowered.find(k)
        while pos >= 0:
            spots.setdefault(k, []).append(pos)
            pos = lowered.find(k, pos + 1)
    if not spots:
        return []
    starts = line_starts(text)
    return [
        Match(rule.id, rule.kind, s, e, line_of(starts, s))
        for s, e in _rule_spans(rule, text, fake, spots)
    ]


def _generic_candidates(
    text: str, lowered: str, starts: list[int], language: str | None, ruleset: RuleSet
) -> list[generic.Candidate]:
    cfg = ruleset.generic
    out: list[generic.Candidate] = []
    # Lower-casing keeps offsets for almost every text; when it does not (a few non-ASCII
    # letters grow), gate on the original text instead.
    same = len(lowered) == len(text)
    gate, haystack = (generic.GATE_LOWER, lowered) if same else (generic._GATE, text)
    hit = gate.search(haystack)
    while hit is not None:
        line = line_of(starts, hit.start())
        begin = starts[line]
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        if end - begin <= _LONG_LINE:
            out.extend(generic.scan_line(text[begin:end], begin, language, cfg, gated=True))
            resume = end + 1  # one scan per line, however many trigger words it holds
        else:
            w0 = max(begin, hit.start() - _WINDOW // 3)
            w1 = min(end, w0 + _WINDOW)
            out.extend(generic.scan_line(text[w0:w1], w0, language, cfg))
            resume = w1
        hit = gate.search(haystack, resume)
    out.extend(generic.scan_text(text, language, cfg))
    return out


_WEAK_KINDS = frozenset({"generic", "database"})


def _same_as_user(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    before = text[max(0, start - len(value) - 1) : start]
    return before == value + ":"


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """`spans` are sorted and disjoint, so their ends increase too: only the last span that
    starts before `end` can reach past `start`."""
    i = bisect.bisect_left(spans, (end, -1))
    return i > 0 and spans[i - 1][1] > start


def find(text: str, filename: str | None = None, language: str | None = None) -> list[Match]:
    """Every secret in `text`, in order, non-overlapping.

    `filename` and `language` are context: config files take unquoted values literally, code
    does not, and a weak candidate inside a test is taken for a fixture."""
    return list(_find(text, filename, language))


@lru_cache(maxsize=8)
def _find(text: str, filename: str | None, language: str | None) -> tuple[Match, ...]:
    # One enrichment asks about the same text several times (findings, title, tags): scan once.
    if not text or allow.snippet_allowed(text):
        return ()
    ruleset = load()
    language = language or language_from_path(filename)
    lowered = text.lower()
    fake = ruleset.generic.fake_words
    found: list[tuple[int, int, str, str]] = []
    spots = _keyword_spots(lowered, ruleset)
    gated = sorted({i for k in spots for i in ruleset.rules_by_keyword.get(k, ())})
    for i in gated:  # table order: provider rules before generic ones
        rule = ruleset.rules[i]
        found.extend((s, e, rule.id, rule.kind) for s, e in _rule_spans(rule, text, fake, spots))
    # Provider formats first; among overlapping ones the earlier, longer match wins.
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    taken: list[tuple[int, int]] = []
    kept: list[tuple[int, int, str, str]] = []
    for f in found:
        if taken and f[0] < taken[-1][1]:
            continue
        taken.append((f[0], f[1]))
        kept.append(f)
    starts = line_starts(text)
    tree = TreeContext(text, language)
    test_file = is_test_path(filename)
    cfg = ruleset.generic

    def fixture(start: int, end: int) -> bool:
        """A made-up credential in a test: weak-looking, inside a test file or function."""
        value = text[start:end]
        if values.looks_random(value, cfg.weak_min_length, cfg.weak_entropy):
            return False
        return test_file or tree.in_test(start)

    # Format-less table rules (URLs with passwords, auth headers) share the fixture rule, and
    # `guest:guest@` (password = user name) is a default, not a secret.
    kept = [
        f
        for f in kept
        if f[3] not in _WEAK_KINDS or not (fixture(f[0], f[1]) or _same_as_user(text, f[0], f[1]))
    ]
    taken = [(f[0], f[1]) for f in kept]
    for c in sorted(
        _generic_candidates(text, lowered, starts, language, ruleset), key=lambda c: c.start
    ):
        if _overlaps(taken, c.start, c.end) or fixture(c.start, c.end):
            continue
        bisect.insort(taken, (c.start, c.end))
        kept.append((c.start, c.end, c.rule, "generic"))
    allowed = allow.allowed_lines(text)
    out = []
    for s, e, rid, kind in sorted(kept):
        line = line_of(starts, s)
        if line not in allowed:
            out.append(Match(rid, kind, s, e, line))
    return tuple(out)
