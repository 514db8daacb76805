"""Framework false positives on real library code that does not use the framework.

`frameworks.jsonl` has 139 `none` rows, all small exercise programs, and the sample-programs
check in `frameworks.py` is more of the same: neither looks like the code our users save from
their own projects (configuration loaders, CLI commands, HTTP clients, parsers). So this check
cuts windows of 10, 25 and 60 lines out of real packages' own sources and counts a detection
as false when the package never imports that framework anywhere (vendored copies such as
`pip._vendor.requests` count as imports). Nothing here is downloaded:

- Python: packages installed beside pieces-lsp (its own dependencies and their tooling),
  split into a `dev` group (what rules were tuned against) and a `report` group (read only to
  report, so the figure is not fitted to it);
- JavaScript/TypeScript: the packages the editor clients' `npm ci` installs
  (`editors/vscode`, `tests/editors/node`: group `node`), plus any `--node-modules DIR`
  (group `npm-extra`; packages already in `node` are not read twice);
- Java: a JDK `src.zip` (Debian's `openjdk-17-source`), when one is installed;
- Go, Rust, Ruby, PHP: Debian packages that ship sources (`golang-*-dev`, `librust-*-dev`,
  `ruby-*`, `php-*`) extracted with `dpkg-deb -x` into one folder each, given as `--debian DIR`.

Run alone: `python bench/evals/realcode.py [--rules] [--node-modules DIR ...]`; `--rules` lists
which evidence rules the false detections came from.
"""

from __future__ import annotations

import argparse
import glob
import random
import re
import sys
import sysconfig
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT

from pieces_lsp.analysis.frameworks import _table, detect

WINDOW_SIZES = (10, 25, 60)
# Packages that use no web/data framework of the table; those building on one (starlette, mcp,
# uvicorn, pydantic) are left out because their code may honestly look like it.
PYTHON_GROUPS: dict[str, tuple[str, ...]] = {
    "dev": (
        "pip", "setuptools", "rich", "httpx", "httpcore", "pygls", "lsprotocol", "cattrs",
        "attr", "cryptography", "click", "jsonschema", "packaging", "yaml", "tqdm", "duckdb",
        "_pytest", "anyio", "pygments",
    ),
    "report": (
        "markdown_it", "linkify_it", "idna", "h11", "referencing", "pluggy", "huggingface_hub",
        "fsspec", "jwt", "multipart", "pycparser", "filelock", "platformdirs", "json5",
        "tree_sitter", "numpy", "onnxruntime", "tokenizers", "certifi", "iniconfig",
    ),
}  # fmt: skip
NODE_MODULES = (
    ROOT / "editors" / "vscode" / "node_modules",
    ROOT / "tests" / "editors" / "node" / "node_modules",
)
_IMPORT = {
    "python": re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.M),
    "javascript": re.compile(r"""(?:require\(\s*|\bfrom\s+|^\s*import\s+)['"]([^'"]+)['"]""", re.M),
    "java": re.compile(r"^\s*import\s+(?:static\s+)?([\w.]+)", re.M),
    "go": re.compile(r"""^\s*(?:import\s+)?(?:\w+\s+)?"([\w./-]+)"\s*$""", re.M),
    "rust": re.compile(r"^\s*(?:pub\s+)?(?:use|extern\s+crate)\s+([\w:]+)", re.M),
    "ruby": re.compile(r"""^\s*require(?:_relative)?\s*\(?\s*['"]([\w/.-]+)['"]""", re.M),
    "php": re.compile(r"^\s*use\s+([\w\\]+)", re.M),
}
# Extracted Debian packages (`--debian DIR`, one folder per package: `dpkg-deb -x`)
_DEBIAN_LANGUAGES = {".go": "go", ".rs": "rust", ".rb": "ruby", ".php": "php"}
_VENDORED = re.compile(r"^(?:\w+\._vendor\.|\w+\.extern\.)")


