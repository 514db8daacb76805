"""Gather the language-identification training corpus from public registry packages.

Downloads (cached) PyPI sdists/wheels, npm tarballs, Debian binary and source packages into
CACHE (default /work/cache/langid, or $LANGID_CACHE), unpacks them, and writes
CACHE/corpus.jsonl: one line per source file {"lang", "source", "path", "text"}, labelled by file
extension (or file name) with per-source rules for ambiguous extensions (.m, .h, .t).

    python models/langid/gather.py [--cache DIR] [--no-download]

Only the ordinary clients are used (pip download, npm pack, apt-get download / apt-get source with
a private deb-src list); nothing is fetched at run time of pieces-lsp.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import tarfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Sources (pinned versions where the client allows it). Each entry: (kind, spec).
PYPI_SDISTS = [
    "pygments==2.21.0",  # tests/examplefiles and tests/snippets: hundreds of languages (BSD-2)
    "julia==0.6.2",  # PyJulia: a few .jl files (MIT)
    "pythonnet==3.0.5",  # C# runtime sources (MIT)
    "ansible-core==2.17.7",  # Python, PowerShell, YAML (GPL-3)
    "virtualenv==20.28.0",  # activation scripts: bat, ps1, sh (MIT)
    "googleapis-common-protos==1.66.0",  # .proto (Apache-2.0)
    "python-hcl2==5.1.1",  # HCL / Terraform test fixtures (MIT)
    "sqlglot==25.34.1",  # SQL fixtures (MIT)
    "zstandard==0.23.0",  # bundled zstd C sources (BSD)
    "pybind11==2.13.6",  # C++ headers and tests (BSD)
    "Django==5.1.4",  # Python, HTML, CSS, JS (BSD-3)
    "Flask==3.1.0",  # Python, HTML (BSD-3)
    "requests==2.32.3",  # Python (Apache-2.0)
    "sphinx==8.1.3",  # Python, HTML, LaTeX templates, Makefile, make.bat (BSD-2)
]
PYPI_WHEELS = [
    "ziglang==0.13.0",  # the Zig standard library sources (MIT)
]
NPM = [
    "highlight.js@10.7.3",  # JS, CSS, SCSS (BSD-3)
    "highlight.js@11.12.0",
    "bulma@0.9.4",  # CSS (MIT)
    "react-native@0.74.5",  # ObjC, Java, Kotlin, C++, JS, Groovy (gradle), Ruby (MIT)
    "expo-modules-core@1.12.26",  # Swift, Kotlin, ObjC, TS (MIT)
    "expo-camera@15.0.16",
    "expo-image-picker@15.0.7",
    "expo-av@14.0.7",
    "bootstrap@5.3.3",  # SCSS, CSS, JS (MIT)
    "bootstrap@4.6.2",
    "foundation-sites@6.8.1",  # SCSS, HTML, JS, Markdown (MIT)
    "element-ui@2.15.14",  # Vue SFCs, SCSS (MIT)
    "rxjs@7.8.1",  # TypeScript sources (Apache-2.0)
    "zod@3.23.8",  # TypeScript (MIT)
    "lodash@4.17.21",  # JavaScript (MIT)
    "express@4.19.2",  # JavaScript (MIT)
    "@octokit/graphql-schema@15.25.0",  # GraphQL schema (MIT)
    "markdown-it@14.1.0",  # JS, Markdown (MIT)
    "tree-sitter-dart@1.0.0",  # a few Dart examples (MIT)
    "fable-compiler-js@3.3.0",  # F# sources of the Fable JS compiler front end (MIT)
    "fable-standalone@3.8.0",  # F# (MIT)
    "immer@11.2.10",  # TypeScript sources (MIT)
    "mobx@7.1.3",  # TypeScript (MIT)
    "@reduxjs/toolkit@2.14.0",  # TypeScript (MIT)
    "@tanstack/query-core@5.108.0",  # TypeScript (MIT)
    "@trpc/server@11.25.2",  # TypeScript (MIT)
    "expo-file-system@58.0.2",  # Swift (ios/), Kotlin, TypeScript (MIT)
    "expo-notifications@58.0.2",
    "expo-location@57.0.20",
    "expo-sensors@57.0.3",
    "expo-image@58.0.18",
    "expo-video@58.0.1",
    "expo-media-library@57.0.5",
    "expo-contacts@57.0.6",
]
DEBIAN = [
    "openjdk-17-source",  # Java (GPL-2 with classpath exception)
    "erlang-src",  # Erlang (Apache-2.0)
    "hugs",  # Haskell base libraries (BSD-style)
    "libclojure-java",  # Clojure core (.clj inside the jar) (EPL-1.0)
    "golang-1.19-src",  # Go, C, Makefile-ish (BSD-3)
    "rust-src",  # Rust std, TOML, Markdown (MIT/Apache-2.0)
    "ruby-rack",  # Ruby (MIT)
    "ruby-thor",
    "ruby-activesupport",
    "perl-modules-5.36",  # Perl (GPL/Artistic)
    "libmoose-perl",
    "php-symfony-console",  # PHP (MIT)
    "php-symfony-http-foundation",
    "php-twig",
    "octave-common",  # .m (MATLAB dialect) (GPL-3)
    "cmake-data",  # CMake modules (BSD-3)
    "texlive-latex-base",  # .tex / .sty / .cls (LPPL)
    "texlive-latex-recommended-doc",  # .tex documents (LPPL)
    "lua-penlight",  # Lua (MIT)
    "neovim-runtime",  # Lua (Apache-2.0 / Vim)
    "r-cran-ggplot2",  # R (GPL-2)
    "r-cran-dplyr",  # R (MIT)
    "postgresql-15",  # SQL (PostgreSQL licence)
    "golang-github-hashicorp-hcl-v2-dev",  # HCL (MPL-2.0)
    "golang-github-spf13-cobra-dev",  # Go (Apache-2.0)
    "libprotobuf-dev",  # .proto (BSD-3)
    "libboost1.74-dev",  # C++ headers (BSL-1.0)
    "rapidjson-dev",  # C++ (MIT)
    "libfmt-dev",  # C++ (MIT)
    "catch2",  # C++ (BSL-1.0)
    "gnustep-base-common",  # a few ObjC (LGPL)
    "groovy",  # Maven POMs (XML) (Apache-2.0)
    "scala",
    "kotlin",
    "docker.io",  # shell scripts (Apache-2.0)
    "ocaml-nox",
    "libcore-async-clojure",  # Clojure (EPL-1.0)
    "libclj-time-clojure",
    "libcompojure-clojure",
    "libcheshire-clojure",
    "ruby-rouge",  # Rouge's demo snippets for ~200 languages (MIT) + Ruby
    "ruby-sinatra",  # Ruby (MIT)
    "ruby-i18n",
    "ruby-rspec-core",
    "ruby-mustermann",
    "php-monolog",  # PHP (MIT)
    "php-guzzlehttp-psr7",
    "php-league-commonmark",
    "php-symfony-yaml",
    "php-symfony-finder",
    "php-composer-semver",
    "lua-busted",  # Lua (MIT)
    "lua-luassert",
    "golang-github-alecthomas-chroma-v2-dev",  # lexer test inputs for ~100 languages (MIT)
    "vim-julia",  # two Julia scripts (MIT)
]
DEBIAN_SOURCES = [
    "elixir-lang",  # Elixir (Apache-2.0)
    "scala",  # Scala (BSD-3)
    "kotlin",  # Kotlin (Apache-2.0)
    "groovy",  # Groovy (Apache-2.0)
    "haskell-aeson",  # Haskell (BSD-3)
    "haskell-megaparsec",
    "haskell-optparse-applicative",
    "haskell-lens",
    "ocaml-re",  # OCaml (LGPL-2.1 with linking exception)
    "yojson",  # OCaml (BSD-3)
    "cmdliner",  # OCaml (ISC)
    "menhir",  # OCaml (GPL-2 / LGPL-2)
    "newtonsoft-json",  # C# (MIT)
    "thrift",  # runtime libraries in Dart, Swift, C#, PHP, Lua, TypeScript, ... (Apache-2.0)
    "flatbuffers",  # the same kind, Dart, Swift, TypeScript, C#, Lua, PHP (Apache-2.0)
]

# --------------------------------------------------------------------------------------------
# Labelling
EXT = {
    ".bat": "Batchfile",
    ".cmd": "Batchfile",
    ".c": "C",
    ".cs": "C#",
    ".cpp": "C++",
    ".cc": "C++",
    ".cxx": "C++",
    ".hpp": "C++",
    ".hh": "C++",
    ".css": "CSS",
    ".clj": "Clojure",
    ".cljs": "Clojure",
    ".cljc": "Clojure",
    ".cmake": "CMake",
    ".dart": "Dart",
    ".dockerfile": "Dockerfile",
    ".ex": "Elixir",
    ".exs": "Elixir",
    ".erl": "Erlang",
    ".hrl": "Erlang",
    ".fs": "F#",
    ".fsx": "F#",
    ".fsi": "F#",
    ".go": "Go",
    ".graphql": "GraphQL",
    ".gql": "GraphQL",
    ".groovy": "Groovy",
    ".gradle": "Groovy",
    ".hcl": "HCL",
    ".tf": "HCL",
    ".tfvars": "HCL",
    ".html": "HTML",
    ".htm": "HTML",
    ".hs": "Haskell",
    ".java": "Java",
    ".js": "JavaScript",
    ".mjs": "JavaScript",
    ".cjs": "JavaScript",
    ".json": "JSON",
    ".jl": "Julia",
    ".kt": "Kotlin",
    ".kts": "Kotlin",
    ".lua": "Lua",
    ".mk": "Makefile",
    ".md": "Markdown",
    ".ml": "OCaml",
    ".mli": "OCaml",
    ".pl": "Perl",
    ".pm": "Perl",
    ".php": "PHP",
    ".ps1": "PowerShell",
    ".psm1": "PowerShell",
    ".psd1": "PowerShell",
    ".proto": "Protocol Buffer",
    ".py": "Python",
    ".r": "R",
    ".R": "R",
    ".rb": "Ruby",
    ".rake": "Ruby",
    ".gemspec": "Ruby",
    ".podspec": "Ruby",
    ".rs": "Rust",
    ".scss": "SCSS",
    ".scala": "Scala",
    ".sh": "Shell",
    ".bash": "Shell",
    ".sql": "SQL",
    ".swift": "Swift",
    ".tex": "TeX",
    ".sty": "TeX",
    ".cls": "TeX",
    ".toml": "TOML",
    ".ts": "TypeScript",
    ".mts": "TypeScript",
    ".vue": "Vue",
    ".xml": "XML",
    ".xsd": "XML",
    ".xsl": "XML",
    ".xslt": "XML",
    ".pom": "XML",
    ".yaml": "YAML",
    ".yml": "YAML",
    ".zig": "Zig",
}
NAMES = {
    "Makefile": "Makefile",
    "makefile": "Makefile",
    "GNUmakefile": "Makefile",
    "Dockerfile": "Dockerfile",
    "Containerfile": "Dockerfile",
    "CMakeLists.txt": "CMake",
    "Rakefile": "Ruby",
    "Gemfile": "Ruby",
    "Jenkinsfile": "Groovy",
}
# Pygments example/snippet directory (lexer alias) -> linguist name
PYGMENTS_DIRS = {
    "bat": "Batchfile",
    "c": "C",
    "csharp": "C#",
    "cpp": "C++",
    "css": "CSS",
    "clojure": "Clojure",
    "clojurescript": "Clojure",
    "cmake": "CMake",
    "dart": "Dart",
    "docker": "Dockerfile",
    "elixir": "Elixir",
    "erlang": "Erlang",
    "erl": None,  # shell sessions
    "fsharp": "F#",
    "go": "Go",
    "graphql": "GraphQL",
    "groovy": "Groovy",
    "terraform": "HCL",
    "html": "HTML",
    "haskell": "Haskell",
    "java": "Java",
    "js": "JavaScript",
    "javascript": "JavaScript",
    "json": "JSON",
    "julia": "Julia",
    "kotlin": "Kotlin",
    "lua": "Lua",
    "make": "Makefile",
    "markdown": "Markdown",
    "md": "Markdown",
    "matlab": "MATLAB",
    "objective-c": "Objective-C",
    "objectivec": "Objective-C",
    "ocaml": "OCaml",
    "perl": "Perl",
    "php": "PHP",
    "powershell": "PowerShell",
    "protobuf": "Protocol Buffer",
    "python": "Python",
    "splus": "R",
    "r": "R",
    "rb": "Ruby",
    "ruby": "Ruby",
    "rust": "Rust",
    "scss": "SCSS",
    "scala": "Scala",
    "bash": "Shell",
    "shell": "Shell",
    "sql": "SQL",
    "postgresql": "SQL",
    "mysql": "SQL",
    "swift": "Swift",
    "tex": "TeX",
    "toml": "TOML",
    "ts": "TypeScript",
    "typescript": "TypeScript",
    "vue": "Vue",
    "xml": "XML",
    "yaml": "YAML",
    "zig": "Zig",
}
ROUGE_DEMOS = {
    "batchfile": "Batchfile",
    "objective_c": "Objective-C",
    "hcl": "HCL",
    "terraform": "HCL",
    "javascript": "JavaScript",
    "shell": "Shell",
    "powershell": "PowerShell",
    "tex": "TeX",
    "docker": "Dockerfile",
    "make": "Makefile",
    "jsx": "JavaScript",
}
CHROMA_TESTDATA = {"tsx": None, "jsx": "JavaScript", "makefile": "Makefile"}
# sources in which `.m` is Objective-C (elsewhere it is MATLAB/Octave)
OBJC_M_SOURCES = ("react-native", "expo", "gnustep")
MAX_BYTES = 1_500_000


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True, env=env, stdout=subprocess.DEVNULL)


def download(cache: Path) -> None:
    pip = os.environ.get("PIP", "pip")
    (cache / "pypi").mkdir(parents=True, exist_ok=True)
    for spec in PYPI_SDISTS:
        name = spec.split("==")[0].lower().replace("-", "_")
        if not any(
            p.name.lower().replace("-", "_").startswith(name) for p in (cache / "pypi").iterdir()
        ):
            run(
                [pip, "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", ".", spec],
                cache / "pypi",
            )
    for spec in PYPI_WHEELS:
        name = spec.split("==")[0].lower()
        if not any(p.name.lower().startswith(name) for p in (cache / "pypi").iterdir()):
            run(
                [pip, "download", "-q", "--no-deps", "--only-binary", ":all:",
                 "--platform", "manylinux2014_x86_64", "-d", ".", spec],
                cache / "pypi",
            )  # fmt: skip
    (cache / "npm").mkdir(exist_ok=True)
    for spec in NPM:
        stem = spec.lstrip("@").replace("/", "-").replace("@", "-")
        if not (cache / "npm" / f"{stem}.tgz").exists():
            run(["npm", "pack", "-q", spec], cache / "npm")
    (cache / "deb").mkdir(exist_ok=True)
    for name in DEBIAN:
        if not list((cache / "deb").glob(f"{name}_*.deb")):
            run(["apt-get", "download", "-q", name], cache / "deb")
    # Debian source packages through a private deb-src list (the system's apt config is untouched)
    apt = cache / "apt"
    (apt / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (apt / "sources.list").write_text("deb-src http://deb.debian.org/debian bookworm main\n")
    (apt / "apt.conf").write_text(
        f'Dir::Etc::SourceList "{apt}/sources.list";\nDir::Etc::SourceParts "/nonexistent";\n'
        f'Dir::State::Lists "{apt}/lists";\n'
    )
    env = dict(os.environ, APT_CONFIG=str(apt / "apt.conf"))
    (cache / "debsrc").mkdir(exist_ok=True)
    if not list((apt / "lists").glob("*Sources*")):
        run(["apt-get", "update", "-q"], cache, env)
    for name in DEBIAN_SOURCES:
        if not list((cache / "debsrc").glob(f"{name}_*.orig.tar.*")):
            try:
                run(["apt-get", "source", "-q", "--download-only", name], cache / "debsrc", env)
            except subprocess.CalledProcessError:
                print("  (not available, skipped)", name)


def unpack(cache: Path) -> None:
    x = cache / "x"
    for f in sorted((cache / "pypi").iterdir()):
        dest = x / "pypi" / f.name.split(".tar")[0].removesuffix(".whl")
        if dest.exists():
            continue
        dest.mkdir(parents=True)
        if f.name.endswith(".whl") or f.name.endswith(".zip"):
            zipfile.ZipFile(f).extractall(dest)
        else:
            with tarfile.open(f) as t:
                t.extractall(dest, filter="data")
    for f in sorted((cache / "npm").glob("*.tgz")):
        dest = x / "npm" / f.name.removesuffix(".tgz")
        if not dest.exists():
            dest.mkdir(parents=True)
            with tarfile.open(f) as t:
                t.extractall(dest, filter="data")
    for f in sorted((cache / "deb").glob("*.deb")):
        dest = x / "deb" / f.name.split("_")[0]
        if not dest.exists():
            dest.mkdir(parents=True)
            subprocess.run(["dpkg-deb", "-x", str(f), str(dest)], check=True)
            for z in list(dest.rglob("*.jar")) + list(dest.rglob("src.zip")):
                if z.is_file() and not z.is_symlink():
                    with zipfile.ZipFile(z) as zf:
                        zf.extractall(z.parent / (z.name + ".d"))
    for f in sorted((cache / "debsrc").glob("*.orig.tar.*")):
        dest = x / "debsrc" / f.name.split("_")[0]
        if not dest.exists():
            dest.mkdir(parents=True)
            with tarfile.open(f) as t:
                t.extractall(dest, filter="data")


def _pygments_snippet_input(text: str) -> str | None:
    m = re.search(r"---input---\n(.*?)\n---tokens---", text, re.S)
    return m.group(1) if m else None


def _tree_sitter_corpus(text: str) -> list[str]:
    """The code blocks of a tree-sitter test corpus file (header, code, `---`, s-expression)."""
    blocks = re.split(r"(?m)^={3,}\n[^\n]*\n={3,}\n", text)
    return [b.split("\n---")[0].strip("\n") for b in blocks[1:]]


def label_for(source: str, rel: str) -> str | None:
    parts = rel.split("/")
    if source.startswith("npm/tree-sitter-dart") and "/corpus/" in rel and rel.endswith(".txt"):
        return "Dart"
    name = parts[-1]
    if source.startswith("pypi/pygments"):
        # examplefiles/<alias>/<file> and snippets/<alias>/<file>.txt; skip the golden outputs
        for key in ("examplefiles", "snippets"):
            if key in parts:
                i = parts.index(key)
                if i + 2 < len(parts) + 1 and len(parts) > i + 2:
                    if name.endswith(".output"):
                        return None
                    return PYGMENTS_DIRS.get(parts[i + 1])
        if "/tests/" in rel:
            return None
    if source.startswith("deb/golang-github-alecthomas-chroma") and "/lexers/testdata/" in rel:
        # testdata/<lexer>.actual or testdata/<lexer>/<case>.actual; .expected are token dumps
        if not name.endswith(".actual"):
            return None
        sub = rel.split("/lexers/testdata/")[1].split("/")
        tag = sub[0] if len(sub) > 1 else name.removesuffix(".actual")
        return PYGMENTS_DIRS.get(tag) or CHROMA_TESTDATA.get(tag)
    if name.endswith("AssemblyInfo.fs") or "AssemblyAttributes" in name:
        return None  # generated by MSBuild
    if source.startswith("deb/ruby-rouge") and "/demos/" in rel:
        tag = parts[-1]
        return PYGMENTS_DIRS.get(tag) or ROUGE_DEMOS.get(tag)
    if name in NAMES:
        return NAMES[name]
    if name.startswith("Dockerfile") or name.endswith(".Dockerfile"):
        return "Dockerfile"
    if name.endswith(".min.js") or name.endswith(".min.css") or name.endswith(".d.ts"):
        return None
    dot = name.rfind(".")
    if dot <= 0:
        return None
    ext = name[dot:]
    if ext == ".m":
        if any(s in source for s in OBJC_M_SOURCES):
            return "Objective-C"
        if "octave" in source:
            return "MATLAB"
        return None
    if ext == ".mm":
        return "Objective-C" if any(s in source for s in OBJC_M_SOURCES) else None
    if ext == ".t":
        return "Perl" if "perl" in source else None
    if ext == ".txt" or ext == ".in":
        return None
    return EXT.get(ext) or EXT.get(ext.lower())


def looks_generated(text: str) -> bool:
    lines = text.splitlines()
    if not lines:
        return True
    long_lines = sum(1 for ln in lines if len(ln) > 400)
    return long_lines > max(2, len(lines) // 20)


def collect(cache: Path, seed: int = 0) -> None:
    x = cache / "x"
    out = cache / "corpus.jsonl"
    seen: set[str] = set()
    counts: Counter = Counter()
    per_source: dict[str, Counter] = defaultdict(Counter)
    rng = random.Random(seed)
    docs = []
    for kind in ("pypi", "npm", "deb", "debsrc"):
        if not (x / kind).exists():
            continue
        for pkg in sorted((x / kind).iterdir()):
            source = f"{kind}/{pkg.name}"
            files = sorted(p for p in pkg.rglob("*") if p.is_file() and not p.is_symlink())
            for p in files:
                rel = p.relative_to(pkg).as_posix()
                raw_name = p.name
                if raw_name.endswith(".gz"):
                    continue
                lang = label_for(source, rel)
                if lang is None:
                    continue
                try:
                    if p.stat().st_size > MAX_BYTES or p.stat().st_size < 20:
                        continue
                    data = p.read_bytes()
                    if b"\0" in data:
                        continue
                    text = data.decode("utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if source.startswith("pypi/pygments") and "/snippets/" in rel:
                    text = _pygments_snippet_input(text) or ""
                text = text.replace("\r\n", "\n")
                pieces = _tree_sitter_corpus(text) if "/corpus/" in rel else [text]
                for k, piece in enumerate(pieces):
                    if len(piece.strip()) < 20 or looks_generated(piece):
                        continue
                    h = hashlib.sha1(piece.encode()).hexdigest()
                    if h in seen:
                        continue
                    seen.add(h)
                    path = rel if len(pieces) == 1 else f"{rel}#{k}"
                    docs.append({"lang": lang, "source": source, "path": path, "text": piece})
                    counts[lang] += 1
                    per_source[lang][source] += 1
    rng.shuffle(docs)
    with out.open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d) + "\n")
    summary = {
        lang: {"files": counts[lang], "sources": dict(per_source[lang].most_common())}
        for lang in sorted(counts)
    }
    (cache / "corpus_summary.json").write_text(json.dumps(summary, indent=1))
    for lang in sorted(counts):
        print(f"{lang:16s} {counts[lang]:6d}  {dict(per_source[lang].most_common(4))}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.environ.get("LANGID_CACHE", "/work/cache/langid"))
    ap.add_argument("--no-download", action="store_true")
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    if not args.no_download:
        download(cache)
    unpack(cache)
    collect(cache)


if __name__ == "__main__":
    main()
