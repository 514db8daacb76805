"""`pieces-lsp doctor`: check the install and say exactly what is wrong.

Every check is independent and never raises: a broken install must still produce a report.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from pieces_lsp.app import Services
from pieces_lsp.resources import grammars_dir, models_dir


@dataclass(slots=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


def _python(_: Services) -> Check:
    v = sys.version_info
    ok = v >= (3, 10)
    return Check("python", "ok" if ok else "fail", f"{v.major}.{v.minor}.{v.micro}")


def _grammars(_: Services) -> Check:
    folder = grammars_dir()
    if not folder.is_dir():
        return Check("grammars", "fail", f"data folder missing: {folder} (reinstall pieces-lsp)")
    from pieces_lsp.analysis.languages import known_languages
    from pieces_lsp.secrets import load_rules

    try:
        langs = known_languages()
        secret_rules = load_rules()
    except Exception as exc:  # report, never crash the doctor
        return Check("grammars", "fail", f"data tables unreadable: {type(exc).__name__}: {exc}")
    return Check(
        "grammars",
        "ok",
        f"{len(langs)} languages, {len(secret_rules.rules)} secret rules in {folder}",
    )


def _models(_: Services) -> Check:
    folder = models_dir()
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return Check("models", "fail", f"missing {manifest} (reinstall pieces-lsp)")
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8")).get("models", [])
    except (OSError, ValueError) as exc:
        return Check("models", "fail", f"manifest unreadable: {exc}")
    problems = []
    for entry in entries:
        name = entry.get("path") or entry.get("file") or "?"
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} missing")
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != entry["sha256"]:
            problems.append(f"{name} has the wrong SHA-256 (corrupted or replaced)")
    if problems:
        return Check("models", "fail", "; ".join(problems))
    if not entries:
        return Check("models", "ok", "no model files are needed by this version")
    return Check("models", "ok", f"{len(entries)} model file(s) verified by SHA-256")


def _parsers(_: Services) -> Check:
    from pieces_lsp.analysis.parsing import registry

    declared = list(registry.specs())
    missing = [lang for lang in declared if registry.grammar(lang) is None]
    loaded = len(declared) - len(missing)
    if missing:
        return Check(
            "parsers",
            "warn",
            f"{loaded} of {len(declared)} tree-sitter grammars load; not available: "
            + ", ".join(missing)
            + " (enrichment of those languages is reduced)",
        )
    return Check("parsers", "ok", f"all {loaded} tree-sitter grammars load")


def _analysis(services: Services) -> Check:
    """Run a real enrichment through the same path saves use (the worker process)."""
    sample = "import json\n\ndef load_settings(path):\n    return json.load(open(path))\n"
    result = services.enricher.enrich(sample)
    if result.failed:
        return Check("analysis", "warn", "degraded steps: " + ", ".join(result.failed))
    return Check(
        "analysis",
        "ok",
        f"on-device enrichment works ({result.language}, {result.elapsed_ms:.0f} ms in the worker)",
    )


def _embedder(_: Services) -> Check:
    """Neural search: the model loads and puts a query next to the code it describes."""
    import time

    from pieces_lsp.ml.embed import get_embedder

    t0 = time.perf_counter()
    embedder = get_embedder()
    docs = embedder.embed_documents(
        [
            "def read_json(path):\n    with open(path) as f:\n        return json.load(f)\n",
            "def sort_desc(items):\n    return sorted(items, reverse=True)\n",
        ]
    )
    query = embedder.embed_queries(["load data from a json file"])[0]
    scores = docs @ query
    ms = (time.perf_counter() - t0) * 1000
    if not scores[0] > scores[1]:
        return Check("neural search", "warn", f"{embedder.model_id} ranks a probe wrongly")
    return Check(
        "neural search", "ok", f"{embedder.model_id}, {embedder.dim} dimensions ({ms:.0f} ms)"
    )


def _home(services: Services) -> Check:
    folder = services.config.paths.profile_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".doctor-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return Check("profile folder", "fail", f"{folder} is not writable: {exc.strerror}")
    return Check("profile folder", "ok", f"{folder} (profile '{services.config.profile}')")


def _database(services: Services) -> Check:
    from pieces_lsp.errors import PiecesError

    library = services.library
    try:
        stats = library.stats()
    except PiecesError as exc:
        return Check("database", "fail", str(exc))
    return Check(
        "database",
        "ok",
        f"{stats.snippets} snippets, schema v{stats.schema_version}, "
        f"{stats.bytes / 1e6:.2f} MB at {stats.path}",
    )


def _offline(services: Services) -> Check:
    """Prove that SQL cannot reach files or the network from the library connection."""
    from pieces_lsp.errors import PiecesError

    try:
        allowed = services.library.db.offline_violations()
    except PiecesError as exc:
        return Check("offline database", "warn", f"not checked: {exc}")
    if allowed:
        return Check("offline database", "fail", "SQL could " + ", ".join(allowed))
    return Check(
        "offline database", "ok", "extensions and external file access are disabled and locked"
    )


def _network(services: Services) -> Check:
    """What may leave the machine, and whether the opt-in can work: the key's env var is set
    and the audit log is writable. Never connects: a doctor that phones home to test the
    network would break the promise it reports on."""
    config = services.config
    llm = config.llm
    problems = [w for w in config.warnings if w.startswith(("privacy", str(config.config_path)))]
    if not llm.enabled:
        detail = "off: nothing leaves this machine (no telemetry, update checks or crash reports)"
        return Check("network", "warn" if problems else "ok", "; ".join([detail, *problems]))
    from urllib.parse import urlsplit

    host = urlsplit(llm.url or "").netloc
    detail = f"opt-in: {llm.provider} at {host}, model {llm.model}; requests audited"
    if llm.api_key_env and not os.environ.get(llm.api_key_env):
        problems.append(f"the API key variable {llm.api_key_env} is not set")
    try:
        services.audit.check_writable()
    except Exception as exc:
        problems.append(f"audit log not writable ({type(exc).__name__}): nothing would be sent")
    return Check("network", "warn" if problems else "ok", "; ".join([detail, *problems]))


CHECKS: list[Callable[[Services], Check]] = [
    _python,
    _grammars,
    _models,
    _parsers,
    _analysis,
    _embedder,
    _home,
    _database,
    _offline,
    _network,
]


def run_checks(services: Services) -> list[Check]:
    out = []
    for check in CHECKS:
        try:
            out.append(check(services))
        except Exception as exc:
            name = check.__name__.strip("_")
            out.append(Check(name, "fail", f"check crashed: {type(exc).__name__}: {exc}"))
    return out
