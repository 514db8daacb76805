"""The name-based detector: a literal assigned to a name that says it is secret.

Most leaked credentials have no provider prefix (`DB_PASSWORD=...`, `etsyApiKey: "..."`), so
the name is the evidence. Candidates come from the usual syntaxes of code and configuration:
assignments and comparisons, object keys, setter calls, XML elements, CLI flags and HTTP headers.
Only the value is reported, so redaction keeps the quotes and the code stays valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pieces_lsp.secrets import values
from pieces_lsp.secrets.rules import GenericConfig

# Quick gate: lines without one of these fragments cannot hold a candidate.
_GATE_WORDS = r"pass|pwd|pw\b|secret|token|key|auth|cred|hmac|bearer|cookie|curl|--user"
_GATE = re.compile(_GATE_WORDS, re.IGNORECASE)
GATE_LOWER = re.compile(_GATE_WORDS)  # the same gate on lower-cased text: much faster
_LOGIN = re.compile(r"\slogin\b|\s-u\s")
_Q = r"""(?P<pre>@|[rRbBuUfFL]{1,2})?(?P<q>["'`])(?P<qv>(?:\\.|(?!(?P=q))[^\\\n]){0,400}?)(?P=q)"""
_UNQUOTED = r"""(?P<uv>(?:\$\{[^}\n]{0,100}\}|[^\s"'`,;]){1,400})"""
_NAME = r"""[A-Za-z_$@][\w.$@-]{0,80}(?:\[[^\]\n]{0,40}\])?"""
_OP = r"""(?P<op>:{1,3}=|=>|\?=|\.=|\|\|=|\?\?=|===|!==|==|!=|=|:{1,2})"""
# Go / Kotlin / TypeScript put a type between the name and `=`: `var token string = "..."`.
_TYPE = r"""(?:\s+(?P<type>[A-Za-z_][\w.*]{0,30}(?:\[\])?)(?=\s*:?=))?"""

# name <op> value, where the name may be quoted (`"apiToken": "..."`) or typed (`char x[25] =`).
_ASSIGN = re.compile(
    rf"""(?:(?P<nq>["'`])(?P<qname>{_NAME})(?P=nq)|(?<![\w$@.-])(?P<name>{_NAME}){_TYPE})"""
    rf"""\s*{_OP}\s*(?:{_Q}|{_UNQUOTED})"""
)
# "value" == name (a hard-coded check is as much a leak as an assignment).
_REVERSED = re.compile(rf"""{_Q}\s*(?:===|!==|==|!=)\s*(?P<name>{_NAME})""")
# setProperty("API_TOKEN", "value"), headers.put('X-Api-Key', 'value'), env.setdefault(...)
_PAIR = re.compile(rf"""\(\s*(?P<nq>["'])(?P<name>[\w.\- ]{{1,80}})(?P=nq)\s*,\s*{_Q}""")
# <password>value</password>, also across lines (scan_text)
_XML = re.compile(r"""<(?P<name>[\w:.-]{1,80})>\s*(?P<xv>[^<>\s][^<>\n]{0,400}?)\s*</(?P=name)>""")
# curl -u user:password, curl --user "user:password"
_CURL_USER = re.compile(
    r"""(?<![\w-])(?:-u|--user)\s*["']?(?P<user>[^\s:"'<>\[\]{}$]{1,80}):(?P<cv>[^\s"'<>\[\]{}$]{1,200})"""
)
# --api-key value, --password=value
_FLAG = re.compile(
    rf"""(?<![\w-])--?(?P<name>[A-Za-z][\w-]{{1,60}})(?:=|\s+)(?:{_Q}|{_UNQUOTED})"""
)
# password "value";  (nginx / conf style: name, blank, quoted value, end of statement)
_SPACED = re.compile(rf"""^\s*(?P<name>[A-Za-z_][\w.-]{{0,80}})\s+{_Q}\s*;?\s*$""")
# process.env.SESSION_SECRET || 'fallback', os.getenv("TOKEN") or "fallback"
_FALLBACK = re.compile(
    rf"""(?P<name>[A-Za-z_$][\w.$]{{0,80}})(?:\([^()\n]{{0,80}}\))?\s*(?:\|\||\?\?|\bor\b|\?:)\s*{_Q}"""
)
# docker login -u user -p value, mysql -u root -pvalue
_SHORT_PASSWORD = re.compile(rf"""(?<=\s)-p(?:\s+|(?=\S))(?:{_Q}|{_UNQUOTED})""")
# Authorization: Bearer abc..., X-Api-Key: abc...
_HEADER = re.compile(
    r"""(?P<name>Authorization|Proxy-Authorization|X-[\w-]*(?:Key|Token|Secret|Auth)[\w-]*)"""
    r"""["']?\s*[:=,]\s*(?P<hq>["'])?\s*(?:Bearer|Token|Basic|Bot|ApiKey)?\s*"""
    r"""(?P<hv>[A-Za-z0-9._~+/=-]{8,400})(?=\s*$|["'`,;)\]}\\])""",
    re.IGNORECASE,
)

_ENV_DEFAULT = re.compile(r"(?:\bget|getenv|\benv|fetch|getProperty|get_env)\s*\($")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_PASSWORD_WORDS = ("pass", "pwd", "pw")
CONFIG_LANGUAGES = frozenset(
    {
        "yaml",
        "toml",
        "ini",
        "properties",
        "dotenv",
        "json",
        "jsonc",
        "xml",
        "plaintext",
        "conf",
        "dockerfile",
        "terraform",
        "hcl",
        "makefile",
        "markdown",
        "shellscript",
        "env",
    }
)


@dataclass(frozen=True, slots=True)
class Candidate:
    rule: str
    start: int  # offsets of the value in the scanned text
    end: int
    name: str
    quoted: bool


def name_parts(name: str) -> list[str]:
    """`DB_PASSWORD` -> [db, password]; `etsyApiToken` -> [etsy, api, token]."""
    parts: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        parts.extend(p.lower() for p in _CAMEL.findall(chunk))
    return parts


_NEVER = ("public", "publishable", "hashed")


def classify_name(name: str, cfg: GenericConfig) -> str | None:
    """generic-password / generic-secret / generic-credential, or None (cached: a file
    repeats its names)."""
    return _classify(name, cfg)


@lru_cache(maxsize=8192)
def _classify(name: str, cfg: GenericConfig) -> str | None:
    """generic-password / generic-secret / generic-credential, or None when not suspicious.

    In an English compound the last word is the thing named: `token_type` is a type and
    `password_message` a message, but `message_token` is a token. So words of `exclude` only
    count when they come after the last secret word."""
    # `settings.api_key`, `prop.key`: the attribute is what is named, not its owner
    parts = name_parts(re.split(r"[.](?=[A-Za-z_])", name.strip("[]"))[-1])
    if not parts:
        return None
    glued = "".join(parts)
    if any(w in glued for w in _NEVER) or "pub" in parts:
        return None
    ends = []
    total = 0
    for p in parts:
        total += len(p)
        ends.append(total)

    def part_at(offset: int) -> int:
        return next(i for i, e in enumerate(ends) if offset < e)

    # A long secret word may start inside a part (`slapikey`) but must end with one, so that
    # `tokenizer` and `credentialsource` are not read as `token` and `credentials`.
    boundaries = set(ends) | {e - 1 for e, p in zip(ends, parts, strict=True) if p.endswith("s")}
    strong_hit = -1
    for w in cfg.strong:
        word = w.replace("_", "")
        if len(word) >= 5:
            for m in re.finditer(re.escape(word), glued):
                if m.end() in boundaries:
                    strong_hit = max(strong_hit, part_at(m.end() - 1))
    for i, p in enumerate(parts):
        if p in cfg.strong and len(p) < 5:
            strong_hit = max(strong_hit, i)
    weak_hit = max((i for i, p in enumerate(parts) if p in cfg.weak), default=-1)
    if weak_hit < 0 and glued.endswith("key") and len(parts[-1]) > 3:
        weak_hit = len(parts) - 1  # `apikey`, `slapikey`: run together
    if (
        strong_hit < weak_hit
        and parts[weak_hit] == "key"
        and weak_hit > 0
        and parts[weak_hit - 1] not in cfg.key_owners
    ):
        return None  # `cache_key`, `sort_key`: a key into something, not a credential
    head = max(strong_hit, weak_hit)
    if head < 0 or any(p in cfg.exclude for p in parts[head + 1 :]):
        return None
    if strong_hit >= 0:
        if any(w in glued for w in ("password", "passwd", "passphrase")) or any(
            p in _PASSWORD_WORDS or p.startswith("pass") for p in parts
        ):
            return "generic-password"
        return "generic-secret"
    return "generic-credential"


def _reference(v: str, language: str | None) -> bool:
    """An unquoted value that is an expression (a variable, a call, an env lookup), not a
    literal. In code anything unquoted is an expression unless it is shaped like a token."""
    identifier = re.fullmatch(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", v) is not None
    if language is not None and language not in CONFIG_LANGUAGES:
        token_shaped = re.fullmatch(r"[A-Za-z0-9+/=_.~-]{16,}", v) is not None
        return identifier or not (token_shaped and values.looks_random(v, 16, 3.5))
    if re.match(r"[A-Za-z_$@][\w.$@]*\s*[(\[]", v) or re.search(
        r"getenv|environ\b|process\.env", v
    ):
        return True  # a call or subscript: an env lookup or a function result
    if re.fullmatch(r"[a-z]+(?:[-_][a-z]+)*", v):
        return True  # lower-case words: a mode or a name (`afakekey`, `shorter-version`)
    # an identifier or attribute path, unless it is long and mixes in digits like a token
    return identifier and (len(v) < 12 or not any(ch.isdigit() for ch in v))


def _value_ok(
    value: str, rule: str, quoted: bool, language: str | None, cfg: GenericConfig
) -> bool:
    v = value.strip()
    if values.is_placeholder(v) or values.is_trivial(v) or values.is_fake(v, cfg.fake_words):
        return False
    if values.is_code_like(v) or re.fullmatch(r"_*[a-z]+(?:[_-][a-z]+)*_*|[A-Z][A-Z0-9_]{2,}", v):
        return False  # a word or a snake_case / CONSTANT name: what a key is called, not a key
    if not quoted and _reference(v, language):
        return False
    if rule == "generic-credential":
        return values.looks_random(v, cfg.weak_min_length, cfg.weak_entropy)
    if rule == "generic-secret" and re.search(r"\s", v):
        return False  # tokens and keys have no blanks; a phrase describes one
    if values.wordy(v) and (rule == "generic-secret" or not re.search(r"\s", v)):
        return False  # `AWSSecretKey`, `proxyAuthHeader`: names; tokens are machine-made
    if len(v) < cfg.min_length:
        return False
    if re.match(r"(?:https?|ftp|file)://|[./~]{1,2}/|/[\w.-]+/", v):  # a URL or a path
        return False
    words = v.split()
    if len(words) >= 3 and (v[-1] in ":.?!" or any(w.lower() in _PROSE for w in words)):
        return False  # a prompt or a message about the secret, not the secret
    return any(ch.isalnum() for ch in v)  # punctuation only: a separator or a mask


_PROSE = frozenset(
    "enter your please invalid wrong incorrect must should required confirm forgot".split()  # noqa: SIM905
)


def _trim(value: str) -> str:
    """Drop what ends the statement, not the value: quotes, `;`, `,`, and closing brackets
    that have no opening one inside the value (`${VAR}` keeps its brace)."""
    while value:
        last = value[-1]
        if last in "'\"`;," or (
            last in ")]}" and value.count(last) > value.count({")": "(", "]": "[", "}": "{"}[last])
        ):
            value = value[:-1]
        else:
            break
    return value


def _emit(
    m: re.Match[str],
    name: str,
    language: str | None,
    cfg: GenericConfig,
    base: int,
    value_group: str | None = None,
) -> Candidate | None:
    rule = classify_name(name, cfg)
    if rule is None:
        return None
    if value_group is not None:
        group, quoted = value_group, False
    elif m.groupdict().get("qv") is not None:
        group, quoted = "qv", True
    else:
        group, quoted = "uv", False
    value = m.group(group)
    if value is None:
        return None
    if not quoted:
        value = _trim(re.split(r"\\[nrt\"']", value, maxsplit=1)[0])
    if not _value_ok(value, rule, quoted, language, cfg):
        return None
    start = m.start(group)
    return Candidate(rule, base + start, base + start + len(value), name, quoted)


def scan_line(
    line: str,
    base: int,
    language: str | None,
    cfg: GenericConfig,
    *,
    nested: bool = True,
    gated: bool = False,
) -> Iterator[Candidate]:
    """Candidates on one line; `base` is the line's offset in the text. `gated`: the caller
    already knows the line holds a trigger word."""
    if not gated and not _GATE.search(line):
        return
    if '\\"' in line:
        # JSON inside a string (`"{\\"password\\": \\"...\\"}"`): read the escaped quotes as
        # quotes; the replacement keeps every offset.
        line = line.replace('\\"', ' "')
    for m in _ASSIGN.finditer(line):
        op = m.group("op")
        name = m.group("qname") or m.group("name") or ""
        inner = m.group("qv")
        if nested and inner and ("=" in inner or ":" in inner):
            # Configuration inside a string (`"config.ini": "TOKEN=...\\n..."`): scan it too.
            yield from scan_line(inner, base + m.start("qv"), language, cfg, nested=False)
        if (
            op in (":", "::")
            and m.group("name")
            and not (language is None or language in CONFIG_LANGUAGES or inner is not None)
        ):
            # `name: value` in code is a type annotation or a label unless the value is quoted
            continue
        typed = m.group("type")
        if typed and classify_name(typed, cfg) is not None:
            name = typed  # `String apiToken = ...`: the type came first, the name second
        c = _emit(m, name, language, cfg, base)
        if c is not None:
            yield c
    for pattern in (_REVERSED, _PAIR, _FLAG, _SPACED, _FALLBACK):
        for m in pattern.finditer(line):
            c = _emit(m, m.group("name"), language, cfg, base)
            if c is None:
                continue
            # `getenv("TOKEN", "dev-default")`: a default, reported only when it is a token
            if (
                pattern is _PAIR
                and _ENV_DEFAULT.search(line, 0, m.start() + 1)
                and not values.looks_random(line[c.start - base : c.end - base], 16, 3.0)
            ):
                continue
            yield c
    if _LOGIN.search(line):
        for m in _SHORT_PASSWORD.finditer(line):
            c = _emit(m, "password", language, cfg, base)
            if c is not None:
                yield c
    for m in _CURL_USER.finditer(line):
        c = _emit(m, "password", language, cfg, base, "cv")
        if c is not None:
            yield c
    for m in _HEADER.finditer(line):
        value = m.group("hv")
        if values.is_placeholder(value) or values.is_fake(value, cfg.fake_words):
            continue
        if m.group("hq") is None and re.fullmatch(r"[A-Za-z_][\w.]*", value):
            continue  # `"Authorization": auth_header`: a variable, not a literal
        if values.looks_random(value, 16, 3.0):
            yield Candidate(
                "generic-secret", base + m.start("hv"), base + m.end("hv"), m.group("name"), True
            )


def scan_text(text: str, language: str | None, cfg: GenericConfig) -> Iterator[Candidate]:
    """Candidates whose syntax spans lines: `<apiToken>\\n  value\\n</apiToken>`."""
    if "</" not in text:
        return
    for m in _XML.finditer(text):
        c = _emit(m, m.group("name"), language, cfg, 0, "xv")
        if c is not None:
            yield c