@dataclass(frozen=True, slots=True)
class Source:
    """One package's files: where the windows come from and what the package imports."""

    group: str
    name: str
    language: str
    files: tuple[tuple[str, str], ...]  # (relative path, text)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _modules(text: str, language: str) -> set[str]:
    found = set(_IMPORT["javascript" if language == "typescript" else language].findall(text))
    return found | {_VENDORED.sub("", m) for m in found}


def python_sources(site: Path) -> Iterator[Source]:
    for group, names in PYTHON_GROUPS.items():
        for name in names:
            root = site / name
            paths = sorted(root.rglob("*.py")) if root.is_dir() else []
            files = tuple((str(p.relative_to(site)), _read(p)) for p in paths)
            if files:
                yield Source(group, name, "python", files)


def node_sources(
    dirs: list[Path], group: str = "node", seen: set[str] | None = None
) -> Iterator[Source]:
    """Each top-level package (scoped ones too) of each node_modules folder, once by name."""
    seen = set() if seen is None else seen
    for base in dirs:
        if not base.is_dir():
            continue
        for pkg in sorted([*base.glob("[!@.]*"), *base.glob("@*/*")]):
            name = str(pkg.relative_to(base))
            if name in seen or not pkg.is_dir():
                continue
            seen.add(name)
            for language, pattern in (("javascript", "*.js"), ("typescript", "*.ts")):
                paths = [
                    p
                    for p in sorted(pkg.rglob(pattern))
                    if "node_modules" not in p.relative_to(pkg).parts
                    and not p.name.endswith(".min.js")
                ]
                files = tuple((f"{name}/{p.relative_to(pkg)}", _read(p)) for p in paths)
                if files:
                    yield Source(group, name, language, files)


def debian_sources(base: Path | None) -> Iterator[Source]:
    """Go, Rust, Ruby and PHP source packages (golang-*-dev, librust-*-dev, ruby-*, php-*)."""
    if base is None or not base.is_dir():
        return
    for pkg in sorted(p for p in base.iterdir() if p.is_dir()):
        by_language: dict[str, list[tuple[str, str]]] = {}
        for path in sorted(pkg.rglob("*")):
            language = _DEBIAN_LANGUAGES.get(path.suffix)
            if language is None or not path.is_file() or "test" in path.name:
                continue
            by_language.setdefault(language, []).append((str(path.relative_to(base)), _read(path)))
        for language, files in by_language.items():
            yield Source("debian", pkg.name, language, tuple(files))


def jdk_sources(limit: int = 600) -> Iterator[Source]:
    """java.base/java.util, java.io, ... from the first JDK source archive found (seeded sample)."""
    for archive in sorted(glob.glob("/usr/lib/jvm/*/lib/src.zip")):
        if not Path(archive).is_file():  # a dangling link to an uninstalled source package
            continue
        with zipfile.ZipFile(archive) as zf:
            modules = ("java.base/", "java.net.http/", "java.sql/")
            names = sorted(
                n for n in zf.namelist() if n.endswith(".java") and n.startswith(modules)
            )
            picked = random.Random(3).sample(names, min(limit, len(names)))
            files = tuple((n, zf.read(n).decode("utf-8", "replace")) for n in sorted(picked))
        yield Source("jdk", Path(archive).parts[-3], "java", files)
        return


