"""The privacy commands as a human runs them: `privacy`, `ask`, `describe`, with the opt-in read
from <home>/config.toml and a fake LLM on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.fakes.llm_server import FakeLLM

TOKEN = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
CODE = (
    f'import stripe\n\nstripe.api_key = "{TOKEN}"\n\n'
    "def refund(charge):\n    return stripe.Refund.create(charge=charge)\n"
)


def _save(home: Path) -> str:
    out = run_cli(home, "save", "-", "--language", "python", "--json", input=CODE)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["id"]


def test_privacy_reports_where_data_lives_and_that_nothing_is_sent(home: Path):
    _save(home)
    out = run_cli(home, "privacy", "--json")
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["network"].startswith("off")
    assert status["llm"] == {
        "provider": "off",
        "enabled": False,
        "url": None,
        "host": None,
        "model": None,
        "api_key_env": None,
        "api_key_set": False,
    }
    assert status["telemetry"] == status["update_checks"] == status["crash_reports"] == "none"
    data = status["data"]
    assert data["profile_dir"] == str(home / "profiles" / "default")
    assert any(f["path"].endswith("library.duckdb") and f["bytes"] > 0 for f in data["files"])
    assert data["config_file"] == str(home / "config.toml") and not data["config_file_exists"]
    assert status["audit"]["entries"] == []
    assert "erase --yes" in status["commands"]["erase"]
    human = run_cli(home, "privacy")
    assert human.returncode == 0 and "nothing leaves this machine" in human.stdout


def test_ask_is_refused_with_how_to_opt_in(home: Path):
    _save(home)
    out = run_cli(home, "ask", "how do I refund a charge?")
    assert out.returncode == 1
    assert "[privacy.llm]" in out.stderr
    assert str(home / "config.toml") in out.stderr
    assert not (home / "profiles" / "default" / "audit.log").exists()
    described = run_cli(home, "describe", _save(home)[:8], "--json")
    assert described.returncode == 0, described.stderr
    assert json.loads(described.stdout)["refined"] is False


def test_ask_with_ollama_from_config_toml(home: Path):
    sid = _save(home)
    with FakeLLM(mode="ollama", reply="Call refund(charge_id).") as fake:
        (home / "config.toml").write_text(
            f'[privacy.llm]\nprovider = "ollama"\nurl = "{fake.url}"\nmodel = "tiny"\n'
        )
        out = run_cli(home, "ask", "how do I refund a charge?", "--id", sid[:8])
        status = json.loads(run_cli(home, "privacy", "--json").stdout)
        received = fake.received_text()
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Call refund(charge_id)."
    assert "refund" in received and TOKEN not in received and TOKEN[8:20] not in received
    [entry] = status["audit"]["entries"]
    assert entry["purpose"] == "ask" and entry["outcome"] == "ok"
    assert (
        status["llm"]["provider"] == "ollama" and status["llm"]["host"] == f"127.0.0.1:{fake.port}"
    )
    assert TOKEN not in (home / "profiles" / "default" / "audit.log").read_text()


def test_a_broken_config_file_keeps_the_network_off(home: Path):
    (home / "config.toml").write_text('[privacy.llm\nprovider = "ollama"\n')
    out = run_cli(home, "privacy", "--json")
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["llm"]["provider"] == "off"
    assert any("config.toml" in w for w in status["warnings"])
