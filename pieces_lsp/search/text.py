"""Turning snippets and queries into index terms.

Queries are English ("retry an http request") while code spells the same words inside
identifiers (`retryHttpRequest`, `retry_http_request`), so both sides go through one analyser:
identifiers are split on camelCase/snake_case boundaries, words are lower-cased, stop words are
dropped and a light stemmer folds plurals and verb forms. A compound identifier is also kept
whole (`retryhttprequest`), so typing the exact name still ranks its definition first.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"(?:[^\W\d]|\$)[\w$]*|\d+[^\W\d][\w$]*|\d{2,}")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_STRING_OR_COMMENT = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
    r"|`(?:\\.|[^`\\])*`|#[^\n]*|//[^\n]*|/\*[\s\S]*?\*/"
)

MAX_TERM_LENGTH = 64
"""Longer "words" are hashes, base64 blobs or minified code: noise for search, and they would
bloat the fuzzy vocabulary. (Long descriptive test names still fit.)"""

_STOP_WORDS_TEXT = """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just let me
    more most my myself no nor not now of off on once only or other our ours out over own same
    she should so some such than that the their theirs them then there these they this those
    through to too under until up us very was way we were what when where which while who whom
    why will with would you your yours using use used want wants need needs get gets got
    given ways
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
"""English function words and question filler ("how do I ... using ..."). Code keywords are
kept: BM25's idf already makes `def` or `return` nearly worthless, and `for`/`if`/`in` are
here anyway as English words."""

_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    # (suffix, replacement, minimum stem length left)
    ("ational", "ate", 3),
    ("ization", "ize", 3),
    ("ations", "ate", 3),
    ("ation", "ate", 3),
    ("ements", "", 4),
    ("ement", "", 4),
    ("ments", "", 4),
    ("ment", "", 4),
    ("ness", "", 4),
    ("ingly", "", 4),
    ("ings", "", 3),
    ("ing", "", 3),
    ("ies", "y", 2),
    ("ied", "y", 2),
    ("edly", "", 4),
    ("ed", "", 3),
    ("ers", "", 3),
    ("er", "", 3),
    ("ly", "", 4),
    ("s", "", 3),
)
_KEEP_S = ("ss", "us", "is", "os", "as")
_EDIT_ES = ("sses", "shes", "ches", "xes", "zes")


_ABBREVIATIONS_TEXT = """
    dict: dictionary dictionaries dicts
    str: string strings
    int: integer integers
    num: number numbers
    arr: array arrays
    len: length
    func: function functions fn
    arg: argument arguments args
    param: parameter parameters params
    dir: directory directories
    img: image images
    msg: message messages
    err: error errors
    obj: object objects
    config: configuration conf cfg
    db: database databases
    tmp: temporary temp
    env: environment
    idx: index indices indexes
    val: value values
    var: variable variables
    attr: attribute attributes attrs
    elem: element elements
    re: regex regexp
    max: maximum
    min: minimum
    avg: average
    req: request requests
    resp: response responses
    src: source
    dst: destination dest
    pos: position
    prev: previous
    cur: current curr
    init: initialize initialise initialization
    exec: execute
    calc: calculate
    seq: sequence sequences
    ts: timestamp
    df: dataframe
    file: files filename filenames
"""
"""Abbreviations code uses for words people type in full (and the reverse): each line maps the
spellings on the right onto the short form, on both the index and the query side."""


def _abbreviations() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _ABBREVIATIONS_TEXT.strip().splitlines():
        short, _, longs = line.partition(":")
        for word in (short.strip(), *longs.split()):
            out[word] = short.strip()
    return out


_CANONICAL = _abbreviations()


def normalize(word: str) -> str:
    """A lower-case word as an index term: the canonical abbreviation, else its stem."""
    canonical = _CANONICAL.get(word)
    if canonical is not None:
        return canonical
    stemmed = stem(word)
    return _CANONICAL.get(stemmed, stemmed)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A small suffix stripper: it only has to map a query word and the words in code onto the
    same term (`retries`/`retrying`/`retried` -> `retr`-ish), not produce real words. Suffixes
    that would leave a stem shorter than a few letters are kept, so short names survive."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(_EDIT_ES):
        return word[:-2]
    if word.endswith("s") and word.endswith(_KEEP_S):
        return word
    for suffix, repl, min_left in _SUFFIXES:
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            if len(base) < min_left:
                return word
            if suffix in ("ing", "ed", "ings", "er", "ers") and len(base) > 2:
                if base[-1] == base[-2] and base[-1] not in "lsz":
                    base = base[:-1]  # running -> run, stopped -> stop
                elif base.endswith(("at", "iz", "bl")):
                    base += "e"  # created -> create, sized -> size
            return base + repl
    return word


def split_identifier(token: str) -> list[str]:
    """`parseHTTPResponse2` -> [parse, http, response, 2]; `MAX_RETRIES` -> [max, retries]."""
    out: list[str] = []
    for piece in token.replace("$", "_").split("_"):
        if not piece:
            continue
        if piece.isascii():
            out.extend(p.lower() for p in _PART.findall(piece))
        else:
            out.append(piece.lower())  # no camelCase convention to rely on outside ASCII
    return out


def raw_words(text: str) -> list[str]:
    """Identifier-like tokens in their original spelling (not split, not lower-cased)."""
    return [tok for tok in _WORD.findall(text) if len(tok) <= MAX_TERM_LENGTH]


_TOKEN_CACHE = 100_000
"""Per-token analysis is cached: code repeats its names, so most tokens of a new snippet were
already split and stemmed for an earlier one."""


@lru_cache(maxsize=_TOKEN_CACHE)
def _token_terms(token: str) -> tuple[str, ...]:
    parts = split_identifier(token)
    out = [normalize(p) for p in parts if len(p) > 1 and p not in STOP_WORDS]
    if len(parts) > 1:
        whole = "".join(parts)
        if len(whole) > 1:
            out.append(whole)
    return tuple(out)


@lru_cache(maxsize=_TOKEN_CACHE)
def _token_words(token: str) -> tuple[str, ...]:
    parts = split_identifier(token)
    out = [p for p in parts if len(p) > 1]
    if len(parts) > 1:
        out.append("".join(parts))
    return tuple(out)


def terms(text: str) -> list[str]:
    """Index terms of any text (query, title, description, code), repeats kept for tf."""
    out: list[str] = []
    for tok in raw_words(text):
        out.extend(_token_terms(tok))
    return out


def query_terms(text: str) -> list[tuple[str, str]]:
    """(term, the query word it came from), unique, in query order: the word is what `why`
    shows the user, the term is what the index knows."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for tok in raw_words(text):
        for t in _token_terms(tok):
            if t not in seen:
                seen.add(t)
                out.append((t, tok))
    return out


def fuzzy_words(text: str) -> set[str]:
    """Lower-cased words and identifier parts for typo-tolerant matching (not stemmed: edit
    distance works on what people type)."""
    out: set[str] = set()
    for tok in set(raw_words(text)):
        out.update(_token_words(tok))
    return out


def identifier_words(code: str) -> set[str]:
    """`fuzzy_words` of the names used in the code itself (string literals and comments
    removed): the vocabulary a user types from memory and may misspell. Literals are left out
    because that is where secrets and long data live."""
    return fuzzy_words(_STRING_OR_COMMENT.sub(" ", code))
