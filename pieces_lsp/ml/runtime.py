"""ONNX model loading: lazy, single-threaded sessions over files verified against the manifest.

`models/manifest.json` lists every shipped model with its SHA-256 and size; a file that does not
match is refused with a clear `ModelFileError` instead of being run.
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

from pieces_lsp.errors import ModelFileError
from pieces_lsp.resources import models_dir

_lock = threading.Lock()
_sessions: dict[str, Any] = {}


def _manifest_entry(name: str, root: Path) -> dict:
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"model manifest unreadable: {root / 'manifest.json'}") from exc
    for entry in manifest.get("models", []):
        if entry.get("name") == name:
            return entry
    raise ModelFileError(f"model {name!r} is not listed in {root / 'manifest.json'}")


def model_path(name: str, root: Path | None = None) -> Path:
    root = root or models_dir()
    return root / _manifest_entry(name, root)["path"]


def verify(name: str, root: Path | None = None) -> Path:
    """The model file's path after checking its size and SHA-256 against the manifest."""
    root = root or models_dir()
    entry = _manifest_entry(name, root)
    path = root / entry["path"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"model {name!r} missing: {path}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.get("sha256") or ("bytes" in entry and len(data) != entry["bytes"]):
        raise ModelFileError(
            f"model {name!r} does not match models/manifest.json (sha256 {digest[:12]}..., "
            f"expected {str(entry.get('sha256'))[:12]}...): reinstall pieces-lsp or rebuild it"
        )
    return path


@cache
def _cached_session(name: str, root: str) -> Any:
    import onnxruntime as ort

    path = verify(name, Path(root))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


def session(name: str, root: Path | None = None) -> Any:
    """A shared onnxruntime session for the named model, created (and verified) on first use."""
    with _lock:
        return _cached_session(name, str(root or models_dir()))


def clear_cache() -> None:
    with _lock:
        _cached_session.cache_clear()
