"""Is a selection code, prose, or both ("mixed")?

Decided line by line, then by runs of lines, because the texts users keep are often both: a
markdown paragraph with a fenced block, or an explanation with a pasted stack trace. Whole-text
statistics blur those into one middling score.

Each line gets a code score (line endings like `;`/`{`, keywords at line start, calls, assignments,
symbol density, tags, prompts) and a prose score (share of plain words, English function words,
sentence shape). Inline markup that prose carries (`code spans`, links, HTML/asciidoc macros) is
removed before the prose features are computed, so documentation sentences that mention code still
read as sentences. Comment lines, docstrings, block comments and blank lines carry no vote of their
own: they take the kind of their neighbours (a well-documented module is code, not "mixed").
Plain rules, no model: a few milliseconds for 100 lines, and their mistakes can be read and fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["code", "prose", "mixed"]
LineKind = Literal["code", "prose"]

_MAX_LINES = 2000


@dataclass(frozen=True, slots=True)
class KindResult:
    kind: Kind
    code_share: float  # share of the text's (non-blank) characters on code lines, 0..1


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of lines of one kind; `start`/`end` are character offsets into the text."""

    kind: LineKind
    start: int
    end: int
    first_line: int
    last_line: int


# English function words that are not also common keywords or identifiers in code
# (no "in", "is", "if", "for", "not", "and", "or", "as", "with", "from", "this", "new").
_STOP_WORDS = """
    a an the of to you your that are be can will which when by it its we our has have had
    should also following there these those then than but so such other more how what into on at
    was were been may must only all any each both same about because would could they their them
    do does i my me here just like some most very using used use need want see instead allows
    lets make makes shows example examples following let's it's don't doesn't you're isn't
    where who whose while within without between over under after before since until through
    same even still well way often always never however therefore thus one two first second
    either neither whether already yet again further once why"""
_STOP = frozenset(_STOP_WORDS.split())

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)")
_MACRO = re.compile(r"\b(?:xref|link|image|include|kbd|btn|menu):[^\s\[]*\[([^\]]*)\]?")
_ATTR_LINK = re.compile(r"\{[\w-]+\}[^\s\[]*(?:\[([^\]]*)\]?)?")
_XREF = re.compile(r"<<[^,>]*,?([^>]*)>>")
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s+[^<>]*?)?/?>")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+")
_ATTR_BLOCK = re.compile(r"(?<=\))\{[.#:][^}]*\}")  # markdown attribute list after a link
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)([^*_]+?)(?<=\S)\1")
_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|(?<![A-Za-z0-9])'(?:[^'\\\n]|\\.)*'(?![A-Za-z0-9])")
_TRAILING_COMMENT = re.compile(r"(?<=\S)\s+(?://|#)(?:\s.*)?$")

_WORD = re.compile(r"^[(\"'“‘]*[A-Za-z][A-Za-z'’\-]*[)\"'”’]*[.,;:!?]*[)\"'”’]*$")

