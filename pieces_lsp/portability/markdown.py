"""Markdown: one readable, diffable file per snippet.

Layout (front matter values are JSON, which is also valid YAML, so other tools can read it):

    ---
    id: "…"
    title: "Parse config"
    tags: ["a", "b"]
    …
    line_endings: "lf"
    final_newline: true
    ---

    # Parse config

    Description paragraph.

    ````python
    <content, byte for byte>
    ````

The front matter is authoritative; the heading and paragraph are for humans. The fence is longer
than any backtick run in the content (CommonMark), so content containing fences cannot close it.
A closing fence must start a line, so content without a final newline gets one added and
`final_newline: false` says to take it off again; `line_endings` lets a file that a tool has
converted to other line endings (git autocrlf) still give back the original bytes.
Files must be read and written with `newline=""` so nothing is translated on the way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pieces_lsp.analysis.languages import known_languages, language_from_path
from pieces_lsp.errors import PortabilityError
from pieces_lsp.model import Snippet

SUFFIXES = (".md", ".markdown")

_FRONT_MATTER_KEYS = (
    "id",
    "title",
    "language",
    "tags",
    "frameworks",
    "links",
    "related_links",
    "kind",
    "template",
    "description",
    "created_at",
    "updated_at",
    "last_used_at",
    "inserted_count",
    "source",
)
_KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):[ \t]*(.*?)[ \t]*$")
# YAML 1.1 treats these as line breaks or forbids them, JSON does not escape them: escape them so
# a front matter line is one line for every reader.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")
_OPEN_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$|^( {0,3})(~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}# +(.*?)(?:[ \t]+#+)?[ \t]*$")
_SLUG_LEN = 50


# -- writing ---------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _line_endings(content: str) -> str | None:
    """Either "lf" or "crlf" when every line break is that kind; None when they are mixed."""
    if "\r" not in content:
        return "lf"
    if content.count("\r\n") == content.count("\r") == content.count("\n"):
        return "crlf"
    return None


def fence_for(content: str) -> str:
    """A backtick fence longer than any backtick run inside the content."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    return "`" * max(3, longest + 1)


def slug(title: str) -> str:
    """ASCII, lower case, dash separated, at most 50 characters: a file name safe everywhere."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return text[:_SLUG_LEN].rstrip("-") or "snippet"


def file_name(snippet: Snippet) -> str:
    """`<slug>-<first 8 chars of id>.md`: readable, and unique enough to never collide in
    practice while staying stable across exports of the same snippet."""
    return f"{slug(snippet.title)}-{snippet.id[:8]}.md"


def render(snippet: Snippet) -> str:
    """The whole file; write it with `newline=""` to keep the content's bytes."""
    data = snippet.to_dict()
    lines = ["---"]
    lines += [f"{key}: {_scalar(data[key])}" for key in _FRONT_MATTER_KEYS]
    endings = _line_endings(snippet.content)
    if endings is not None:
        lines.append(f"line_endings: {_scalar(endings)}")
    final_newline = snippet.content.endswith("\n")
    lines.append(f"final_newline: {_scalar(final_newline)}")
    lines += ["---", "", f"# {' '.join(snippet.title.split()) or 'Untitled'}", ""]
    if snippet.description.strip():
        # Display only (the front matter holds the value): keep a fence-like line in the
        # description from opening a code block in viewers.
        shown = re.sub(r"(?m)^( {0,3})([`~]{3})", r"\1\\\2", snippet.description.strip())
        lines += [shown, ""]
    fence = fence_for(snippet.content)
    info = re.sub(r"[`\s]", "", snippet.language)
    head = "\n".join(lines) + f"\n{fence}{info}\n"
    body = snippet.content if final_newline else snippet.content + "\n"
    return f"{head}{body}{fence}\n"


