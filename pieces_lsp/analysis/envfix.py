"""Replace a hard-coded secret literal with the language's idiomatic environment lookup."""

from __future__ import annotations

import re

_TEMPLATES = {
    "python": 'os.environ["{name}"]',
    "javascript": "process.env.{name}",
    "javascriptreact": "process.env.{name}",
    "typescript": "process.env.{name}",
    "typescriptreact": "process.env.{name}",
    "java": 'System.getenv("{name}")',
    "kotlin": 'System.getenv("{name}")',
    "scala": 'sys.env("{name}")',
    "go": 'os.Getenv("{name}")',
    "rust": 'std::env::var("{name}").unwrap_or_default()',
    "csharp": 'Environment.GetEnvironmentVariable("{name}")',
    "ruby": 'ENV["{name}"]',
    "php": "getenv('{name}')",
    "shellscript": '"${{{name}}}"',
    "powershell": "$env:{name}",
    "swift": 'ProcessInfo.processInfo.environment["{name}"]',
    "dart": "Platform.environment['{name}']",
    "lua": 'os.getenv("{name}")',
    "perl": '$ENV{{"{name}"}}',
    "elixir": 'System.get_env("{name}")',
    "c": 'getenv("{name}")',
    "cpp": 'std::getenv("{name}")',
}
_ASSIGNED = re.compile(r"([A-Za-z_][\w.-]*)[\"']?\s*(?::=|=>|[:=])\s*$")


def env_name(line_before: str, rule: str) -> str:
    """The variable name the code already uses (`aws_key = "…"` -> AWS_KEY), else the rule's."""
    m = _ASSIGNED.search(line_before.rstrip("\"' \t"))
    base = m.group(1).split(".")[-1] if m else rule
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    return name or "SECRET"


def env_lookup(language: str, name: str) -> str | None:
    template = _TEMPLATES.get(language)
    return template.format(name=name) if template else None


def literal_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Widen a secret's span to the whole string literal around it, or None when the secret is
    only part of a literal (a password inside a URL cannot be swapped for a lookup blindly)."""
    if start == 0 or end >= len(text):
        return None
    quote = text[start - 1]
    if quote not in "\"'`" or text[end] != quote:
        return None
    return start - 1, end + 1
