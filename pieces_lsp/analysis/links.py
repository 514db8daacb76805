"""Find the URLs a snippet mentions, the way linkify-it finds them.

We use linkify-it-py (the Python port of markdown-it's linkify-it) rather than our own regex:
its trailing-punctuation, bracket, IDN and TLD rules are the ones editors and markdown renderers
already apply, and its fixtures are public.

Fuzzy matching (bare `example.com`) is fully trusted in prose only. In code it turns `utils.py`,
`user.name` or `df.at` into "links" (`.py`, `.name`, `.at` are real TLDs), so code keeps explicit
schemes (http, https, ftp, mailto), bare `www.` hosts, e-mail addresses, and bare domains only
when their TLD is a common generic one (`.com`, `.org`, ...) or non-ASCII and the match is not
followed by a call or attribute access. Protocol-relative `//host` is dropped in code, where `//`
starts a comment.

URLs are returned as written (no scheme added), except that credentials in the userinfo part
(`https://user:token@host`) are removed: links end up in the library, exports and the editor.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from linkify_it import LinkifyIt

Context = Literal["auto", "prose", "code"]

# Schemes a code context keeps; linkify-it reports `//host` and bare e-mails too.
_CODE_SCHEMES = frozenset({"http:", "https:", "ftp:", "mailto:"})
# scheme://userinfo@host...: the userinfo may not hold '/', '?', '#' or whitespace.
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*:)?//(?P<userinfo>[^/?#@\s]*)@")
# A user name alone is usually harmless (`http://user@host`), but access tokens are also put there
# (`https://ghp_xxx@github.com`): treat long names that mix letters and digits as secrets.
_TOKENISH = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[\w\-.~%]{16,}$")
_MAX_TEXT = 512 * 1024
# TLDs that identifiers practically never end with (unlike .py, .name, .at, .id, .io, .app).
_GENERIC_TLDS = frozenset({"com", "org", "net", "edu", "gov", "mil"})
# Lines that can hold a link the code rules keep; the others are only matched in prose.
_CODE_CANDIDATE = re.compile(
    r"://|www\.|@|\.(?:com|org|net|edu|gov|mil)\b|\d\.\d+[:/]|[^\x00-\x7f]", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _linkify() -> LinkifyIt:
    """Built once per process: compiling linkify-it's patterns costs a few milliseconds."""
    from linkify_it import LinkifyIt

    # fuzzy_ip: bare IPv4 hosts (`192.168.1.1/admin`), as linkify-it's own link fixtures expect;
    # dropped again in code, where dotted quads are mostly versions and plain host settings.
    return LinkifyIt(options={"fuzzy_ip": True})


def strip_credentials(url: str) -> str:
    """Drop `user:password@` (or a token used as user name) from a URL, keep everything else."""
    m = _USERINFO.match(url)
    if not m:
        return url
    userinfo = m.group("userinfo")
    if ":" not in userinfo and not _TOKENISH.match(userinfo):
        return url
    return url[: m.start("userinfo")] + url[m.end() :]


def _keep_in_code(schema: str, raw: str, following: str) -> bool:
    if schema:
        return schema.lower() in _CODE_SCHEMES
    if raw[:4].lower() == "www.":
        return True
    nxt = following[:1]
    if nxt and (nxt in "([" or (nxt in "._" and following[1:2].isalnum())):
        return False  # `module.com(...)`, `pkg.org.thing`: an expression, not a host
    host = re.split(r"[/?#:]", raw, maxsplit=1)[0]
    tld = host.rsplit(".", 1)[-1]
    if tld.isdigit():
        return len(raw) > len(host)  # an IP with a port or path is an address; alone, a version?
    return tld.lower() in _GENERIC_TLDS or not tld.isascii()


def _line_matches(text: str, wanted: set[int] | None) -> list[tuple[int, str, str, str]]:
    """(line number, schema, raw, text after the match) per match, line by line.

    A URL never spans lines, and matching only the lines that can hold a kept link keeps
    linkify-it's fuzzy patterns (slow on dotted code) off most of a code snippet.
    """
    linkify = _linkify()
    out: list[tuple[int, str, str, str]] = []
    for i, line in enumerate(text.split("\n")):
        if wanted is not None and i not in wanted:
            continue
        if not line or not linkify.pretest(line):
            continue
        for m in linkify.match(line) or []:
            out.append((i, m.schema, m.raw, line[m.last_index :]))
    return out


def _prose_lines(text: str) -> set[int]:
    from pieces_lsp.analysis.kind import segments

    lines: set[int] = set()
    for seg in segments(text):
        if seg.kind == "prose":
            lines.update(range(seg.first_line, seg.last_line + 1))
    return lines


def extract_links(text: str, *, context: Context = "auto") -> list[str]:
    """URLs in `text`, deduplicated, in order of appearance.

    `context="auto"` applies the prose rules to the parts of the text that read as prose and the
    stricter code rules elsewhere (see the module docstring); "prose" and "code" force one set.
    """
    text = text[:_MAX_TEXT] if text else ""
    if not text:
        return []
    prose_lines: set[int] | None = None  # computed only when a decision depends on it
    wanted: set[int] | None = None
    if context != "prose":
        lines = text.split("\n")
        wanted = {i for i, line in enumerate(lines) if _CODE_CANDIDATE.search(line)}
        if context == "auto" and len(wanted) < len(lines):
            prose_lines = _prose_lines(text)
            wanted |= prose_lines
    out: list[str] = []
    seen: set[str] = set()
    for line_no, schema, raw, following in _line_matches(text, wanted):
        if context != "prose" and not _keep_in_code(schema, raw, following):
            if context == "code":
                continue
            if prose_lines is None:
                prose_lines = _prose_lines(text)
            if line_no not in prose_lines:
                continue
        url = strip_credentials(raw)
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out
