"""The opt-in policy: anything not understood keeps the network off, and says which key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pieces_lsp.config import resolve_config
from pieces_lsp.privacy import LLMSettings, resolve_llm_settings
from pieces_lsp.privacy.settings import OLLAMA_DEFAULT_URL


def _resolve(llm: dict) -> tuple[LLMSettings, list[str]]:
    return resolve_llm_settings({"llm": llm})


def test_default_is_off_and_silent():
    for section in (None, {}, {"llm": {}}):
        settings, warnings = resolve_llm_settings(section)
        assert settings == LLMSettings()
        assert not settings.enabled
        assert warnings == []


def test_ollama_gets_the_local_default_url():
    settings, warnings = _resolve({"provider": "ollama", "model": "llama3.2"})
    assert warnings == []
    assert settings.enabled
    assert settings.url == OLLAMA_DEFAULT_URL
    assert settings.model == "llama3.2"
    assert settings.timeout == 60.0
    assert settings.max_context_chars == 12000


def test_openai_compatible_full_settings():
    settings, warnings = _resolve(
        {
            "provider": "openai-compatible",
            "url": "https://llm.example.test/v1/",
            "model": "gpt-x",
            "api_key_env": "MY_LLM_KEY",
            "timeout": 12,
            "max_context_chars": 4000,
        }
    )
    assert warnings == []
    assert settings == LLMSettings(
        provider="openai-compatible",
        url="https://llm.example.test/v1",
        model="gpt-x",
        api_key_env="MY_LLM_KEY",
        timeout=12.0,
        max_context_chars=4000,
    )


def test_dotted_keys_are_accepted():
    settings, warnings = resolve_llm_settings({"llm.provider": "ollama", "llm.model": "m"})
    assert warnings == []
    assert settings.provider == "ollama" and settings.model == "m"


@pytest.mark.parametrize(
    ("llm", "key"),
    [
        ({"provider": "chatgpt", "model": "m"}, "privacy.llm.provider"),
        ({"provider": True, "model": "m"}, "privacy.llm.provider"),
        ({"provider": "ollama"}, "privacy.llm.model"),
        ({"provider": "ollama", "model": ""}, "privacy.llm.model"),
        ({"provider": "openai-compatible", "model": "m"}, "privacy.llm.url"),
        ({"provider": "ollama", "model": "m", "url": "ftp://h/"}, "privacy.llm.url"),
        ({"provider": "ollama", "model": "m", "url": "not a url"}, "privacy.llm.url"),
        ({"provider": "ollama", "model": "m", "url": "http://"}, "privacy.llm.url"),
        ({"provider": "ollama", "model": "m", "url": "http://h:99999"}, "privacy.llm.url"),
        ({"provider": "ollama", "model": "m", "url": "http://h/?k=v"}, "privacy.llm.url"),
        ({"provider": "ollama", "model": "m", "timeout": 0}, "privacy.llm.timeout"),
        ({"provider": "ollama", "model": "m", "timeout": True}, "privacy.llm.timeout"),
        ({"provider": "ollama", "model": "m", "timeout": "10"}, "privacy.llm.timeout"),
        (
            {"provider": "ollama", "model": "m", "max_context_chars": 5},
            "privacy.llm.max_context_chars",
        ),
        (
            {"provider": "ollama", "model": "m", "api_key_env": "has space"},
            "privacy.llm.api_key_env",
        ),
    ],
)
def test_invalid_values_turn_the_network_off_and_name_the_key(llm: dict, key: str):
    settings, warnings = _resolve(llm)
    assert settings == LLMSettings()
    assert not settings.enabled
    assert any(w.startswith(key) for w in warnings), warnings
    assert any("stays off" in w for w in warnings)


def test_credentials_in_url_are_refused_and_never_echoed():
    settings, warnings = _resolve(
        {"provider": "openai-compatible", "model": "m", "url": "https://bob:hunter2pw@h.test/v1"}
    )
    assert not settings.enabled
    assert any(w.startswith("privacy.llm.url") and "password" in w for w in warnings)
    assert "hunter2pw" not in " ".join(warnings)


def test_a_key_pasted_as_the_env_name_is_not_echoed():
    key = "sk-proj-Zq8XkL2mN4pQ9sT1vW3yA6cE0fH5jR7"
    settings, warnings = _resolve({"provider": "ollama", "model": "m", "api_key_env": key})
    assert not settings.enabled
    assert any(w.startswith("privacy.llm.api_key_env") for w in warnings)
    assert key not in " ".join(warnings)


def test_a_key_in_the_settings_is_ignored_with_a_pointer_to_api_key_env():
    key = "sk-proj-Zq8XkL2mN4pQ9sT1vW3yA6cE0fH5jR7"
    settings, warnings = _resolve({"provider": "ollama", "model": "m", "api_key": key})
    assert settings.provider == "ollama"  # an ignored extra key does not change the policy
    assert any("api_key_env" in w for w in warnings)
    assert key not in " ".join(warnings)
    assert key not in repr(settings)


def test_unknown_keys_are_reported():
    settings, warnings = resolve_llm_settings({"llm": {"provider": "off", "colour": "red"}})
    assert not settings.enabled
    assert warnings == ["privacy.llm.colour: unknown setting; ignored"]


def test_a_non_table_section_is_reported():
    settings, warnings = resolve_llm_settings("ollama")
    assert not settings.enabled
    assert warnings and warnings[0].startswith("privacy:")
    settings, warnings = resolve_llm_settings({"llm": "ollama"})
    assert not settings.enabled
    assert warnings[0] == "privacy.llm: must be a table/object"


def test_direct_construction_checks_the_provider():
    with pytest.raises(ValueError):
        LLMSettings(provider="chatgpt")
    assert LLMSettings(provider="ollama", model="m").url == OLLAMA_DEFAULT_URL


# -- config.toml and precedence --------------------------------------------------------------


def _write_config(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_file_means_off_without_warnings(home: Path):
    config = resolve_config({"home": str(home)}, env={})
    assert config.llm == LLMSettings()
    assert config.config_file is None
    assert config.config_path == home / "config.toml"
    assert config.warnings == []
    assert config.paths.audit_log == home / "profiles" / "default" / "audit.log"


def test_config_file_turns_ollama_on(home: Path):
    path = _write_config(
        home,
        '[privacy.llm]\nprovider = "ollama"\nmodel = "llama3.2"\ntimeout = 30\n',
    )
    config = resolve_config({"home": str(home)}, env={})
    assert config.warnings == []
    assert config.config_file == path
    assert config.llm == LLMSettings(provider="ollama", model="llama3.2", timeout=30.0)


def test_overrides_win_key_by_key(home: Path):
    _write_config(home, '[privacy.llm]\nprovider = "ollama"\nmodel = "from-file"\n')
    config = resolve_config(
        {"home": str(home), "privacy": {"llm": {"model": "from-editor"}}}, env={}
    )
    assert config.llm.provider == "ollama"
    assert config.llm.model == "from-editor"
    config = resolve_config({"home": str(home), "privacy": {"llm.provider": "off"}}, env={})
    assert not config.llm.enabled
    # null from an editor means "not set": the file's value stays
    config = resolve_config({"home": str(home), "privacy": {"llm": {"model": None}}}, env={})
    assert config.llm.model == "from-file"


def test_overrides_alone_can_opt_in(home: Path):
    config = resolve_config(
        {"home": str(home), "privacy": {"llm": {"provider": "ollama", "model": "m"}}}, env={}
    )
    assert config.llm.enabled and config.warnings == []


def test_invalid_toml_is_a_warning_naming_the_file(home: Path):
    path = _write_config(home, '[privacy.llm]\nprovider = "ollama\nmodel = 3 = 4\n')
    config = resolve_config({"home": str(home)}, env={})
    assert not config.llm.enabled
    assert config.config_file is None
    assert len(config.warnings) == 1 and str(path) in config.warnings[0]
    assert "invalid TOML" in config.warnings[0]


def test_unreadable_config_is_a_warning(home: Path):
    (home / "config.toml").mkdir()
    config = resolve_config({"home": str(home)}, env={})
    assert not config.llm.enabled
    assert any(str(home / "config.toml") in w for w in config.warnings)


def test_invalid_value_in_file_keeps_network_off(home: Path):
    _write_config(home, '[privacy.llm]\nprovider = "olama"\nmodel = "m"\n')
    config = resolve_config({"home": str(home)}, env={})
    assert not config.llm.enabled
    assert any(w.startswith("privacy.llm.provider") for w in config.warnings)


def test_non_table_privacy_override_is_reported(home: Path):
    config = resolve_config({"home": str(home), "privacy": "on"}, env={})
    assert not config.llm.enabled
    assert any(w.startswith("privacy:") for w in config.warnings)


def test_other_tables_in_the_file_are_left_alone(home: Path):
    _write_config(home, '[search]\nwhatever = 1\n\n[privacy.llm]\nprovider = "off"\n')
    config = resolve_config({"home": str(home)}, env={})
    assert config.warnings == []
    assert not config.llm.enabled


def test_editor_defaults_leave_the_config_file_in_charge(home: Path):
    """VS Code sends every setting of the section, untouched string ones as ""."""
    (home / "config.toml").write_text('[privacy.llm]\nprovider = "ollama"\nmodel = "m"\n')
    untouched = {"llm": {"provider": "", "url": "", "model": " ", "api_key_env": None}}
    config = resolve_config({"home": str(home), "privacy": untouched}, env={})
    assert config.llm.provider == "ollama" and config.llm.model == "m"
    assert config.warnings == []
    off = resolve_config({"home": str(home), "privacy": {"llm": {"provider": "off"}}}, env={})
    assert off.llm.provider == "off"
