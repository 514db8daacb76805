"""Documentation links for the libraries a snippet uses, found without the network.

Three offline sources, in order of trust:
- "curated": `grammars/docs_links.toml`, official docs of the major frameworks (keyed by framework
  id, plus the import roots that point to them), and docs.python.org for standard-library modules;
- "python-metadata": the Project-URL / Home-page of the installed distribution that provides an
  imported top-level module (`importlib.metadata`), i.e. what the user's own environment declares;
- "node_modules": the `homepage` of `node_modules/<pkg>/package.json` under the workspace folder.

Lookups are cached per process: package metadata does not change while an editor session runs
often enough to justify re-reading it on every save.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pieces_lsp.analysis.links import strip_credentials
from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Source = Literal["curated", "python-metadata", "node_modules"]

_JS_LANGUAGES = frozenset(
    {"javascript", "javascriptreact", "typescript", "typescriptreact", "vue", "svelte"}
)
# Project-URL labels, best first (compared case-insensitively, without spaces/dashes/underscores).
_URL_LABELS = ("documentation", "docs", "homepage", "home", "source", "sourcecode", "repository")
# npm package names: optional @scope/, lower-case, no path tricks.
_NPM_NAME = re.compile(r"^(?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"::|[./]")
_MAX_PACKAGE_JSON = 1024 * 1024


@dataclass(frozen=True, slots=True)
class RelatedLink:
    url: str
    title: str
    source: Source


@dataclass(frozen=True, slots=True)
class _Curated:
    id: str
    title: str
    url: str
    imports: tuple[str, ...]


@lru_cache(maxsize=1)
def _curated() -> dict[str, _Curated]:
    data = tomllib.loads((grammars_dir() / "docs_links.toml").read_text(encoding="utf-8"))
    return {
        key: _Curated(key, str(v["title"]), str(v["url"]), tuple(v.get("imports", ())))
        for key, v in data.items()
        if isinstance(v, dict) and "url" in v
    }


@lru_cache(maxsize=1)
def _curated_by_import() -> dict[str, _Curated]:
    out: dict[str, _Curated] = {}
    for entry in _curated().values():
        for name in entry.imports:
            out.setdefault(name.lower(), entry)
    return out


def _curated_for_import(name: str) -> _Curated | None:
    """Longest import-root match: `org.springframework.boot.X` is Spring Boot, not Spring."""
    table = _curated_by_import()
    lowered = name.lower()
    if lowered in table:
        return table[lowered]
    best: _Curated | None = None
    best_len = 0
    for root, entry in table.items():
        if len(root) > best_len and lowered.startswith(root):
            rest = lowered[len(root) :]
            if _SEPARATORS.match(rest):
                best, best_len = entry, len(root)
    return best


def _is_http(url: str) -> bool:
    return url.startswith(("https://", "http://"))


@lru_cache(maxsize=1)
def _module_distributions() -> dict[str, list[str]]:
    from importlib.metadata import packages_distributions

    try:
        return dict(packages_distributions())
    except Exception:  # a broken dist-info in the user's environment must not break a save
        return {}


@lru_cache(maxsize=512)
def _python_link(module: str) -> RelatedLink | None:
    if module in getattr(sys, "stdlib_module_names", ()):
        return RelatedLink(
            f"https://docs.python.org/3/library/{module}.html",
            f"Python docs: {module}",
            "curated",
        )
    dists = _module_distributions().get(module)
    if not dists:
        return None
    from importlib.metadata import PackageNotFoundError, metadata

    for dist in dists:
        try:
            meta = metadata(dist)
        except (PackageNotFoundError, OSError, ValueError):
            continue
        urls: dict[str, str] = {}
        for entry in meta.get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            key = re.sub(r"[\s_-]", "", label).lower()
            url = url.strip()
            if _is_http(url):
                urls.setdefault(key, url)
        home = (meta.get("Home-page") or "").strip()
        if _is_http(home):
            urls.setdefault("homepage", home)
        for label in _URL_LABELS:
            if label in urls:
                name = meta.get("Name") or dist
                return RelatedLink(
                    strip_credentials(urls[label]), f"{name} ({label})", "python-metadata"
                )
    return None


def _npm_package(specifier: str) -> str | None:
    """`@scope/pkg/sub/path` -> `@scope/pkg`, `lodash/fp` -> `lodash`; None for relative/builtin."""
    spec = specifier.strip()
    if not spec or spec.startswith((".", "/", "node:", "#")) or "\\" in spec:
        return None
    parts = spec.split("/")
    name = "/".join(parts[:2]) if spec.startswith("@") and len(parts) > 1 else parts[0]
    if ".." in name or not _NPM_NAME.match(name):
        return None
    return name


@lru_cache(maxsize=1024)
def _node_link(workspace: Path, package: str) -> RelatedLink | None:
    path = workspace / "node_modules" / package / "package.json"
    try:
        if path.stat().st_size > _MAX_PACKAGE_JSON:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    url = data.get("homepage")
    if not isinstance(url, str) or not _is_http(url):
        repo = data.get("repository")
        repo_url = repo.get("url") if isinstance(repo, dict) else repo
        if not isinstance(repo_url, str):
            return None
        url = re.sub(r"^git\+", "", repo_url).removesuffix(".git")
        if not _is_http(url):
            return None
    return RelatedLink(strip_credentials(url), f"{package} (homepage)", "node_modules")


def related_links(
    frameworks: list[str],
    imports: list[str],
    language: str,
    *,
    workspace: Path | None = None,
) -> list[RelatedLink]:
    """Documentation links for detected frameworks first, then for imports; no duplicates."""
    out: list[RelatedLink] = []
    seen: set[str] = set()

    def add(link: RelatedLink | None) -> None:
        if link and link.url not in seen:
            seen.add(link.url)
            out.append(link)

    curated = _curated()
    for fw in frameworks:
        entry = curated.get(fw.strip().lower())
        if entry:
            add(RelatedLink(entry.url, entry.title, "curated"))
    lang = (language or "").lower()
    ws = workspace.resolve() if workspace is not None else None
    for name in imports:
        name = name.strip()
        if not name:
            continue
        entry = _curated_for_import(name)
        if entry:
            add(RelatedLink(entry.url, entry.title, "curated"))
            continue
        if lang == "python":
            top = name.lstrip(".").split(".")[0]
            if top and not name.startswith("."):
                add(_python_link(top))
        elif lang in _JS_LANGUAGES and ws is not None:
            package = _npm_package(name)
            if package:
                add(_node_link(ws, package))
    return out
