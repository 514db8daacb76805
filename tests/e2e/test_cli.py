"""The human CLI as a user runs it: exit codes 0/1/2, one-line errors, --json on reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli

SOURCE = """import os


def read_settings(path):
    '''Read KEY=VALUE lines.'''
    out = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out
"""


@pytest.fixture
def src(tmp_path: Path) -> Path:
    p = tmp_path / "settings.py"
    p.write_text(SOURCE)
    return p


def _json(result: subprocess.CompletedProcess[str]):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _one_line_error(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pieces-lsp: error: ")
    return lines[0]


def test_save_range_list_show_search_delete(home: Path, src: Path):
    saved = _json(run_cli(home, "save", f"{src}:4-11", "--tag", "Config", "--json"))
    assert saved["content"] == "".join(SOURCE.splitlines(keepends=True)[3:11])
    assert saved["language"] == "python" and "config" in saved["tags"]
    assert saved["title"] == "Read KEY=VALUE lines"  # the docstring's first sentence
    assert saved["source"]["uri"] == src.resolve().as_uri()
    assert saved["source"]["range"]["start"]["line"] == 3

    again = _json(run_cli(home, "save", f"{src}:4-11", "--json"))
    assert again["id"] == saved["id"] and again["created"] is False

    whole = run_cli(home, "save", str(src), "--title", "Settings module")
    assert whole.returncode == 0 and "saved" in whole.stdout

    listed = _json(run_cli(home, "list", "--json"))
    assert listed["total"] == 2
    assert _json(run_cli(home, "list", "--language", "go", "--json"))["total"] == 0

    human = run_cli(home, "list")
    assert human.returncode == 0 and "Settings module" in human.stdout

    shown = _json(run_cli(home, "show", saved["id"][:8], "--json"))
    assert shown["id"] == saved["id"]
    assert run_cli(home, "show", saved["id"]).returncode == 0

    found = _json(run_cli(home, "search", "partition", "--json"))
    assert saved["id"] in {r["id"] for r in found["results"]}  # both snippets hold `partition`
    assert {"score", "why", "preview"} <= set(found["results"][0])
    assert run_cli(home, "search", "settngs").returncode == 0  # typo-tolerant, human table
    neural = _json(run_cli(home, "search", "split a settings line", "--mode", "neural", "--json"))
    assert all("neural" in r["signals"] for r in neural["results"])
    tagged = _json(run_cli(home, "search", "partition", "--tag", "config", "--json"))
    assert [r["id"] for r in tagged["results"]] == [saved["id"]]  # only the tagged snippet
    both = run_cli(home, "search", "partition", "--tag", "nosuch", "--tag", "config", "--json")
    assert _json(both)["results"] == []  # every --tag is required

    assert run_cli(home, "delete", saved["id"][:8]).returncode == 0
    assert _json(run_cli(home, "stats", "--json"))["snippets"] == 1


def test_save_from_stdin(home: Path):
    out = _json(run_cli(home, "save", "-", "--language", "sql", "--json", input="SELECT 42;\n"))
    assert out["language"] == "sql" and out["content"] == "SELECT 42;\n"


def test_user_errors_exit_1_with_one_line(home: Path, src: Path):
    _one_line_error(run_cli(home, "save", str(src.with_name("missing.py"))))
    _one_line_error(run_cli(home, "save", f"{src}:50-60"))
    _one_line_error(run_cli(home, "save", f"{src}:5-2"))
    _one_line_error(run_cli(home, "show", "deadbeef"))
    _one_line_error(run_cli(home, "show", "x"))
    _one_line_error(run_cli(home, "delete", "0b6f1d7e-9a57-4c1e-8f3e-2d7f6b1a9c01"))
    msg = _one_line_error(run_cli(home, "erase"))
    assert "--yes" in msg
    _one_line_error(run_cli(home, "import", str(home / "nothing-here.jsonl")))
    _one_line_error(run_cli(home, "--profile", "../up", "list"))
    empty = home / "empty.py"
    empty.write_text("   \n")
    assert "content" in _one_line_error(run_cli(home, "save", str(empty)))


def test_usage_errors_exit_2(home: Path):
    assert run_cli(home, "export", "out.jsonl").returncode == 2  # --format missing
    assert run_cli(home, "export", "out", "--format", "xml").returncode == 2
    assert run_cli(home, "list", "--limit", "many").returncode == 2
    assert run_cli(home, "frobnicate", "--json").returncode == 2


def test_profiles_flag_and_env(home: Path, src: Path):
    assert run_cli(home, "--profile", "work", "save", str(src)).returncode == 0
    assert _json(run_cli(home, "list", "--profile", "work", "--json"))["total"] == 1
    assert _json(run_cli(home, "list", "--json"))["total"] == 0
    assert _json(run_cli(home, "list", "--json", PIECES_LSP_PROFILE="work"))["total"] == 1
    other = home.parent / "elsewhere"
    assert _json(run_cli(home, "--home", str(other), "stats", "--json"))["snippets"] == 0
    assert (home / "profiles" / "work" / "library.duckdb").exists()


def test_export_erase_import_round_trip(home: Path, src: Path, tmp_path: Path):
    crlf = tmp_path / "win.ps1"
    crlf.write_bytes(b"Write-Host 'hi'\r\nGet-Date\r\n")
    for target in (str(src), f"{src}:4-6", str(crlf)):
        assert run_cli(home, "save", target).returncode == 0
    before = {i["id"]: i["content"] for i in _json(run_cli(home, "list", "--json"))["items"]}
    out = tmp_path / "export.jsonl"
    assert _json(run_cli(home, "export", str(out), "--format", "jsonl", "--json"))["count"] == 3
    assert _json(run_cli(home, "erase", "--yes", "--json"))["deleted"] == 3
    assert not (home / "profiles" / "default" / "library.duckdb").exists()
    report = _json(run_cli(home, "import", str(out), "--json"))
    assert (report["imported"], report["skipped"], report["failed"]) == (3, 0, 0)
    after = {i["id"]: i["content"] for i in _json(run_cli(home, "list", "--json"))["items"]}
    assert after == before


def test_backup_restore_passphrase_never_from_argv(home: Path, src: Path, tmp_path: Path):
    assert run_cli(home, "save", str(src)).returncode == 0
    bak = tmp_path / "lib.bak"
    # No terminal, no env var, no file: refused, not prompted.
    assert "passphrase" in _one_line_error(run_cli(home, "backup", str(bak)))
    ok = run_cli(home, "backup", str(bak), "--json", PIECES_LSP_PASSPHRASE="correct horse")
    assert _json(ok)["count"] == 1
    assert b"read_settings" not in bak.read_bytes()
    wrong = run_cli(home, "restore", str(bak), PIECES_LSP_PASSPHRASE="wrong horse")
    assert "passphrase" in _one_line_error(wrong)
    phrase = tmp_path / "phrase.txt"
    phrase.write_text("correct horse\n")
    restored = run_cli(
        home, "--profile", "copy", "restore", str(bak), "--passphrase-file", str(phrase), "--json"
    )
    assert _json(restored)["restored"] == 1
    assert _json(run_cli(home, "--profile", "copy", "list", "--json"))["total"] == 1


def test_doctor_reports_ok_and_names_a_broken_database(home: Path):
    report = _json(run_cli(home, "doctor", "--json"))
    assert report["ok"] is True
    names = {c["name"]: c["status"] for c in report["checks"]}
    assert names["grammars"] == "ok" and names["models"] == "ok"
    assert names["offline database"] == "ok"
    db = home / "profiles" / "broken" / "library.duckdb"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 1000)
    bad = run_cli(home, "--profile", "broken", "doctor")
    assert bad.returncode == 1
    assert "database" in bad.stdout and "Traceback" not in bad.stderr


def test_server_mode_prints_hint_only_on_a_terminal(home: Path):
    # Not a terminal: nothing on stderr, and EOF on stdin ends the server.
    proc = subprocess.run(
        [sys.executable, "-m", "pieces_lsp"],
        input=b"",
        capture_output=True,
        env=cli_env(home),
        cwd=str(home),
        timeout=60,
    )
    assert proc.stdout == b""
    assert b"pieces-lsp: language server" not in proc.stderr


def test_server_mode_hint_on_a_terminal(home: Path):
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pieces_lsp"],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(home),
        cwd=str(home),
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
        assert line.startswith("pieces-lsp: language server on stdin/stdout")
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
        os.close(slave)


def test_analyze_and_save_name_the_framework_the_project_declares(home: Path):
    shop = home / "shop"
    (shop / "app").mkdir(parents=True)
    (shop / "requirements.txt").write_text("Django>=5.0  # web\npytest\n")
    view = shop / "app" / "helpers.py"
    view.write_text(SOURCE)
    analyzed = _json(run_cli(home, "analyze", str(view), "--json"))
    assert analyzed["frameworks"] == [] and analyzed["project_frameworks"] == ["django"]
    human = run_cli(home, "analyze", str(view))
    assert human.returncode == 0 and "project" in human.stdout and "django" in human.stdout
    saved = _json(run_cli(home, "save", str(view), "--json"))
    assert saved["project_frameworks"] == ["django"] and "django" in saved["tags"]