_COMMENT = re.compile(r"^\s*(?://|/\*|\*/|#(?![#!\[{])\s|#$|--\s|<!--|;;|\"\"\"|''')")
_BULLET = re.compile(r"^\s*(?:[*•]|\d{1,3}[.)]|\.(?=\s+[A-Z]))\s+(?=\S)")
_DASH_BULLET = re.compile(r"^\s*[-+]\s+(?=[A-Z*`\[_]|\S+\s+\S+\s+\S+)")
_PROMPT = re.compile(
    r"^\s*(?:\$|>>>|\.\.\.|%|PS [A-Z]:\\[^>]*>|[A-Z]:\\[^>]*>|[\w.-]+@[\w.-]+:\S*[$#])\s"
)
_SENTENCE_END = re.compile(r"[A-Za-z][)\"'”’]*[.!?][)\"'”’*_]*$")
_ENDS_CODE = re.compile(r"(?:[;{}\[(\\]|=>|->|:=|\)\s*[{:]|\*/|-->|/>|<\w+>)\s*$")
_CLOSERS = re.compile(r"^\s*[)\]}>,;]+\s*[)\]},;.]*\s*$")
_KEYWORD_START = re.compile(
    r"^\s*(?:def|class|import|public|private|protected|static|final|"
    r"package|return|val|var|fun|const|let|function|async|await|elif|else|try|except|finally|"
    r"raise|throw|throws|catch|yield|lambda|switch|case|default|namespace|using|struct|enum|"
    r"interface|impl|fn|pub|mod|use|func|defer|echo|export|"
    r"FROM|RUN|COPY|CMD|ENV|WORKDIR|EXPOSE|ENTRYPOINT|SELECT|INSERT|UPDATE|"
    r"DELETE|CREATE|ALTER|DROP|WHERE|@\w+|<\?php|"
    r"void|int|long|double|float|boolean|bool|char|string|String|auto|new|assert|print|println|"
    r"for|while|if|with|del|pass|break|continue|global|nonlocal|override|suspend|data\s+class|"
    r"object|companion|init|open|abstract|sealed|annotation|typealias|extends|implements)\b"
)
# Line starts that are code whatever follows (declarations, imports, preprocessor).
_STRONG_START = re.compile(
    r"^\s*(?:from\s+\.*[\w.]*\s+import\s+[\w*(]|import\s+(?:static\s+)?[\w.*]+(?:\s+as\s+\w+)?"
    r"(?:\s*,\s*[\w.]+)*\s*;?\s*$|package\s+[\w.]+\s*;?\s*$|(?:async\s+)?def\s+\w+\s*[(\[]|"
    r"class\s+\w+\s*[({:<\[]|(?:(?:private|public|protected|internal|override|open|abstract|"
    r"static|final|export|declare)\s+)*(?:lateinit\s+)?(?:val|var|const|let)\s+[\w{\[]+\s*[:=,]|"
    r"(?:(?:private|public|protected|internal|override|open|suspend|inline|operator)\s+)*"
    r"fun\s+[\w<.]+|#(?:include|define|ifn?def|endif|pragma|import)\b|"
    r"(?:public|private|protected)\s+(?:static\s+)?(?:final\s+)?[\w<>\[\],?]+\s+\w+|"
    r"(?:export\s+)?(?:async\s+)?function\s*\*?\s*\w*\s*\(|<\?php|\}\s*(?:else|catch|finally)\b)"
)
_CLI_START = re.compile(
    r"^\s*(?:python3?|pip3?|pipx|npm|npx|yarn|pnpm|node|deno|go|cargo|rustc|git|docker|"
    r"docker-compose|kubectl|helm|curl|wget|uvicorn|gunicorn|hypercorn|fastapi|mvn|\./mvnw|gradle|"
    r"\./gradlew|java|javac|kotlinc|make|cmake|cd|ls|cat|echo|export|source|sudo|apt|apt-get|brew|"
    r"conda|poetry|pytest|ruff|mypy|tox|uv|ssh|scp|chmod|chown|mkdir|rm|cp|mv|tar|grep|sed|awk)"
    r"\s+(?!(?:the|a|an|to|of|is|are|and|or|with|for|in|on|you|your|it|this|that|can)\b)"
    r"(?:-{1,2}\w|[\w./:=@\"'~\[\]-]+)"
)
_LOG_LINE = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)*(?:INFO|DEBUG|WARN|WARNING|ERROR|TRACE|FATAL|CRITICAL)\b[:\]\[\s]|"
    r"\[(?:INFO|DEBUG|WARN|WARNING|ERROR|TRACE)\]|^\s*\d{4}-\d\d-\d\d[ T]\d\d:\d\d"
)
# key=value lines of .properties / .env files: dotted or upper-case keys, no space before "=".
_PROPERTY = re.compile(r"^\s*(?:[A-Za-z_][\w-]*(?:\.[\w-]+)+|[A-Z][A-Z0-9_]*)=\S")
# Stack traces: Python, JVM, Node/JS and the final "SomeError: message" line.
_TRACEBACK = re.compile(
    r"^\s*(?:Traceback \(most recent call last\):|File \"[^\"]+\", line \d+|"
    r"at [\w$.<>/]+\(.*\)$|at .+:\d+:\d+\)?$|\.\.\. \d+ more$|Caused by: |"
    r"(?:[a-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Warning)(?::\s|$))"
)
# A whole element on one line: <p>text</p>, <li class="x">text</li>.
_TAG_LINE = re.compile(r"^\s*<([A-Za-z][\w:-]*)(?:\s[^<>]*)?>.*</\1>\s*$")
_BOX = re.compile(r"[\u2500-\u257f]")
_TYPED = re.compile(
    r"\b[a-z_]\w*\??\s*:\s*(?:[A-Z]\w*|str|int|float|bool|bytes|dict|list|tuple|set|None|Any)"
    r"(?:\[[^\]]*\]|<[^>]*>)?\??\s*(?:[,)=]|$)"
)
_CALL = re.compile(r"[\w\]>)]\(")
_ASSIGN = re.compile(r"[\w\])\]'\"]\s*(?:[-+*/%|&^]|<<|>>|\?\?)?=(?!=)\s*\S")
_ATTR = re.compile(r"\b[A-Za-z_]\w+\.[A-Za-z_]\w*")
_OPERATORS = re.compile(r"::|->|=>|&&|\|\||!=|==|\+=|-=|\+\+|--\w|<=|>=|<-|\|>|\.\.\.|\$\{|\$\(")
_XML_LINE = re.compile(r"^\s*</?[A-Za-z][\w:.-]*(?:\s|/?>|$)|^\s*<!|^\s*<\?xml")
_JSON_KEY = re.compile(r"^\s*\"[^\"]*\"\s*:|^\s*[\w.-]+\s*[:=]\s*[\"'\d\[{tf]")
_IDENT_CASE = re.compile(r"\b(?:[a-z]+[A-Z]\w*|[A-Za-z]+_\w+|[A-Z][a-z]+[A-Z]\w*)\b")
_CODEY_TOKEN = re.compile(r"\w[._/:=(\[<>\-]+\w|[(){}\[\];=<>]")
_SYMBOLS = frozenset('{}[]()<>=;_$#@*&|\\"+/%^~')
_UNDECIDED = 1.0


