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
