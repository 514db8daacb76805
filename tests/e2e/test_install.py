"""What `pip install .` puts on disk must be enough: data files come from the package, not
from a checkout beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_env

PROBE = """
import json, pieces_lsp
from pieces_lsp.resources import grammars_dir, models_dir
print(json.dumps({"pkg": pieces_lsp.__file__, "grammars": str(grammars_dir()),
                  "models": str(models_dir())}))
"""


def test_installed_package_carries_its_data(home: Path):
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=str(home),
        check=True,
    )
    info = json.loads(out.stdout)
    grammars, models = Path(info["grammars"]), Path(info["models"])
    assert (grammars / "languages.toml").is_file()
    assert (grammars / "secrets.toml").is_file()
    assert (models / "manifest.json").is_file()
    if "site-packages" in info["pkg"]:  # a real (non-editable) install, as in CI
        pkg = Path(info["pkg"]).parent
        assert grammars == pkg / "_data" / "grammars"
        assert models == pkg / "_data" / "models"
    manifest = json.loads((models / "manifest.json").read_text())
    for entry in manifest["models"]:
        assert (models / entry["path"]).is_file()
    assert (grammars / "queries" / "python" / "imports.scm").is_file()
    assert any((grammars / "vocab").glob("*.txt"))


def test_installed_package_enriches_with_its_own_models_and_grammars(home: Path):
    """`doctor` runs a real enrichment in the worker process: model hash, grammars, queries."""
    out = subprocess.run(
        [sys.executable, "-m", "pieces_lsp", "doctor", "--json"],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=str(home),
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    checks = {c["name"]: c for c in json.loads(out.stdout)["checks"]}
    for name in ("models", "parsers", "analysis", "neural search"):
        assert checks[name]["status"] == "ok", checks[name]
