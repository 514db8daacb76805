"""Is a candidate value a credential, or a placeholder, a reference or an obvious fake?

Shared by every rule: a provider-shaped `ghp_xxxx...` in a README is documentation, and
`${API_TOKEN}` is the fix the user already applied. Reporting those teaches users to ignore us.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections import Counter

_PLACEHOLDER = re.compile(
    r"""^(?:
        <[^<>]{1,80}> | \[[A-Za-z _-]{2,60}\] |            # <your-key>, [API KEY]
        \$\{\{?[^}]*\}?\} | \$\([^)]*\) | \$[A-Za-z_][A-Za-z0-9_]* |   # ${VAR} ${{ x }} $(cmd) $VAR
        %\([^)]*\)[sd] | %[sd] | \{\d*\} | \{[a-z_]+\} |   # %(x)s %s {0} {name}
        \{\{[^}]*\}\} | \#\{[^}]*\} | <%=?[^%]*%> |        # {{ x }} #{x} <%= x %>
        env\([^)]*\) | process\.env\.\w+ | os\.environ.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Interpolations inside a value (`"Bearer ${token}"`): an expression, not random punctuation.
_TEMPLATE_INSIDE = re.compile(
    r"""\$\{\{?\s*[\w.\[\]'"()-]+\s*\}?\}|\{\{\s*[\w.|()'" -]+\s*\}\}|<redacted:|%\([a-z_]+\)s"""
    r"""|#\{\s*[\w.@]+\s*\}|\{[A-Za-z_][\w.]+(?:![rsa])?(?::[^{}]*)?\}|\{\d*(?::[^{}]*)?\}"""
    r"""|#[a-z_]+#|%[-#0-9.]*[sdifxrg](?![A-Za-z])"""
)
# A regular expression, not a credential: `r'([0-9a-f]{64})'`, `(?:key|token)`.
_REGEX = re.compile(
    r"\\[wdsbWDSB]|\(\?[:=!<P]|\[\^|\[[^\]]*[a-z0-9]-[a-z0-9][^\]]*\]|\{\d+(?:,\d*)?\}"
)
# Words run together (`challengePassword`, `clientToServer`, `onnx.quant.pre_process`,
# `textDocument/semanticTokens/full`): identifiers, keys and paths, not random tokens.
_WORDY = re.compile(
    r"[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+(?:[A-Z][a-z]+)+|[a-z_]+(?:\.[a-z_]+)+"
    r"|[A-Za-z_.-]+(?:/[A-Za-z_.-]+)+"
)
_RUN = re.compile(r"(.)\1{5,}")
_TRIVIAL = frozenset(
    [
        "true",
        "false",
        "null",
        "none",
        "nil",
        "undefined",
        "required",
        "optional",
        "string",
        "str",
        "bytes",
        "password",
        "passwd",
        "secret",
        "token",
        "key",
        "value",
        "bearer",
        "basic",
        "auth",
        "empty",
        "unset",
        "default",
        "disabled",
        "enabled",
        "changeme",
        "admin",
        "root",
        "user",
        "username",
        "guest",
        "test",
        "testing",
        "demo",
    ]
)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character: random tokens score high, words and runs low."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def char_classes(value: str) -> int:
    """How many of lower, upper, digit, other a value mixes (random tokens mix several)."""
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )


def is_placeholder(value: str) -> bool:
    """Documentation and templating, not a credential: `<your-key>`, `${VAR}`, `xxxx`, `****`."""
    v = value.strip().strip("\"'`")
    if not v:
        return True
    if _PLACEHOLDER.match(v) or _TEMPLATE_INSIDE.search(v):
        return True
    if len(set(v.lower())) <= 2:
        return True
    if "..." in v or "\u2026" in v:
        return True  # shortened for documentation: `Kh9NV...`
    if v[0] in "[<{" and wordy(v.strip("[]<>{}")):
        return True  # `[password]]`, `<<password>>`: a slot to fill in
    # A long run of one character (`sk_live_xxxxxxxx`, `AKIA0000000000000000`) is a mask.
    for m in _RUN.finditer(v):
        if m.group(1).lower() in "x*.#0-_z" or m.end() - m.start() >= len(v) // 2:
            return True
    return False


def is_code_like(value: str) -> bool:
    """A regex, an identifier made of words, or a path: what code assigns to `token` and `key`
    names far more often than a credential."""
    v = value.strip()
    return bool(_REGEX.search(v) or _WORDY.fullmatch(v))


def jwt_header_ok(value: str) -> bool:
    """A JWT's first segment is base64url JSON naming its algorithm; strings that only look
    like `eyJ...` (a broken test token, a JSON fragment) are not tokens."""
    head = value.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        header = json.loads(decoded)
    except (ValueError, binascii.Error):
        return False
    return isinstance(header, dict) and ("alg" in header or "typ" in header)


def is_fake(value: str, fake_words: tuple[str, ...]) -> bool:
    low = value.lower()
    return any(w in low for w in fake_words)


def is_trivial(value: str) -> bool:
    return value.strip().lower() in _TRIVIAL


_SEGMENT = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def wordy(value: str) -> bool:
    """Made of a few ordinary words (`username:password`, `proxyAuthHeader`): people write
    these; machines do not. Random tokens mix digits into letters or run past word length."""
    segments = _SEGMENT.findall(value)
    return 0 < len(segments) <= 6 and all(s.isalpha() and 3 <= len(s) <= 14 for s in segments)


def looks_random(value: str, min_length: int, min_entropy: float) -> bool:
    """A machine-made token: long, mixed, high entropy, no spaces, not a few words.

    Hex strings get a lower bar (their alphabet caps entropy at 4 bits/char)."""
    if len(value) < min_length or " " in value or wordy(value):
        return False
    if re.fullmatch(r"[0-9a-fA-F-]+", value):
        hexdigits = value.replace("-", "")
        return len(hexdigits) >= 16 and entropy(hexdigits) >= 2.8 and char_classes(hexdigits) >= 2
    return entropy(value) >= min_entropy and char_classes(value) >= 2
