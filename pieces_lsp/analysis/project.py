"""Frameworks a snippet's project declares in its manifest files, read offline.

A snippet cut from a Spring service is often plain Java (a bean, an enum, a DTO) with nothing of
Spring in it. The code alone rightly says "no framework" (`frameworks.detect` only reports what
the text shows), but the user saved it while working on a Spring project and will look for it
that way. So the nearest manifest of the snippet's own ecosystem (package.json for JavaScript,
pom.xml or build.gradle for Java/Kotlin, pyproject.toml or requirements.txt for Python, ...)
between its file and the workspace root is read, and the frameworks it depends on become the
snippet's `project_frameworks`: reported apart from `frameworks` and added to its tags, never
to its description (the code does not use them).

Only entries of kind "framework" in `grammars/frameworks.toml` count: a project that depends on
pytest or lodash says little about one of its snippets, a Django or React project says a lot.
Dependency names are matched against an entry's `imports` and its optional `packages` (names
that differ from the import, `djangorestframework`, `laravel/framework`).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from pieces_lsp.analysis import frameworks

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

MAX_MANIFEST_BYTES = 512 * 1024
"""A manifest is small; anything bigger is not one we should spend a save's budget reading."""
MAX_LEVELS = 8
"""How far up from the file to look when it is outside the workspace (or there is none)."""
MAX_PROJECT_FRAMEWORKS = 3

_JS = frozenset({"javascript", "javascriptreact", "typescript", "typescriptreact", "vue", "svelte"})
_JVM = frozenset({"java", "kotlin", "groovy", "scala"})
# manifest file name -> the languages whose snippets it describes
MANIFESTS: dict[str, frozenset[str]] = {
    "package.json": _JS,
    "pyproject.toml": frozenset({"python"}),
    "requirements.txt": frozenset({"python"}),
    "Pipfile": frozenset({"python"}),
    "pom.xml": _JVM,
    "build.gradle": _JVM,
    "build.gradle.kts": _JVM,
    "Gemfile": frozenset({"ruby", "erb"}),
    "composer.json": frozenset({"php", "blade"}),
    "Cargo.toml": frozenset({"rust"}),
    "go.mod": frozenset({"go"}),
    "pubspec.yaml": frozenset({"dart"}),
    "*.csproj": frozenset({"csharp"}),
}
_VCS_MARKERS = (".git", ".hg", ".svn")

_PEP508_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_MAVEN_IDS = re.compile(r"<(?:groupId|artifactId)>\s*([\w.-]+)\s*</(?:groupId|artifactId)>")
_GRADLE_COORD = re.compile(r"""["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']""")
_GRADLE_PLUGIN = re.compile(r"""\bid\s*\(?\s*["']([\w.-]+)["']""")
_GEM = re.compile(r"""^\s*gem\s+["']([\w.-]+)["']""", re.MULTILINE)
_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?([\w.-]+\.[a-z]{2,}/[\w./-]+)\s+v", re.MULTILINE)
_CSPROJ_REF = re.compile(r"""<PackageReference\s+Include\s*=\s*["']([\w.-]+)["']""", re.I)
_CSPROJ_SDK = re.compile(r"""<Project\s+Sdk\s*=\s*["']([\w.-]+)["']""", re.I)
_PUBSPEC_KEY = re.compile(r"^  ([a-z_][a-z0-9_]*)\s*:", re.MULTILINE)
_PUBSPEC_BLOCK = re.compile(
    r"^(?:dependencies|dev_dependencies)\s*:\s*\n((?:[ \t]+.*\n?|\n)*)", re.MULTILINE
)


