"""One typed configuration tree, resolved from (lowest to highest priority) defaults, the
environment, and explicit settings (CLI flags or LSP initialization options).

Invalid values never crash start-up: they are reported by name and replaced by defaults, because
an editor launching us cannot show a traceback to the user.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_HOME = "PIECES_LSP_HOME"
ENV_PROFILE = "PIECES_LSP_PROFILE"
DEFAULT_PROFILE = "default"
_PROFILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("pieces-lsp", appauthor=False))


def valid_profile(name: str) -> bool:
    """Profile names become folder names: no separators, no dot-files, no `..`."""
    return bool(_PROFILE_RE.match(name)) and ".." not in name


@dataclass(frozen=True, slots=True)
class LibraryPaths:
    """Every file a profile owns lives in its own folder, so erasing a profile is removing it."""

    home: Path
    profile: str

    @property
    def profile_dir(self) -> Path:
        return self.home / "profiles" / self.profile

    @property
    def database(self) -> Path:
        return self.profile_dir / "library.duckdb"

    @property
    def lock(self) -> Path:
        return self.profile_dir / "library.lock"

    @property
    def generation(self) -> Path:
        return self.profile_dir / "library.generation"


@dataclass(slots=True)
class Config:
    home: Path
    profile: str = DEFAULT_PROFILE
    lock_timeout: float = 30.0
    warnings: list[str] = field(default_factory=list)

    @property
    def paths(self) -> LibraryPaths:
        return LibraryPaths(self.home, self.profile)


def resolve_config(
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Config:
    """Build the config; bad values land in `warnings` (naming the key) and fall back."""
    env = os.environ if env is None else env
    overrides = overrides or {}
    warnings: list[str] = []

    home_value: Any = overrides.get("home") or env.get(ENV_HOME) or None
    home = default_home()
    if home_value is not None:
        if isinstance(home_value, (str, os.PathLike)) and str(home_value).strip():
            home = Path(os.path.expanduser(str(home_value))).absolute()
        else:
            warnings.append("home: must be a non-empty path; using the default")

    profile_value: Any = overrides.get("profile") or env.get(ENV_PROFILE) or DEFAULT_PROFILE
    profile = DEFAULT_PROFILE
    if isinstance(profile_value, str) and valid_profile(profile_value):
        profile = profile_value
    else:
        warnings.append(
            "profile: must be 1-64 letters, digits, '.', '_' or '-' (not starting with '.' "
            f"and without '..'); using '{DEFAULT_PROFILE}'"
        )

    return Config(home=home, profile=profile, warnings=warnings)


@dataclass(slots=True)
class EditorSettings:
    """Settings of the `pieces` section that editors may change at any time."""

    completion_enabled: bool = True
    completion_max_items: int = 20
    diagnostics_secrets: bool = True


def _lookup(section: Mapping[str, Any], dotted: str) -> Any:
    """Accept both nested ({"completion": {"enabled": x}}) and dotted ({"completion.enabled": x})
    spellings: editors send either."""
    if dotted in section:
        return section[dotted]
    node: Any = section
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _ABSENT
        node = node[part]
    return node


_ABSENT = object()


def resolve_editor_settings(section: Any) -> tuple[EditorSettings, list[str]]:
    settings = EditorSettings()
    warnings: list[str] = []
    if section is None:
        return settings, warnings
    if not isinstance(section, Mapping):
        return settings, ["pieces: settings must be an object; using defaults"]
    for key, attr in (
        ("completion.enabled", "completion_enabled"),
        ("diagnostics.secrets", "diagnostics_secrets"),
    ):
        value = _lookup(section, key)
        if value is _ABSENT or value is None:
            continue
        if isinstance(value, bool):
            setattr(settings, attr, value)
        else:
            warnings.append(f"{key}: must be true or false; using {getattr(settings, attr)}")
    value = _lookup(section, "completion.maxItems")
    if value is not _ABSENT and value is not None:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 200:
            settings.completion_max_items = value
        else:
            warnings.append(
                f"completion.maxItems: must be an integer from 1 to 200; using "
                f"{settings.completion_max_items}"
            )
    return settings, warnings
