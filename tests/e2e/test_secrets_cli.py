"""`pieces-lsp scan` as a pre-commit check: findings by path and line, exit 3, never a value."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

PASSWORD = "Tr0ub4dor" + "&3xq!"
TOKEN = "a8f0c2e4b6d8" + "1357acebd024" + "68ace135"


def test_scan_reports_paths_lines_and_exit_code(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "node_modules" / "dep").mkdir(parents=True)
    (repo / "app" / "settings.py").write_text(f'import os\n\nDB_PASSWORD = "{PASSWORD}"\n')
    (repo / "app" / "clean.py").write_text('TOKEN = os.environ["TOKEN"]\n')
    (repo / "node_modules" / "dep" / "x.js").write_text(f'const apiToken = "{TOKEN}";\n')
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0" + TOKEN.encode())
    result = run_cli(tmp_path, "scan", str(repo))
    assert result.returncode == 3, result.stderr
    assert f"{repo / 'app' / 'settings.py'}:3: generic-password" in result.stdout
    assert PASSWORD not in result.stdout and TOKEN not in result.stdout
    assert "node_modules" not in result.stdout
    data = json.loads(run_cli(tmp_path, "scan", str(repo), "--json").stdout)
    assert [(f["line"], f["rule"]) for f in data["findings"]] == [(3, "generic-password")]
    clean = run_cli(tmp_path, "scan", str(repo / "app" / "clean.py"))
    assert clean.returncode == 0 and "no secrets found" in clean.stdout


def test_scan_redact_prints_the_safe_text(tmp_path: Path) -> None:
    src = tmp_path / "deploy.sh"
    src.write_text(f'export API_TOKEN={TOKEN}\ncurl -H "X-Api-Key: {TOKEN}" https://x\n')
    result = run_cli(tmp_path, "scan", str(src), "--redact")
    assert result.returncode == 0, result.stderr
    assert TOKEN not in result.stdout
    assert result.stdout.count("<redacted:") == 2


def test_scan_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "scan", str(tmp_path / "nope"))
    assert result.returncode == 1 and "no such file or folder" in result.stderr