def _strip_markup(line: str) -> str:
    """Replace prose markup (URLs, `code spans`, markdown and asciidoc links) by its text.

    Applied before the code features too: a sentence is not code because it links somewhere or
    quotes a call in backticks, and real code rarely contains these forms.
    """
    s = _URL.sub("URL", line)
    s = _CODE_SPAN.sub("X", s)
    s = _MD_LINK.sub(r"\1", s)
    s = _ATTR_BLOCK.sub("", s)
    s = _MACRO.sub(r"\1", s)
    s = _ATTR_LINK.sub(lambda m: m.group(1) or "X", s)
    return _XREF.sub(r"\1", s)


def _clean_for_prose(line: str) -> str:
    """Replace inline markup by plain words: a sentence that mentions code stays a sentence."""
    s = _strip_markup(_BULLET.sub("", line))
    s = _HTML_TAG.sub("", s)
    s = _STRING.sub("X", s)
    return _EMPHASIS.sub(r"\2", s)


def _prose_score(clean: str) -> float:
    tokens = clean.split()
    if not tokens:
        return 0.0
    n = len(tokens)
    words = sum(1 for t in tokens if _WORD.match(t))
    stops = sum(1 for t in tokens if t.strip("(\"'“‘)”’.,;:!?").lower() in _STOP)
    word_share = words / n
    stop_share = stops / n
    score = 0.0
    if n >= 3:
        score += 4.0 * word_share - 2.5 + 8.0 * stop_share
        score += min(n, 20) / 10.0 * word_share
    else:
        score += 1.5 * word_share * stop_share * n
    stripped = clean.rstrip().rstrip("\"'”’)*_")
    if n >= 3 and stripped.endswith((".", "?", "!")) and not stripped.endswith(("...", "..")):
        score += 1.5
    elif n >= 4 and stripped.endswith((":", ",")) and stop_share > 0.08:
        score += 0.7
    first = clean.lstrip("*-+> \t\"'(“")[:1]
    if first.isupper() and n >= 3:
        score += 0.5
    return score