# -- reading ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedMarkdown:
    """What a Markdown file holds; `own` means it carries our front matter (an `id`), so its id,
    timestamps and counters are kept instead of being re-derived."""

    fields: dict[str, Any]
    own: bool


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end-after-newline, line without its line break) for every `\\n`-separated line."""
    out = []
    pos = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        out.append((pos, end, text[pos:end].rstrip("\r\n")))
        pos = end
    return out


def _front_matter(lines: list[tuple[int, int, str]]) -> tuple[dict[str, Any], int] | None:
    """Keys of a leading `---` block and the index of the first line after it."""
    if not lines or lines[0][2].strip() != "---":
        return None
    values: dict[str, Any] = {}
    for index in range(1, len(lines)):
        line = lines[index][2]
        if line.strip() in ("---", "..."):
            return values, index + 1
        m = _KEY_LINE.match(line)
        if m is None:
            continue
        raw = m.group(2)
        try:
            values[m.group(1)] = json.loads(raw)
        except ValueError:  # hand-written YAML: a plain or single-quoted string
            quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
            values[m.group(1)] = (raw[1:-1] if quoted else raw) or None
    return None


def has_front_matter(text: str) -> bool:
    """Whether this looks like one of our exported files: front matter with an `id` (written
    first, so only the head of a file needs reading)."""
    lines = text.removeprefix("\ufeff").split("\n", 64)
    if lines[0].rstrip("\r").strip() != "---":
        return False
    for line in lines[1:64]:
        if line.strip() in ("---", "..."):
            return False
        m = _KEY_LINE.match(line.rstrip("\r"))
        if m and m.group(1) == "id":
            return m.group(2) not in ("", '""', "null", "~")
    return False


def _language_of(info: str) -> str:
    """A fence info string as a language id (`py` → python), unknown ones kept as written."""
    word = info.strip().lower()
    if not word or word in known_languages():
        return word
    return language_from_path(f"snippet.{word}") or word


def _trailing_block(text: str, lines: list[tuple[int, int, str]], start: int) -> tuple[str, str]:
    """The block our writer puts last: the closing fence is the last non-blank line and the
    opening fence the nearest line above it with exactly as many backticks (the content has no
    such run), so nothing in the description can be mistaken for it."""
    body = [ln for ln in lines[start:] if ln[2].strip()]
    close = re.fullmatch(r"(`{3,})[ \t]*", body[-1][2]) if body else None
    if close is None:
        raise LookupError
    width = len(close.group(1))
    for begin, end, line in reversed(lines[start:]):
        if begin >= body[-1][0]:
            continue
        opening = re.fullmatch(r"(`+)([^`]*)", line)
        if opening and len(opening.group(1)) == width:
            return text[end : body[-1][0]], opening.group(2).strip()
    raise LookupError


def _first_block(text: str, lines: list[tuple[int, int, str]], start: int) -> tuple[str, str, int]:
    """The first fenced block, CommonMark style (indented fences, `~~~`, unclosed runs to the
    end of the file): content, info string, index of the opening line."""
    for index in range(start, len(lines)):
        m = _OPEN_FENCE.match(lines[index][2])
        if m is None:
            continue
        if m.group(2):
            indent, fence, info = len(m.group(1)), m.group(2), m.group(3)
        else:
            indent, fence, info = len(m.group(4)), m.group(5), (m.group(6).split() or [""])[0]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end_pos = len(text)
        for begin, _, line in lines[index + 1 :]:
            if closing.match(line):
                end_pos = begin
                break
        content = text[lines[index][1] : end_pos]
        if indent:
            content = re.sub(rf"(?m)^ {{1,{indent}}}", "", content)
        return content, info, index
    raise PortabilityError("no fenced code block found")


def _restore(raw: str, values: dict[str, Any]) -> str:
    """Undo what the writer had to add (a final newline) and what tools may have changed on
    the way (line endings), guided by the front matter."""
    endings = values.get("line_endings")
    if endings == "lf":
        raw = raw.replace("\r\n", "\n")
    elif endings == "crlf":
        raw = raw.replace("\r\n", "\n").replace("\n", "\r\n")
    if values.get("final_newline") is False:
        raw = raw.removesuffix("\r\n" if endings == "crlf" else "\n")
    return raw


def _heading(lines: list[tuple[int, int, str]], start: int, stop: int) -> str:
    for _, _, line in lines[start:stop]:
        m = _HEADING.match(line)
        if m and m.group(1).strip():
            return m.group(1).strip()
    return ""


def parse(text: str) -> ParsedMarkdown:
    """The fields of one Markdown file in `Snippet.from_dict` shape (not validated yet).

    Our own files (front matter with an `id`) give back exactly what was exported; hand-written
    files give the first fenced block as content, its info string as language and the first
    `# ` heading as title."""
    text = text.removeprefix("\ufeff")
    lines = _lines(text)
    found = _front_matter(lines)
    values, start = found if found is not None else ({}, 0)
    own = bool(values.get("id"))
    stop = len(lines)
    try:
        if not own:
            raise LookupError
        raw, info = _trailing_block(text, lines, start)
    except LookupError:
        raw, info, stop = _first_block(text, lines, start)
    fields: dict[str, Any] = {k: values[k] for k in _FRONT_MATTER_KEYS if k in values}
    fields["content"] = _restore(raw, values)
    if not fields.get("title"):
        fields["title"] = _heading(lines, start, stop)
    if not fields.get("language"):
        fields["language"] = _language_of(info)
    return ParsedMarkdown(fields, own)