def _python_name(name: str) -> str:
    """PEP 503 normalisation: `Flask_SQLAlchemy` and `flask-sqlalchemy` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(lines: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue  # options and nested files (-r, -e, --index-url)
        m = _PEP508_NAME.match(line)
        if m:
            out.add(m.group(1))
    return out


def _pyproject(text: str) -> set[str]:
    data = tomllib.loads(text)
    project = data.get("project", {})
    specs: list[str] = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        specs.extend(group)
    for group in data.get("dependency-groups", {}).values():
        specs.extend(s for s in group if isinstance(s, str))
    names = _requirement_names(s for s in specs if isinstance(s, str))
    poetry = data.get("tool", {}).get("poetry", {})
    names |= set(poetry.get("dependencies", {}))
    for group in poetry.get("group", {}).values():
        names |= set(group.get("dependencies", {}))
    return names


def _json_keys(text: str, sections: tuple[str, ...]) -> set[str]:
    data = json.loads(text)
    if not isinstance(data, dict):
        return set()
    out: set[str] = set()
    for section in sections:
        deps = data.get(section)
        if isinstance(deps, dict):
            out |= {str(k) for k in deps}
    return out


def _toml_keys(text: str, sections: tuple[str, ...]) -> set[str]:
    data = tomllib.loads(text)
    out: set[str] = set()
    for section in sections:
        node = data
        for part in section.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            out |= set(node)
    return out


def _gradle(text: str) -> set[str]:
    out: set[str] = set()
    for group, artifact in _GRADLE_COORD.findall(text):
        out |= {group, artifact}
    out |= set(_GRADLE_PLUGIN.findall(text))
    return out


def _pubspec(text: str) -> set[str]:
    out: set[str] = set()
    for block in _PUBSPEC_BLOCK.findall(text):
        out |= set(_PUBSPEC_KEY.findall(block))
    return out


def dependencies(name: str, text: str) -> set[str]:
    """Dependency names a manifest declares (its own format's spelling); raises on a manifest
    that does not parse, which the caller treats as declaring nothing."""
    if name == "package.json":
        return _json_keys(text, ("dependencies", "devDependencies", "peerDependencies"))
    if name == "composer.json":
        return _json_keys(text, ("require", "require-dev"))
    if name == "pyproject.toml":
        return _pyproject(text)
    if name == "requirements.txt":
        return _requirement_names(text.splitlines())
    if name == "Pipfile":
        return _toml_keys(text, ("packages", "dev-packages"))
    if name == "Cargo.toml":
        sections = ("dependencies", "dev-dependencies", "workspace.dependencies")
        return _toml_keys(text, sections)
    if name == "pom.xml":
        return set(_MAVEN_IDS.findall(text))
    if name in ("build.gradle", "build.gradle.kts"):
        return _gradle(text)
    if name == "Gemfile":
        return set(_GEM.findall(text))
    if name == "go.mod":
        return set(_GO_REQUIRE.findall(text))
    if name == "pubspec.yaml":
        return _pubspec(text)
    if name.endswith(".csproj"):
        return set(_CSPROJ_REF.findall(text)) | set(_CSPROJ_SDK.findall(text))
    return set()


@lru_cache(maxsize=256)
def _cached(path: str, name: str, mtime_ns: int, size: int) -> frozenset[str]:
    """Parsed once per file version: every save in a project reads the same manifest."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(MAX_MANIFEST_BYTES + 1)
        if len(text) > MAX_MANIFEST_BYTES:
            return frozenset()
        return frozenset(dependencies(name, text))
    except (OSError, ValueError, tomllib.TOMLDecodeError, AttributeError, TypeError) as exc:
        log.info("manifest not read (%s): %s", name, type(exc).__name__)
        return frozenset()


def _read(path: Path) -> frozenset[str]:
    try:
        st = path.stat()
    except OSError:
        return frozenset()
    if st.st_size > MAX_MANIFEST_BYTES:
        return frozenset()
    name = "x.csproj" if path.suffix == ".csproj" else path.name
    return _cached(str(path), name, st.st_mtime_ns, st.st_size)


def _as_path(location: str | None) -> Path | None:
    if not location:
        return None
    if location.startswith("file:"):
        return Path(unquote(urlparse(location).path))
    if "://" in location or location.startswith("untitled:"):
        return None
    return Path(location)


def _folders(filename: str | None, workspace: Path | None) -> Iterator[Path]:
    """The folders to look in, nearest first: from the file's folder up to the workspace root
    when the file is inside it; otherwise up to a version-control root, at most MAX_LEVELS."""
    root = workspace.resolve() if workspace is not None else None
    file = _as_path(filename)
    start = file.resolve().parent if file is not None and file.is_absolute() else root
    if start is None:
        return
    inside = root is not None and (start == root or root in start.parents)
    folder = start
    for _ in range(64 if inside else MAX_LEVELS):
        yield folder
        if inside and folder == root:
            return
        if not inside and any((folder / m).exists() for m in _VCS_MARKERS):
            return
        if folder.parent == folder:
            return
        folder = folder.parent


def _manifests_in(folder: Path, language: str) -> list[Path]:
    found: list[Path] = []
    for name, languages in MANIFESTS.items():
        if language not in languages:
            continue
        if name.startswith("*"):
            try:
                found.extend(sorted(folder.glob(name))[:4])
            except OSError:
                continue
        elif (folder / name).is_file():
            found.append(folder / name)
    return found


def _matches(dependency: str, names: Iterable[str], python: bool) -> bool:
    dep = _python_name(dependency) if python else dependency.lower().replace("_", "-")
    for name in names:
        want = _python_name(name) if python else name.lower().replace("_", "-")
        if dep == want or (dep.startswith(want) and dep[len(want)] in "/.:\\"):
            return True
    return False


def declared_frameworks(language: str, deps: Iterable[str]) -> list[str]:
    """The framework ids (kind "framework", applying to `language`) among `deps`, in table
    order."""
    deps = list(deps)
    python = language == "python"
    out: list[str] = []
    for fw in frameworks.entries(language):
        if fw.kind != "framework":
            continue
        names = (*fw.imports, *fw.packages)
        if any(_matches(d, names, python) for d in deps):
            out.append(fw.id)
    return out


def project_frameworks(
    filename: str | None, workspace: Path | str | None, language: str
) -> list[str]:
    """Frameworks the nearest manifest(s) of `language`'s ecosystem declare, [] when there is
    none (no file name and no workspace, a language without manifests, nothing declared)."""
    if not any(language in langs for langs in MANIFESTS.values()):
        return []
    ws = Path(workspace) if isinstance(workspace, str) else workspace
    for folder in _folders(filename, ws):
        manifests = _manifests_in(folder, language)
        if manifests:
            deps: set[str] = set()
            for path in manifests:
                deps |= _read(path)
            return declared_frameworks(language, deps)[:MAX_PROJECT_FRAMEWORKS]
    return []