def _windows(text: str, rng: random.Random) -> Iterator[tuple[int, int, str]]:
    lines = text.splitlines()
    if len(lines) < 5:
        return
    for size in WINDOW_SIZES:
        for _ in range(max(1, len(lines) // 200)):
            start = rng.randrange(0, max(1, len(lines) - size))
            chunk = "\n".join(lines[start : start + size])
            if chunk.strip():
                yield start + 1, size, chunk


def _attribution(text: str, language: str, fw_id: str) -> list[tuple[str, str]]:
    """Which of `fw_id`'s rules fired on `text` (for --rules)."""
    from pieces_lsp.analysis import frameworks as fw_mod
    from pieces_lsp.analysis.parsing import parse

    fw = _table().by_id[fw_id]
    parsed = parse(text, language)
    out: list[tuple[str, str]] = []
    for i, rule in enumerate(fw.rules):
        if rule.languages is not None and language not in rule.languages:
            continue
        if rule.vocab is not None:
            if fw_mod._vocab_scores(text, {rule.vocab}):
                out.append((f"{fw_id}#{i}", "vocab"))
            continue
        n = rule.hits(text, parsed)
        if n:
            pattern = rule.regex or rule.words
            sample = pattern.search(text).group(0) if pattern is not None else "query"
            out.append((f"{fw_id}#{i}", repr(sample)[:60]))
    return out


def evaluate_sources(sources: list[Source], *, rules: bool = False) -> dict:
    table = _table()
    rng = random.Random(7)
    windows: Counter[str] = Counter()
    false: Counter[str] = Counter()
    by_framework: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    fired: Counter[str] = Counter()
    samples: dict[str, str] = {}
    for source in sources:
        modules = sorted(set().union(*(_modules(t, source.language) for _, t in source.files)))
        for path, text in source.files:
            for start, size, chunk in _windows(text, rng):
                windows[source.group] += 1
                found = [
                    fw
                    for fw in detect(chunk, source.language)
                    if not table.by_id[fw].imported(modules)
                ]
                if not found:
                    continue
                false[source.group] += 1
                by_framework[source.group][found[0]] += 1
                if len(examples[found[0]]) < 6:
                    examples[found[0]].append(f"{path}:{start}+{size}")
                if rules:
                    for rule_id, sample in _attribution(chunk, source.language, found[0]):
                        fired[rule_id] += 1
                        samples.setdefault(rule_id, sample)
    metrics = {f"fp_rate_{g}": false[g] / n for g, n in windows.items() if n}
    metrics |= {f"windows_{g}": float(n) for g, n in windows.items()}
    lines = [
        "### frameworks on real code without them (installed packages' own sources)",
        "",
        "| group | windows | tagged with a framework it never imports | top false detections |",
        "|---|---|---|---|",
    ]
    for group, n in windows.items():
        top = ", ".join(f"{k} {v}" for k, v in by_framework[group].most_common(5)) or "-"
        lines.append(f"| {group} | {n} | {false[group] / n:.3f} ({false[group]}) | {top} |")
    if rules:
        lines += ["", "Rules behind the false detections:", ""]
        lines += [f"- {k}: {v} (e.g. {samples[k]})" for k, v in fired.most_common(60)]
        lines += ["", "Examples:", ""]
        lines += [f"- {k}: {', '.join(v)}" for k, v in examples.items()]
    return {"task": "realcode", "metrics": metrics, "table": "\n".join(lines)}


def all_sources(node_modules: list[Path] | None = None, debian: Path | None = None) -> list[Source]:
    site = Path(sysconfig.get_paths()["purelib"])
    seen: set[str] = set()
    return [
        *python_sources(site),
        *node_sources(list(NODE_MODULES), "node", seen),
        *node_sources(node_modules or [], "npm-extra", seen),
        *jdk_sources(),
        *debian_sources(debian),
    ]


def evaluate(evals_dir: Path | None = None) -> dict:
    """The eval-runner entry point (the sets folder is not used: the sources are installed)."""
    return evaluate_sources(all_sources())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", action="store_true", help="attribute false detections to rules")
    ap.add_argument("--node-modules", type=Path, action="append", default=[])
    ap.add_argument("--debian", type=Path, help="folder of extracted Debian source packages")
    ap.add_argument("--only", help="comma-separated groups: dev,report,node,npm-extra,jdk,debian")
    args = ap.parse_args()
    sources = all_sources(args.node_modules, args.debian)
    if args.only:
        sources = [s for s in sources if s.group in args.only.split(",")]
    print(evaluate_sources(sources, rules=args.rules)["table"])


if __name__ == "__main__":
    main()
