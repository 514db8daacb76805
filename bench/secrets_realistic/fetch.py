"""Download the pinned public packages whose files are the realistic set's negatives.

Only the bench build does this (never the product, never at test time). Archives are kept under
the bench cache (`~/.cache/pieces-lsp-bench/archives`), outside the repository, so a rebuild of
the set does not fetch again.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

# Pinned so the set is the same on every machine. Chosen because their code and configs are full
# of secret-ish names and look-alikes (auth flows, signing, crypto tests, cloud clients, DB URLs).
PYPI: list[tuple[str, str]] = [
    ("requests", "2.31.0"),
    ("urllib3", "2.0.7"),
    ("oauthlib", "3.2.2"),
    ("Authlib", "1.3.0"),
    ("PyJWT", "2.8.0"),
    ("paramiko", "3.4.0"),
    ("boto3", "1.34.0"),
    ("botocore", "1.34.0"),
    ("Django", "4.2.7"),
    ("Flask", "3.0.0"),
    ("starlette", "0.32.0"),
    ("httpx", "0.25.2"),
    ("celery", "5.3.6"),
    ("hvac", "2.1.0"),
    ("python-dotenv", "1.0.0"),
    ("moto", "4.2.11"),
    ("google-auth", "2.25.2"),
    ("itsdangerous", "2.1.2"),
    ("passlib", "1.7.4"),
    ("python-jose", "3.3.0"),
    ("kombu", "5.3.4"),
    ("redis", "5.0.1"),
    ("docker", "7.0.0"),
    ("slack_sdk", "3.26.1"),
    ("stripe", "7.8.0"),
    ("fastapi", "0.108.0"),
    ("azure-storage-blob", "12.19.0"),
    ("pymongo", "4.6.1"),
    ("SQLAlchemy", "2.0.23"),
    ("sentry-sdk", "1.39.1"),
]
NPM: list[tuple[str, str]] = [
    ("jsonwebtoken", "9.0.2"),
    ("passport", "0.7.0"),
    ("express-session", "1.17.3"),
    ("axios", "1.6.2"),
    ("dotenv", "16.3.1"),
    ("@aws-sdk/client-s3", "3.470.0"),
    ("@aws-sdk/credential-providers", "3.470.0"),
    ("express", "4.18.2"),
    ("jose", "5.1.3"),
    ("passport-oauth2", "1.7.0"),
    ("oauth", "0.10.0"),
    ("@octokit/rest", "20.0.2"),
    ("stripe", "14.9.0"),
    ("cookie-session", "2.0.0"),
    ("jwks-rsa", "3.1.0"),
    ("pg", "8.11.3"),
    ("mysql2", "3.6.5"),
    ("@slack/web-api", "6.10.0"),
    ("nodemailer", "6.9.7"),
    ("node-forge", "1.3.1"),
]

_SIMPLE = "https://pypi.org/simple/{}/"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def fetch_pypi(name: str, version: str, archives: Path) -> Path:
    """The sdist (it carries tests and config files, wheels do not), checked against the index's
    sha256. Read from the PEP 503 simple index, the same page pip reads."""
    archives.mkdir(parents=True, exist_ok=True)
    cached = sorted(archives.glob(f"pypi-{_normalise(name)}-{version}.*"))
    if cached:
        return cached[0]
    with urllib.request.urlopen(_SIMPLE.format(_normalise(name)), timeout=60) as resp:
        page = resp.read().decode("utf-8", "replace")
    stem = "[-_.]".join(map(re.escape, _normalise(name).split("-")))
    want = re.compile(
        rf'href="([^"]+/({stem}-{re.escape(version)}'
        r'\.(tar\.gz|zip)))#sha256=([0-9a-f]{64})"',
        re.IGNORECASE,
    )
    m = want.search(page)
    if not m:
        raise RuntimeError(f"no sdist for {name}=={version} on the index")
    url, _fname, ext, digest = m.groups()
    with urllib.request.urlopen(url, timeout=180) as resp:
        data = resp.read()
    if hashlib.sha256(data).hexdigest() != digest:
        raise RuntimeError(f"sha256 mismatch for {name}=={version}")
    out = archives / f"pypi-{_normalise(name)}-{version}.{ext}"
    out.write_bytes(data)
    return out


def fetch_npm(name: str, version: str, archives: Path) -> Path:
    """`npm pack`, the ordinary client, which checks the registry's integrity hash."""
    archives.mkdir(parents=True, exist_ok=True)
    out = archives / f"npm-{name.replace('/', '__').lstrip('@')}-{version}.tgz"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--pack-destination", tmp, "--silent"],
            check=True,
            capture_output=True,
            timeout=300,
            cwd=tmp,
        )
        (tgz,) = Path(tmp).glob("*.tgz")
        shutil.move(str(tgz), out)
    return out


def fetch_all(archives: Path) -> list[tuple[str, Path]]:
    """(package label, archive) for every pinned package; a failure names the package."""
    out: list[tuple[str, Path]] = []
    for name, version in PYPI:
        out.append((f"pypi/{_normalise(name)}-{version}", fetch_pypi(name, version, archives)))
    for name, version in NPM:
        label = f"npm/{name.replace('/', '__').lstrip('@')}-{version}"
        out.append((label, fetch_npm(name, version, archives)))
    return out


if __name__ == "__main__":
    for label, path in fetch_all(Path.home() / ".cache" / "pieces-lsp-bench" / "archives"):
        print(label, path.stat().st_size)