def _code_score(line: str, lit: str) -> float:
    """`line` is the raw line (trailing comment and list bullet removed), `lit` the same with
    string literals replaced, so that symbols inside strings do not count."""
    s = line.rstrip()
    body = s.strip()
    sentence = bool(_SENTENCE_END.search(s))
    score = 0.0
    if _PROMPT.match(s):
        score += 3.0
    if _ENDS_CODE.search(s):
        score += 2.5
    elif s.endswith(")") or (s.endswith(":") and _KEYWORD_START.match(s)):
        score += 1.0
    if _CLOSERS.match(s):
        score += 3.0
    if _STRONG_START.match(s):
        score += 3.0
    elif _KEYWORD_START.match(s) and not sentence:
        score += 1.5
    if _CLI_START.match(s) and not sentence:
        score += 2.5
    if _LOG_LINE.search(s) or _BOX.search(s):
        score += 4.0
    if _PROPERTY.match(s):
        score += 3.0
    if _XML_LINE.match(s):
        score += 3.0
    if _JSON_KEY.match(s):
        score += 2.0
    if _TYPED.search(lit):
        score += 2.5
    score += 1.5 * min(len(_CALL.findall(lit)), 2)
    score += 2.0 * min(len(_ASSIGN.findall(lit)), 1)
    score += 0.8 * min(len(_ATTR.findall(lit)), 3)
    score += 1.2 * min(len(_OPERATORS.findall(lit)), 2)
    score += 0.7 * min(len(_IDENT_CASE.findall(lit)), 3)
    chars = [c for c in lit if not c.isspace()]
    if chars:
        density = sum(1 for c in chars if c in _SYMBOLS) / len(chars)
        score += 10.0 * max(0.0, density - 0.06)
    indent = len(s) - len(s.lstrip(" \t"))
    if indent >= 4 or s.startswith("\t"):
        score += 1.0
    if " " not in body and _CODEY_TOKEN.search(body):
        score += 1.0
    return score


def _line_vote(line: str) -> float | None:
    """Positive for code, negative for prose, None for lines that should not vote."""
    if not line.strip():
        return None
    if _COMMENT.match(line):
        return None  # includes "# Heading": it takes its paragraph's kind, as a comment would
    # "//" inside a URL does not start a comment.
    raw = line if _URL.search(line) else _TRAILING_COMMENT.sub("", line)
    if _TRACEBACK.match(raw):
        return 4.0
    tag_line = _TAG_LINE.match(raw) is not None
    bonus = 0.0
    m = _BULLET.match(raw)
    if m:
        # A markdown list item; "* " is never a code line start outside a block comment.
        bonus = 2.0 if raw.lstrip()[0] in "*•" else 1.0
        tag_line = False
    else:
        m = _DASH_BULLET.match(raw)
        bonus = 1.0 if m else 0.0
    if m:
        raw = raw[m.end() :]
    clean = _clean_for_prose(raw)
    if clean.strip() == "URL":
        return 1.5  # a URL on its own line is a value (config, request, output), not a sentence
    prose = _prose_score(clean)
    code_view = _strip_markup(raw)
    if prose >= 4.0 or bonus:
        # A sentence or list item with inline HTML (`<a href=...>`, `<abbr>`) or emphasis is
        # still prose.
        code_view = _EMPHASIS.sub(r"\2", _HTML_TAG.sub("", code_view))
    code = _code_score(code_view, _STRING.sub("S", code_view)) + (4.0 if tag_line else 0.0)
    return code - prose - bonus


