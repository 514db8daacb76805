"""One typed configuration tree, resolved from (lowest to highest priority) defaults, the
environment, the file `<home>/config.toml`, and explicit settings (CLI flags or LSP
initialization options).

Invalid values never crash start-up: they are reported by name and replaced by defaults, because
an editor launching us cannot show a traceback to the user.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pieces_lsp.privacy.settings import LLMSettings, resolve_llm_settings

ENV_HOME = "PIECES_LSP_HOME"
ENV_PROFILE = "PIECES_LSP_PROFILE"
DEFAULT_PROFILE = "default"
CONFIG_FILE_NAME = "config.toml"
_CONFIG_FILE_LIMIT = 1_000_000  # bytes; a config file is a few lines
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

    @property
    def audit_log(self) -> Path:
        """Every network request made for this profile (privacy.AuditLog)."""
        return self.profile_dir / "audit.log"


@dataclass(slots=True)
class Config:
    home: Path
    profile: str = DEFAULT_PROFILE
    lock_timeout: float = 30.0
    warnings: list[str] = field(default_factory=list)
    llm: LLMSettings = field(default_factory=LLMSettings)
    # the config.toml that was read; None when there was none (see `config_path`)
    config_file: Path | None = None

    @property
    def paths(self) -> LibraryPaths:
        return LibraryPaths(self.home, self.profile)

    @property
    def config_path(self) -> Path:
        """Where the config file is looked for, whether it exists or not."""
        return self.home / CONFIG_FILE_NAME


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

    config_path = home / CONFIG_FILE_NAME
    file_table, config_file, file_warnings = _read_config_file(config_path)
    warnings += file_warnings
    privacy = _flatten_privacy(file_table.get("privacy"), f"{config_path}: privacy", warnings)
    override = overrides.get("privacy")
    privacy.update(_flatten_privacy(override, "privacy", warnings))
    llm, llm_warnings = resolve_llm_settings(privacy or None)
    warnings += llm_warnings

    return Config(home=home, profile=profile, warnings=warnings, llm=llm, config_file=config_file)


def _read_config_file(path: Path) -> tuple[Mapping[str, Any], Path | None, list[str]]:
    """The parsed file, the path if one was read, and warnings. A missing file is the normal
    case; a broken one is reported by name and ignored, so the network stays off."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        with open(path, "rb") as f:
            data = f.read(_CONFIG_FILE_LIMIT + 1)
    except FileNotFoundError:
        return {}, None, []
    except IsADirectoryError:
        return {}, None, [f"{path}: is a folder, not a file; ignored"]
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return {}, None, [f"{path}: cannot be read ({reason}); ignored"]
    if len(data) > _CONFIG_FILE_LIMIT:
        return {}, None, [f"{path}: larger than {_CONFIG_FILE_LIMIT} bytes; ignored"]
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return {}, None, [f"{path}: is not UTF-8 text; ignored"]
    except tomllib.TOMLDecodeError as exc:
        return {}, None, [f"{path}: invalid TOML ({exc}); ignored"]
    return table, path, []


def _flatten_privacy(section: Any, where: str, warnings: list[str]) -> dict[str, Any]:
    """`{"llm": {"provider": x}}` -> `{"llm.provider": x}`, so a file and an override can be
    merged key by key (an override of `model` alone keeps the file's `provider`). A null
    or empty value means "not set" (see `_unset`)."""
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        warnings.append(f"{where}: must be a table/object; ignored")
        return {}
    flat: dict[str, Any] = {}
    for key, value in section.items():
        if key == "llm" and isinstance(value, Mapping):
            flat.update({f"llm.{k}": v for k, v in value.items() if not _unset(v)})
        elif key == "llm" and value is not None:
            warnings.append(f"{where}.llm: must be a table/object; ignored")
        elif not _unset(value):
            flat[str(key)] = value
    return flat


def _unset(value: Any) -> bool:
    """Editors send their defaults for settings the user never touched: null, or "" for a
    string setting (VS Code). Either leaves the lower layer (config.toml) in charge."""
    return value is None or (isinstance(value, str) and not value.strip())


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
