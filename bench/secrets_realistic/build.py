"""Build the realistic secrets set: whole files with and without secrets.

    python bench/secrets_realistic/build.py [--rebuild]

Negatives are real files from pinned public packages (`fetch.py`): auth, crypto, HTTP and cloud
clients and web frameworks, whose code is full of secret-ish names and look-alikes. Positives
are this directory's templates (`templates/*.tmpl`) with credentials planted in real providers'
formats (`secretgen.py`), plus clean renders of the same templates where every secret slot holds
a placeholder instead. Labels are the exact planted spans. Everything is written to the bench
cache (default `~/.cache/pieces-lsp-bench`, or `$PIECES_BENCH_CACHE`), never into the repo.

Template syntax: a first line `@@ name=FILE mode=mixed|secret|clean`, then the file with slots
`{{s:KIND}}` (a secret), `{{d:KIND}}` (a decoy: not a secret) and `{{w:NAME}}` (an ordinary
varying word); `{{s:KIND:N}}` / `{{d:KIND:N}}` indent a multi-line value's later lines by N.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fetch  # noqa: E402
import secretgen  # noqa: E402

SET_VERSION = 1
"""Bump when templates, generators or the selection change: the cache key of a built set."""

CACHE = Path(os.environ.get("PIECES_BENCH_CACHE", Path.home() / ".cache" / "pieces-lsp-bench"))
SEED = 20240505

_TEXT_EXT = {
    ".py",
    ".js",
    ".mjs",
    ".cjs",
    ".ts",
    ".json",
    ".yml",
    ".yaml",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".md",
    ".rst",
    ".txt",
    ".sh",
    ".properties",
    ".pem",
    ".key",
    ".env",
    ".example",
}
_CONFIG_EXT = {".json", ".yml", ".yaml", ".toml", ".ini", ".cfg", ".conf", ".env", ".example"}
_CONFIG_NAMES = re.compile(r"(?i)(dockerfile|docker-compose|\.env|makefile|tox\.ini|\.pem|\.key)")
_SECRETISH = re.compile(
    r"(?i)password|passwd|secret|token|api[_-]?key|private|credential|auth|signature|bearer"
)
_SLOT = re.compile(r"\{\{([sdw]):([a-z0-9-]+)(?::(\d+))?\}\}")
_BIG = {"pypi/botocore", "pypi/django", "pypi/sqlalchemy", "pypi/moto", "npm/stripe"}


def set_dir() -> Path:
    return CACHE / f"secrets-realistic-v{SET_VERSION}"


# --- negatives -------------------------------------------------------------------------------


def _members(archive: Path) -> Iterator[tuple[str, bytes]]:
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir() and info.file_size < 150_000:
                    yield info.filename, zf.read(info)
        return
    with tarfile.open(archive, "r:gz") as tf:
        for m in tf.getmembers():
            if m.isfile() and m.size < 150_000:
                fh = tf.extractfile(m)
                if fh is not None:
                    yield m.name, fh.read()


def _wanted(path: str, data: bytes) -> str | None:
    """The text of a real source/config file worth scanning, or None (binary, minified, tiny,
    generated lock files)."""
    name = path.rsplit("/", 1)[-1]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in _TEXT_EXT and not _CONFIG_NAMES.search(name):
        return None
    if name in {"package-lock.json", "yarn.lock", "PKG-INFO", "RECORD"} or ".min." in name:
        return None
    if len(data) < 120 or b"\0" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if max((len(x) for x in text.split("\n")), default=0) > 2000:
        return None
    return text


def _h(*parts: str) -> str:
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def select(label: str, files: dict[str, str]) -> list[str]:
    """A fixed share per package: config-ish files first (up to 4), then half the rest by how
    secret-ish the content is (the hardest files for precision) and half by a hash order (the
    ordinary ones). Deterministic: depends only on the archive's contents."""
    n = 16 if any(label.startswith(b) for b in _BIG) else 10
    order = sorted(files, key=lambda p: _h(label, p))
    picked: list[str] = []
    for p in order:
        name = p.rsplit("/", 1)[-1]
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if (ext in _CONFIG_EXT or _CONFIG_NAMES.search(name)) and len(picked) < 4:
            picked.append(p)
    rest = [p for p in order if p not in picked]
    by_score = sorted(rest, key=lambda p: (-len(_SECRETISH.findall(files[p])), _h(label, p)))
    for p in by_score[: (n - len(picked)) // 2]:
        picked.append(p)
    for p in rest:
        if len(picked) >= n:
            break
        if p not in picked:
            picked.append(p)
    return picked


def build_negatives(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for label, archive in fetch.fetch_all(CACHE / "archives"):
        files: dict[str, str] = {}
        for path, data in _members(archive):
            text = _wanted(path, data)
            if text is not None:
                files[path.split("/", 1)[1] if "/" in path else path] = text
        for p in select(label, files):
            rel = f"neg/{label}/{p}"
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(files[p], encoding="utf-8")
            rows.append({"path": rel, "origin": label, "label": 0, "spans": [], "decoys": []})
    return rows


# --- positives (and clean renders) ------------------------------------------------------------


def _indent(text: str, spans: list[tuple[int, int]], n: int) -> tuple[str, list[tuple[int, int]]]:
    if not n or "\n" not in text:
        return text, spans
    pad = " " * n

    def moved(off: int) -> int:
        return off + n * text.count("\n", 0, off)

    return text.replace("\n", "\n" + pad), [(moved(s), moved(e)) for s, e in spans]


def render(template: str, rng: random.Random, secret_p: float) -> dict[str, Any]:
    """One file from a template: each secret slot holds a secret with probability `secret_p`
    (else a placeholder). Returns the text, the secret spans and the decoy spans."""
    w = secretgen.words(rng)
    out: list[str] = []
    pos = 0
    spans: list[dict[str, Any]] = []
    decoys: list[dict[str, Any]] = []
    for m in _SLOT.finditer(template):
        out.append(template[pos : m.start()])
        pos = m.end()
        base = sum(len(x) for x in out)
        kind, name, ind = m.group(1), m.group(2), int(m.group(3) or 0)
        if kind == "w":
            out.append(w[name])
        elif kind == "s" and rng.random() < secret_p:
            name = secretgen.resolve(name, rng)
            value, rel = secretgen.secret(name, rng)
            value, rel = _indent(value, rel, ind)
            out.append(value)
            spans += [{"start": base + s, "end": base + e, "kind": name} for s, e in rel]
        else:
            dk = "placeholder" if kind == "s" else name
            value, _ = _indent(secretgen.decoy(dk, rng), [], ind)
            out.append(value)
            if value:
                decoys.append({"start": base, "end": base + len(value), "kind": dk})
    out.append(template[pos:])
    return {"text": "".join(out), "spans": spans, "decoys": decoys}


def build_positives(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for tpath in sorted((HERE / "templates").glob("*.tmpl")):
        head, _, body = tpath.read_text(encoding="utf-8").partition("\n")
        meta = dict(kv.split("=", 1) for kv in head.removeprefix("@@").split())
        rng = random.Random(f"{SEED}:{tpath.name}")
        mode = meta.get("mode", "mixed")
        count = 12 if mode == "mixed" else 8
        for i in range(count):
            if mode == "clean" or (mode == "mixed" and i % 5 in (1, 3)):
                p = 0.0
            else:
                p = 1.0 if mode == "secret" else 0.75
            r = render(body, rng, p)
            while p > 0 and not r["spans"]:
                r = render(body, rng, p)
            rel = f"tmpl/{tpath.stem}-{i:02d}/{meta['name']}"
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(r["text"], encoding="utf-8")
            rows.append(
                {
                    "path": rel,
                    "origin": f"template:{tpath.name}",
                    "label": int(bool(r["spans"])),
                    "spans": r["spans"],
                    "decoys": r["decoys"],
                }
            )
    return rows


def ensure_built(rebuild: bool = False) -> Path:
    """The built set's directory (with `manifest.jsonl` and `files/`), building it when missing."""
    root = set_dir()
    manifest = root / "manifest.jsonl"
    if manifest.exists() and not rebuild:
        return root
    if root.exists():
        shutil.rmtree(root)
    files = root / "files"
    files.mkdir(parents=True)
    rows = build_negatives(files) + build_positives(files)
    tmp = root / "manifest.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    tmp.rename(manifest)
    return root


def load(root: Path) -> list[dict[str, Any]]:
    with (root / "manifest.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(x) for x in fh if x.strip()]
    for r in rows:
        r["text"] = (root / "files" / r["path"]).read_text(encoding="utf-8")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rebuild", action="store_true", help="build again even when cached")
    args = ap.parse_args(argv)
    root = ensure_built(args.rebuild)
    rows = load(root)
    pos = sum(r["label"] for r in rows)
    print(f"{root}: {len(rows)} files, {pos} with secrets, {len(rows) - pos} without")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