def _line_kinds(lines: list[str]) -> list[LineKind | None]:
    """A kind per line (None for blank lines); fenced blocks are code, markdown fences included.

    Lines whose vote is weak (short labels, single words, comments) take the kind of their
    neighbours; console sessions (a prompt first) are code throughout, and so is the output that
    directly follows a prompt line.
    """
    votes: list[float | None] = []
    in_fence = False
    in_block_comment = False
    in_docstring = ""
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            votes.append(5.0)
            continue
        if in_fence:
            votes.append(5.0 if line.strip() else None)
            continue
        if in_block_comment:
            votes.append(None)
            in_block_comment = "*/" not in line
            continue
        if in_docstring:
            votes.append(None)
            if line.count(in_docstring) % 2 == 1:
                in_docstring = ""
            continue
        stripped = line.lstrip()
        if stripped.startswith("/*") and "*/" not in stripped:
            in_block_comment = True
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_docstring = quote  # Python docstrings and triple-quoted text blocks
                break
        votes.append(_line_vote(line))

    first = next(
        (i for i, ln in enumerate(lines) if votes[i] is not None or _PROMPT.match(ln)), None
    )
    if first is not None and _PROMPT.match(lines[first]):
        return ["code" if ln.strip() else None for ln in lines]
    after_prompt = False
    for i, line in enumerate(lines):
        vote = votes[i]
        if not line.strip():
            after_prompt = False
        elif _PROMPT.match(line):
            after_prompt = True
        elif after_prompt and vote is not None:
            votes[i] = max(vote, 2.0)

    kinds: list[LineKind | None] = [
        None if v is None or abs(v) < _UNDECIDED else ("code" if v > 0 else "prose") for v in votes
    ]
    if all(k is None for k in kinds):
        cast = [v for v in votes if v is not None]
        fallback: LineKind = "code" if not cast or sum(cast) > 0 else "prose"
        return [fallback if ln.strip() else None for ln in lines]
    # Non-voting, non-blank lines take the kind of the nearest voting line before them, else
    # after them.
    last: LineKind | None = None
    pending: list[int] = []
    for i, line in enumerate(lines):
        if kinds[i] is not None:
            for j in pending:
                kinds[j] = kinds[i]
            pending = []
            last = kinds[i]
        elif line.strip():
            if last is not None:
                kinds[i] = last
            else:
                pending.append(i)
    return kinds


@lru_cache(maxsize=16)
def _analyse(text: str) -> tuple[list[str], list[LineKind | None]]:
    """Cached: one save asks for the kind and for the links (which need the prose parts)."""
    lines = text.split("\n")[:_MAX_LINES]
    return lines, _line_kinds(lines)


def segments(text: str) -> list[Segment]:
    """Runs of code and prose lines, with character offsets (blank lines join the run before)."""
    lines, kinds = _analyse(text)
    out: list[Segment] = []
    offset = 0
    for i, (line, k) in enumerate(zip(lines, kinds, strict=True)):
        end = offset + len(line) + 1
        if k is None:
            if out:
                prev = out[-1]
                out[-1] = Segment(prev.kind, prev.start, end, prev.first_line, prev.last_line)
        elif out and out[-1].kind == k:
            prev = out[-1]
            out[-1] = Segment(k, prev.start, end, prev.first_line, i)
        else:
            out.append(Segment(k, offset, end, i, i))
        offset = end
    if out and out[-1].end > len(text):
        last = out[-1]
        out[-1] = Segment(last.kind, last.start, len(text), last.first_line, last.last_line)
    return out


def _substantial(kind: LineKind, lines: list[str]) -> bool:
    """Is a run big enough to make the whole text "mixed" rather than a stray line?"""
    body = [ln for ln in lines if ln.strip()]
    if kind == "code":
        return len(body) >= 2 or sum(len(ln.strip()) for ln in body) >= 40
    words = sum(len(ln.split()) for ln in body)
    return words >= 8


def classify(text: str) -> KindResult:
    """Code, prose or mixed, with the share of characters on code lines."""
    lines, kinds = _analyse(text)
    code_chars = sum(len(ln.strip()) for ln, k in zip(lines, kinds, strict=True) if k == "code")
    prose_chars = sum(len(ln.strip()) for ln, k in zip(lines, kinds, strict=True) if k == "prose")
    total = code_chars + prose_chars
    if total == 0:
        return KindResult("prose", 0.0)
    share = code_chars / total
    runs: list[tuple[LineKind, list[str]]] = []
    for line, k in zip(lines, kinds, strict=True):
        if k is None:
            continue
        if runs and runs[-1][0] == k:
            runs[-1][1].append(line)
        else:
            runs.append((k, [line]))
    has_code = any(k == "code" and _substantial(k, ls) for k, ls in runs)
    has_prose = any(k == "prose" and _substantial(k, ls) for k, ls in runs)
    if has_code and has_prose and 0.15 <= share <= 0.85:
        return KindResult("mixed", round(share, 3))
    return KindResult("code" if share >= 0.5 else "prose", round(share, 3))
