"""The opt-in policy: which LLM server, if any, we may talk to.

Network access is off unless the user turns it on, and a setting we cannot understand turns it
off again: a typo must never send code somewhere the user did not mean. The API key is not a
setting at all: only the *name* of an environment variable is, so the key is never written to
the library, the config file, a log or a warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

OFF = "off"
OLLAMA = "ollama"
OPENAI_COMPATIBLE = "openai-compatible"
PROVIDERS = (OFF, OLLAMA, OPENAI_COMPATIBLE)
OLLAMA_DEFAULT_URL = "http://127.0.0.1:11434"

KEYS = ("provider", "url", "model", "api_key_env", "timeout", "max_context_chars")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_MAX_TIMEOUT = 3600.0
_CONTEXT_RANGE = (1_000, 1_000_000)


@dataclass(frozen=True)
class LLMSettings:
    """Where opt-in requests may go. Built by `resolve_llm_settings`; direct construction
    (tests, tools) gets the same provider check and the Ollama default URL."""

    provider: str = OFF
    url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    timeout: float = 60.0
    max_context_chars: int = 12000

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"provider must be one of {', '.join(PROVIDERS)}")
        if self.provider == OLLAMA and self.url is None:
            object.__setattr__(self, "url", OLLAMA_DEFAULT_URL)

    @property
    def enabled(self) -> bool:
        return self.provider != OFF


def check_url(value: Any) -> str | None:
    """The problem with a server URL, or None. Credentials in a URL would end up in logs,
    audit lines and error messages, so they are refused rather than stripped."""
    if not isinstance(value, str) or not value.strip():
        return "must be an http:// or https:// URL"
    if _CONTROL_RE.search(value) or " " in value.strip():
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if "@" in parts.netloc:
        return (
            "must not contain a user name or password; put the key in an environment "
            "variable and name it in privacy.llm.api_key_env"
        )
    if not parts.hostname:
        return "must name a host"
    if parts.query or parts.fragment:
        return "must not have a query string or fragment"
    return None


def _lookup(section: Mapping[str, Any], key: str) -> Any:
    """`{"llm": {"provider": x}}`, `{"llm.provider": x}` and `{"llm": {...}}` inside a dotted
    `privacy.llm` table all mean the same: editors and TOML spell it differently."""
    dotted = f"llm.{key}"
    if dotted in section:
        return section[dotted]
    llm = section.get("llm")
    if isinstance(llm, Mapping) and key in llm:
        return llm[key]
    return _ABSENT


_ABSENT = object()


def _unknown_keys(section: Mapping[str, Any]) -> list[str]:
    out = []
    for name, value in section.items():
        if name == "llm" and isinstance(value, Mapping):
            out += [f"llm.{k}" for k in value if k not in KEYS]
        elif name[4:] not in KEYS if name.startswith("llm.") else name != "llm":
            out.append(name)
    return out


def resolve_llm_settings(section: Any) -> tuple[LLMSettings, list[str]]:
    """Validate the `privacy` table. Any invalid value yields a warning naming its key and
    provider "off": a half-understood configuration never turns the network on."""
    if section is None:
        return LLMSettings(), []
    if not isinstance(section, Mapping):
        return LLMSettings(), ["privacy: must be a table/object; network access stays off"]
    notes: list[str] = []  # unknown keys: reported, but they change nothing
    warnings: list[str] = []  # invalid values: reported, and the network stays off
    values: dict[str, Any] = {}

    llm_table = section.get("llm")
    if llm_table is not None and not isinstance(llm_table, Mapping):
        warnings.append("privacy.llm: must be a table/object")

    for name in _unknown_keys(section):
        if name.rsplit(".", 1)[-1].lower() in ("api_key", "apikey", "key", "token", "password"):
            notes.append(
                f"privacy.{name}: keys are never read from settings; set "
                "privacy.llm.api_key_env to the NAME of an environment variable holding it"
            )
        else:
            notes.append(f"privacy.{name}: unknown setting; ignored")

    provider = _lookup(section, "provider")
    if provider is not _ABSENT and provider is not None:
        if isinstance(provider, str) and provider.strip().lower() in PROVIDERS:
            values["provider"] = provider.strip().lower()
        else:
            warnings.append(f"privacy.llm.provider: must be one of {', '.join(PROVIDERS)}")

    url = _lookup(section, "url")
    if url is not _ABSENT and url is not None:
        problem = check_url(url)
        if problem:
            warnings.append(f"privacy.llm.url: {problem}")
        else:
            values["url"] = url.strip().rstrip("/")

    model = _lookup(section, "model")
    if model is not _ABSENT and model is not None:
        if isinstance(model, str) and model.strip() and len(model) <= 200:
            if _CONTROL_RE.search(model):
                warnings.append("privacy.llm.model: must not contain control characters")
            else:
                values["model"] = model.strip()
        else:
            warnings.append("privacy.llm.model: must be a non-empty model name")

    env_name = _lookup(section, "api_key_env")
    if env_name is not _ABSENT and env_name is not None and env_name != "":
        if isinstance(env_name, str) and _ENV_NAME_RE.match(env_name.strip()):
            values["api_key_env"] = env_name.strip()
        else:
            # never echo the value: people paste the key itself here
            warnings.append(
                "privacy.llm.api_key_env: must be the NAME of an environment variable "
                "(letters, digits, '_'), not the key itself"
            )

    timeout = _lookup(section, "timeout")
    if timeout is not _ABSENT and timeout is not None:
        if (
            isinstance(timeout, (int, float))
            and not isinstance(timeout, bool)
            and math.isfinite(timeout)
            and 0 < timeout <= _MAX_TIMEOUT
        ):
            values["timeout"] = float(timeout)
        else:
            warnings.append(
                f"privacy.llm.timeout: must be a number of seconds above 0 and at most "
                f"{_MAX_TIMEOUT:g}"
            )

    chars = _lookup(section, "max_context_chars")
    if chars is not _ABSENT and chars is not None:
        low, high = _CONTEXT_RANGE
        if isinstance(chars, int) and not isinstance(chars, bool) and low <= chars <= high:
            values["max_context_chars"] = chars
        else:
            warnings.append(
                f"privacy.llm.max_context_chars: must be an integer from {low} to {high}"
            )

    chosen = values.get("provider", OFF)
    if chosen != OFF:
        if "model" not in values and not any(w.startswith("privacy.llm.model") for w in warnings):
            warnings.append(f"privacy.llm.model: required when provider is {chosen!r}")
        if (
            chosen == OPENAI_COMPATIBLE
            and "url" not in values
            and not any(w.startswith("privacy.llm.url") for w in warnings)
        ):
            warnings.append(f"privacy.llm.url: required when provider is {chosen!r}")

    if warnings:
        warnings.append("privacy.llm: network access stays off until the settings are fixed")
        return LLMSettings(), notes + warnings
    return LLMSettings(**values), notes
