"""Build the framework API vocabularies in this folder from public registry packages.

Why: most saved snippets are fragments without imports, and what still names their framework is
the API they call (`ResponseEntity`, `read_csv`, `useSyncExternalStore`). Hand-written word lists
cover a few dozen names per framework; the packages themselves list thousands. This script
extracts the public names of each framework's packages (Debian jars and sources, PyPI wheels,
npm tarballs), removes the names every programmer uses anyway (the standard libraries of Python,
Java and JavaScript/TypeScript, which double as our list of generic programming words), and
writes one sorted `<framework>.txt` per framework plus `SOURCES.md`.

Reproducible: package versions are pinned below; downloads go to a cache outside the repository
(`--cache`, default /work/cache/vocab) and are reused. Needs `apt-get`, `dpkg-deb`, `pip` and
`npm` for `--fetch`, nothing at run time. The standard-library stoplists come from the running
Python's stdlib, the JDK's `lib/ct.sym` and TypeScript's `lib.*.d.ts` + `@types/node`.

    python grammars/vocab/build_vocab.py --fetch      # download what is missing, then build
    python grammars/vocab/build_vocab.py              # rebuild from the cache
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib
import importlib.util
import io
import keyword
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
import tarfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_CACHE = pathlib.Path("/work/cache/vocab")
MAX_FILE_BYTES = 190_000
MIN_LEN = 3

# ---------------------------------------------------------------------------------------------
# Sources: (kind, name, version). kind: deb | pypi | npm.
# ---------------------------------------------------------------------------------------------

SPRING_DEBS = [
    "aop", "beans", "context", "context-support", "core", "expression", "instrument", "jdbc",
    "jms", "messaging", "orm", "oxm", "test", "transaction", "web", "web-portlet", "web-servlet",
]  # fmt: skip


@dataclass(frozen=True)
class Source:
    kind: str
    name: str
    version: str
    # only files whose path (inside the archive) matches this regex are read
    include: str = ""
    # files whose path matches this regex are skipped
    exclude: str = ""


@dataclass
class Vocab:
    framework: str
    family: str  # python | java | js | go | rust
    sources: list[Source]
    names: set[str] = field(default_factory=set)


VOCABS: list[Vocab] = [
    Vocab(
        "spring",
        "java",
        [Source("deb", f"libspring-{m}-java", "4.3.30-2") for m in SPRING_DEBS],
    ),
    Vocab(
        "junit",
        "java",
        [Source("deb", "junit5", "5.9.2-1"), Source("deb", "junit4", "4.13.2-3")],
    ),
    Vocab(
        "django",
        "python",
        [
            Source("pypi", "django", "5.2.19", exclude=r"/(contrib/(gis|postgres)/|conf/locale/)"),
            Source("pypi", "djangorestframework", "3.18.3"),
        ],
    ),
    Vocab(
        "flask", "python", [Source("pypi", "flask", "3.1.3"), Source("pypi", "werkzeug", "3.1.9")]
    ),
    Vocab(
        "fastapi",
        "python",
        [Source("pypi", "fastapi", "0.165.0"), Source("pypi", "starlette", "1.10.0")],
    ),
    Vocab("pydantic", "python", [Source("pypi", "pydantic", "2.14.3")]),
    Vocab("sqlalchemy", "python", [Source("pypi", "sqlalchemy", "2.1.9")]),
    Vocab("pandas", "python", [Source("pypi", "pandas", "3.1.1")]),
    Vocab("numpy", "python", [Source("pypi", "numpy", "2.4.6")]),
    Vocab("tensorflow", "python", [Source("pypi", "keras", "3.15.1")]),
    Vocab("scikit-learn", "python", [Source("pypi", "scikit-learn", "1.9.1")]),
    Vocab("matplotlib", "python", [Source("pypi", "matplotlib", "3.11.2")]),
    Vocab("requests", "python", [Source("pypi", "requests", "2.34.2")]),
    Vocab("celery", "python", [Source("pypi", "celery", "5.7.0")]),
    Vocab("pytest", "python", [Source("pypi", "pytest", "9.2.0")]),
    Vocab(
        "react",
        "js",
        [
            Source(
                "npm", "@types/react", "19.3.0", exclude=r"/(global|canary|experimental)\.d\.ts$"
            ),
            Source("npm", "@types/react-dom", "19.3.0"),
        ],
    ),
    Vocab(
        "vue",
        "js",
        [
            Source("npm", "vue", "3.5.45", include=r"\.d\.ts$", exclude=r"jsx"),
            Source("npm", "@vue/runtime-core", "3.5.45"),
            Source("npm", "@vue/reactivity", "3.5.45"),
            Source("npm", "@vue/runtime-dom", "3.5.45"),
        ],
    ),
    Vocab(
        "angular",
        "js",
        [
            Source("npm", "@angular/core", "21.2.26", exclude=r"/(schematics|primitives)/"),
            Source("npm", "@angular/common", "21.2.26", exclude=r"/(locales|upgrade)/"),
            Source("npm", "@angular/router", "21.2.26", exclude=r"/upgrade/"),
            Source("npm", "@angular/forms", "21.2.26"),
        ],
    ),
    Vocab(
        "express",
        "js",
        [
            Source("npm", "@types/express", "5.0.6"),
            Source("npm", "@types/express-serve-static-core", "5.1.3"),
        ],
    ),
    Vocab(
        "nextjs",
        "js",
        [
            Source(
                "npm",
                "next",
                "16.4.6",
                include=r"^package/([\w-]+\.d\.ts|types/.*|dist/(client|shared/lib|server/web/"
                r"(spec-extension|exports))/[^/]+\.d\.ts)$",
            )
        ],
    ),
    Vocab("gin", "go", [Source("deb", "golang-github-gin-gonic-gin-dev", "1.8.1-1")]),
    Vocab("tokio", "rust", [Source("deb", "librust-tokio-dev", "1.24.2-1")]),
]

# Standard libraries: their names are what any snippet in the family may use without a framework.
STOP_NPM = [Source("npm", "typescript", "5.9.3", include=r"^package/lib/lib\..*\.d\.ts$"),
            Source("npm", "@types/node", "26.6.6")]  # fmt: skip
# Kotlin's standard library (toInt, listOf, ...): Spring and JUnit snippets are often Kotlin.
STOP_DEB = [Source("deb", "kotlin", "1.3.31+ds1-1", include=r"/kotlin-stdlib[\w.-]*\.jar$")]
# Go's and Rust's standard libraries (tokio mirrors std::fs/std::net names).
STOP_GO = [Source("deb", "golang-1.19-src", "1.19.8-2", include=r"/src/(?!cmd/).*\.go$")]
STOP_RUST = [Source("deb", "rust-src", "1.63.0+dfsg1-2",
                    include=r"/library/(std|core|alloc)/src/.*\.rs$")]  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------------------------


def _npm_file(name: str, version: str) -> str:
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def archive_path(cache: pathlib.Path, src: Source) -> pathlib.Path | None:
    if src.kind == "deb":
        hits = sorted((cache / "deb").glob(f"{src.name}_{src.version.split(':')[-1]}_*.deb"))
    elif src.kind == "pypi":
        stem = src.name.replace("-", "_")
        hits = sorted((cache / "pypi").glob(f"{stem}-{src.version}-*.whl"))
        hits += sorted((cache / "pypi").glob(f"{src.name}-{src.version}-*.whl"))
    else:
        hits = [cache / "npm" / _npm_file(src.name, src.version)]
    hits = [h for h in hits if h.exists()]
    return hits[0] if hits else None


def fetch(cache: pathlib.Path, sources: Iterable[Source]) -> None:
    for sub in ("deb", "pypi", "npm"):
        (cache / sub).mkdir(parents=True, exist_ok=True)
    for src in sources:
        if archive_path(cache, src) is not None:
            continue
        print(f"fetch {src.kind} {src.name} {src.version}", file=sys.stderr)
        if src.kind == "deb":
            cmd = ["apt-get", "download", f"{src.name}={src.version}"]
            where = cache / "deb"
        elif src.kind == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                   f"{src.name}=={src.version}"]  # fmt: skip
            where = cache / "pypi"
        else:
            cmd = ["npm", "pack", "-q", f"{src.name}@{src.version}"]
            where = cache / "npm"
        subprocess.run(cmd, cwd=where, check=True)


# ---------------------------------------------------------------------------------------------
# Archive members
# ---------------------------------------------------------------------------------------------


def _wanted(src: Source) -> Callable[[str], bool]:
    inc = re.compile(src.include) if src.include else None
    exc = re.compile(src.exclude) if src.exclude else None
    return lambda name: (
        (inc is None or inc.search(name) is not None) and (exc is None or exc.search(name) is None)
    )


def tar_members(fileobj: IO[bytes], wanted: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    """Stream a tar archive: a .deb's data can be hundreds of MB, of which we want a few files."""
    with tarfile.open(fileobj=fileobj, mode="r|*") as tar:
        for member in tar:
            if member.isfile() and wanted(member.name):
                fh = tar.extractfile(member)
                if fh is not None:
                    yield member.name, fh.read()


def deb_members(path: pathlib.Path, wanted: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    """Files of a .deb's data archive (via dpkg-deb, which knows every compression)."""
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(path)],
                          stdout=subprocess.PIPE) as proc:  # fmt: skip
        assert proc.stdout is not None
        yield from tar_members(proc.stdout, wanted)
        proc.stdout.read()


def zip_members(
    data: bytes | pathlib.Path, wanted: Callable[[str], bool] = lambda _n: True
) -> Iterator[tuple[str, bytes]]:
    src = io.BytesIO(data) if isinstance(data, bytes) else data
    with zipfile.ZipFile(src) as zf:
        for info in zf.infolist():
            if not info.is_dir() and wanted(info.filename):
                yield info.filename, zf.read(info)


def tgz_members(path: pathlib.Path, wanted: Callable[[str], bool]) -> Iterator[tuple[str, bytes]]:
    with open(path, "rb") as fh:
        yield from tar_members(fh, wanted)


def members(cache: pathlib.Path, src: Source) -> Iterator[tuple[str, bytes]]:
    path = archive_path(cache, src)
    if path is None:
        raise SystemExit(f"missing {src.kind} {src.name} {src.version}: run with --fetch")
    reader = {"deb": deb_members, "pypi": zip_members, "npm": tgz_members}[src.kind]
    yield from reader(path, _wanted(src))


# ---------------------------------------------------------------------------------------------
# Java: class files (a small constant-pool reader: cheaper than running javap per class)
# ---------------------------------------------------------------------------------------------

ACC_PUBLIC, ACC_PROTECTED, ACC_BRIDGE, ACC_SYNTHETIC = 0x0001, 0x0004, 0x0040, 0x1000
_CP_SIZES = {3: 4, 4: 4, 5: 8, 6: 8, 7: 2, 8: 2, 9: 4, 10: 4, 11: 4, 12: 4, 15: 3, 16: 2, 17: 4,
             18: 4, 19: 2, 20: 2}  # fmt: skip


def class_names(data: bytes) -> set[str]:
    """Public (or protected) type, method and field names declared by one class file."""
    if data[:4] != b"\xca\xfe\xba\xbe":
        return set()
    count = struct.unpack_from(">H", data, 8)[0]
    utf8: dict[int, str] = {}
    classes: dict[int, int] = {}
    pos, i = 10, 1
    while i < count:
        tag = data[pos]
        if tag == 1:
            n = struct.unpack_from(">H", data, pos + 1)[0]
            utf8[i] = data[pos + 3 : pos + 3 + n].decode("utf-8", "replace")
            pos += 3 + n
        else:
            if tag == 7:
                classes[i] = struct.unpack_from(">H", data, pos + 1)[0]
            pos += 1 + _CP_SIZES[tag]
            if tag in (5, 6):
                i += 1
        i += 1
    access, this_class = struct.unpack_from(">HH", data, pos)
    out: set[str] = set()
    if not access & ACC_PUBLIC:
        return out
    internal = utf8.get(classes.get(this_class, 0), "")
    simple = internal.rsplit("/", 1)[-1]
    parts = simple.split("$")
    if any(p == "" or p[0].isdigit() for p in parts):
        return out  # anonymous or local class
    out.update(p for p in parts if p != "package-info" and p != "module-info")
    pos += 6
    n_interfaces = struct.unpack_from(">H", data, pos)[0]
    pos += 2 + 2 * n_interfaces
    for _member_kind in ("field", "method"):
        n = struct.unpack_from(">H", data, pos)[0]
        pos += 2
        for _ in range(n):
            flags, name_idx, _desc, n_attr = struct.unpack_from(">HHHH", data, pos)
            pos += 8
            for _a in range(n_attr):
                length = struct.unpack_from(">I", data, pos + 2)[0]
                pos += 6 + length
            name = utf8.get(name_idx, "")
            if (
                flags & (ACC_PUBLIC | ACC_PROTECTED)
                and not flags & (ACC_SYNTHETIC | ACC_BRIDGE)
                and not name.startswith(("<", "lambda$", "access$", "$"))
            ):
                out.add(name)
    return out


# Third-party code that jars repackage (Spring's copies of ASM, CGLIB, Objenesis, ...).
_JAVA_SKIP = re.compile(r"/(asm|cglib|objenesis|javapoet|bytebuddy|shaded|repackaged|internal)/")


def java_names(files: Iterable[tuple[str, bytes]]) -> set[str]:
    out: set[str] = set()
    for name, data in files:
        if name.endswith(".jar"):
            out |= java_names(zip_members(data))
        elif name.endswith(".kotlin_builtins"):
            # Kotlin's built-in types (Int.toInt, Char.code, ...) have no class files: their
            # names sit in the protobuf string table of these files.
            out.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", data.decode("latin-1")))
        elif name.endswith((".class", ".sig")) and not _JAVA_SKIP.search(name):
            try:
                out |= class_names(data)
            except (struct.error, IndexError, KeyError):
                continue
    return out


def jdk_names() -> set[str]:
    """Names of the Java platform API, from ct.sym (class files per release) of the JDK."""
    javac = shutil.which("javac")
    if javac is None:
        raise SystemExit("javac not found: the JDK's ct.sym gives the Java stoplist")
    java = pathlib.Path(os.path.realpath(javac))
    ct_sym = java.parent.parent / "lib" / "ct.sym"
    return java_names(zip_members(ct_sym))


# ---------------------------------------------------------------------------------------------
# Python: ast of .py/.pyi files
# ---------------------------------------------------------------------------------------------

_PY_SKIP = re.compile(
    r"(^|/)(tests?|testing|_vendor|vendored|migrations|conftest\.py|benchmarks)(/|$)"
)


def _public(name: str) -> bool:
    return not name.startswith("_")


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[str]:
    a = fn.args
    for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs):
        if arg.arg not in ("self", "cls"):
            yield arg.arg


def python_source_names(source: str | bytes, params: Counter[str] | None = None) -> set[str]:
    """Public definitions, methods, class attributes and `__all__` of a module; parameter names
    of public functions are counted into `params` (or returned too when it is None)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    out: set[str] = set()
    seen_params: Counter[str] = Counter() if params is None else params

    def targets(node: ast.stmt) -> Iterator[str]:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    yield t.id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield node.target.id

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(node.name):
            out.add(node.name)
            seen_params.update(p for p in _params(node) if _public(p))
        elif isinstance(node, ast.ClassDef) and _public(node.name):
            out.add(node.name)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    if _public(item.name):
                        out.add(item.name)
                        seen_params.update(p for p in _params(item) if _public(p))
                else:
                    out.update(t for t in targets(item) if _public(t))
        else:
            for t in targets(node):
                if t == "__all__" and isinstance(node, ast.Assign):
                    value = node.value
                    if isinstance(value, (ast.List, ast.Tuple)):
                        out.update(
                            e.value
                            for e in value.elts
                            if isinstance(e, ast.Constant) and isinstance(e.value, str)
                        )
                elif _public(t):
                    out.add(t)
    if params is None:
        out.update(seen_params)
    return out


def python_names(files: Iterable[tuple[str, bytes]], min_param_uses: int = 2) -> set[str]:
    """Public names of a package. A parameter name counts only when several public functions
    take it (`axis`, `response_model`): a one-off parameter is the author's local word."""
    out: set[str] = set()
    params: Counter[str] = Counter()
    for name, data in files:
        if name.endswith((".py", ".pyi")) and not _PY_SKIP.search(name):
            out |= python_source_names(data, params)
    out.update(p for p, n in params.items() if n >= min_param_uses)
    return out


def python_stdlib_names() -> set[str]:
    stdlib = pathlib.Path(sysconfig.get_paths()["stdlib"])
    skip = re.compile(r"(^|/)(site-packages|dist-packages|test|tests|idlelib|lib2to3|turtledemo|"
                      r"ensurepip|tkinter|pydoc_data)(/|$)")  # fmt: skip
    files = (
        (str(p.relative_to(stdlib)), p.read_bytes())
        for p in stdlib.rglob("*.py")
        if not skip.search(str(p.relative_to(stdlib)))
    )
    out = python_names(files, min_param_uses=1)
    out |= set(dir(builtins)) | set(keyword.kwlist) | set(sys.stdlib_module_names)
    out |= python_extension_names()
    return out


def python_extension_names() -> set[str]:
    """Names of the standard library's C modules (`_sqlite3`, `_datetime`, `math`...) and of
    their classes. The .py sources miss them (sqlite3 re-exports `register_converter` from
    `_sqlite3` with a star import), and without them a snippet calling
    `sqlite3.register_converter` or `conn.executescript` looked like Django. Only C modules are
    imported: they have no import-time side effects, unlike `this` or `antigravity`."""
    out: set[str] = set()
    for name in sorted(sys.stdlib_module_names):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        origin = spec.origin if spec is not None else None
        if origin is None or not (origin == "built-in" or origin.endswith((".so", ".pyd"))):
            continue
        try:
            with warnings.catch_warnings():  # audioop, nis, spwd...: deprecated, still stdlib
                warnings.simplefilter("ignore", DeprecationWarning)
                module = importlib.import_module(name)
        except Exception:  # a platform's optional C module may fail to load
            continue
        for attr in dir(module):
            out.add(attr)
            value = getattr(module, attr, None)
            if isinstance(value, type):
                out.update(dir(value))
    return out


# ---------------------------------------------------------------------------------------------
# JavaScript / TypeScript: declaration files
# ---------------------------------------------------------------------------------------------

_DTS_DECL = re.compile(
    r"\b(?:function|const|let|var|class|interface|type|enum|namespace|module)\s+([A-Za-z_$][\w$]*)"
)
_DTS_EXPORT_LIST = re.compile(r"\bexport\s*(?:type\s*)?\{([^}]*)\}")
# members of interfaces/classes/object types: `  name(`, `  name?:`, `  readonly name:`
_DTS_MEMBER = re.compile(
    r"^\s*(?:(?:readonly|static|abstract|public|protected|get|set|declare)\s+)*"
    r"([A-Za-z_$][\w$]*)\??\s*(?:<[^>\n]*>)?\s*[:(]",
    re.MULTILINE,
)
_DTS_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)


def dts_source_names(text: str) -> set[str]:
    text = _DTS_COMMENT.sub(" ", text)
    out = set(_DTS_DECL.findall(text))
    for group in _DTS_EXPORT_LIST.findall(text):
        for item in group.split(","):
            words = item.split()
            if words:
                out.add(words[-1])
    out.update(_DTS_MEMBER.findall(text))
    return {n for n in out if not n.startswith(("_", "ɵ", "$")) and n not in _JS_KEYWORDS}


_JS_KEYWORDS = {
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
    "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import",
    "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try",
    "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements", "interface",
    "package", "private", "protected", "public", "await", "async", "readonly", "declare", "type",
    "namespace", "module", "keyof", "infer", "is", "as", "any", "unknown", "never", "string",
    "number", "boolean", "symbol", "bigint", "object", "undefined", "get", "set",
}  # fmt: skip


def js_names(files: Iterable[tuple[str, bytes]]) -> set[str]:
    out: set[str] = set()
    for name, data in files:
        if name.endswith((".d.ts", ".d.mts", ".d.cts")):
            out |= dts_source_names(data.decode("utf-8", "replace"))
    return out


# ---------------------------------------------------------------------------------------------
# Go and Rust sources
# ---------------------------------------------------------------------------------------------

_GO_DECL = re.compile(
    r"^(?:func\s+(?:\([^)]*\)\s*)?|type\s+|const\s+|var\s+)([A-Z]\w*)|^\t([A-Z]\w*)\s+(?:\w|\*|\[)",
    re.MULTILINE,
)
_RUST_DECL = re.compile(
    r"\bpub(?:\([^)]*\))?\s+(?:async\s+|const\s+|unsafe\s+)*"
    r"(?:fn|struct|enum|trait|type|mod|const|static|union)\s+([A-Za-z_]\w*)"
    r"|\bmacro_rules!\s*([A-Za-z_]\w*)"
)


def go_names(files: Iterable[tuple[str, bytes]]) -> set[str]:
    out: set[str] = set()
    for name, data in files:
        if name.endswith(".go") and not name.endswith("_test.go") and "/testdata/" not in name:
            for a, b in _GO_DECL.findall(data.decode("utf-8", "replace")):
                out.add(a or b)
    return out


def rust_names(files: Iterable[tuple[str, bytes]]) -> set[str]:
    out: set[str] = set()
    for name, data in files:
        if name.endswith(".rs") and "/tests/" not in name and "/benches/" not in name:
            for a, b in _RUST_DECL.findall(data.decode("utf-8", "replace")):
                out.add(a or b)
    return out


EXTRACTORS = {"java": java_names, "python": python_names, "js": js_names, "go": go_names,
              "rust": rust_names}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")


def licence(cache: pathlib.Path, src: Source) -> str:
    """The licence a package declares (Debian copyright, wheel METADATA, package.json)."""
    try:
        for name, data in members(cache, Source(src.kind, src.name, src.version)):
            text = data.decode("utf-8", "replace")
            if src.kind == "deb" and name.endswith("/copyright"):
                found = re.findall(r"^License:\s*(\S[^\n]*)", text, re.MULTILINE)
                return ", ".join(dict.fromkeys(f.strip() for f in found)) or "?"
            if src.kind == "pypi" and name.endswith(".dist-info/METADATA"):
                m = (
                    re.search(r"^License-Expression:\s*(.+)$", text, re.MULTILINE)
                    or re.search(r"^Classifier: License :: (?:OSI Approved :: )?(.+)$", text, re.M)
                    or re.search(r"^License:\s*(.+)$", text, re.MULTILINE)
                )
                return m.group(1).strip() if m else "?"
            if src.kind == "npm" and re.fullmatch(r"[^/]+/package\.json", name):
                m = re.search(r'"license"\s*:\s*"([^"]+)"', text)
                return m.group(1) if m else "?"
    except SystemExit:
        return "?"
    return "?"


def stoplists(cache: pathlib.Path) -> dict[str, set[str]]:
    """Per language family, the names of its standard library: the generic words a snippet of
    that family uses without any framework. (Names shared between frameworks of different
    families are discounted at run time instead, by their spread over the vocabularies.)"""
    js: set[str] = set()
    for src in STOP_NPM:
        js |= js_names(members(cache, src))
    java = jdk_names()
    for src in STOP_DEB:
        java |= java_names(members(cache, src))
    go: set[str] = set()
    for src in STOP_GO:
        go |= go_names(members(cache, src))
    rust: set[str] = set()
    for src in STOP_RUST:
        rust |= rust_names(members(cache, src))
    return {"python": python_stdlib_names(), "java": java, "js": js, "go": go, "rust": rust}


def keep(name: str, stop: set[str]) -> bool:
    return (
        len(name) >= MIN_LEN
        and _IDENT.match(name) is not None
        and name not in stop
        and not name.startswith("_")
        and not name.isdigit()
    )


def trim(names: list[str]) -> list[str]:
    """Keep a file under MAX_FILE_BYTES by dropping the longest names (the least likely to be
    typed in a snippet) first."""
    size = sum(len(n) + 1 for n in names)
    if size <= MAX_FILE_BYTES:
        return names
    by_len = sorted(names, key=lambda n: (len(n), n))
    kept: list[str] = []
    total = 0
    for n in by_len:
        if total + len(n) + 1 > MAX_FILE_BYTES:
            break
        kept.append(n)
        total += len(n) + 1
    return sorted(kept)


def build(cache: pathlib.Path, out_dir: pathlib.Path) -> None:
    stops = stoplists(cache)
    for family, stop in stops.items():
        print(f"stoplist {family}: {len(stop)} names", file=sys.stderr)
    rows: list[str] = []
    for vocab in VOCABS:
        raw: set[str] = set()
        for src in vocab.sources:
            raw |= EXTRACTORS[vocab.family](members(cache, src))
        kept = trim(sorted(n for n in raw if keep(n, stops[vocab.family])))
        (out_dir / f"{vocab.framework}.txt").write_text(
            "".join(f"{n}\n" for n in kept), encoding="utf-8"
        )
        packages = "<br>".join(
            f"{s.kind}:{s.name} {s.version} ({licence(cache, s)})" for s in vocab.sources
        )
        rows.append(
            f"| {vocab.framework} | {vocab.family} | {packages} | {len(raw)} | {len(kept)} |"
        )
        print(f"{vocab.framework}: {len(raw)} -> {len(kept)}", file=sys.stderr)

    def listing(sources: list[Source]) -> str:
        return ", ".join(f"{s.kind}:{s.name} {s.version}" for s in sources)

    stop_rows = [
        f"| python | Python {sys.version.split()[0]} stdlib (names and parameters), builtins, "
        f"keywords | {len(stops['python'])} |",
        f"| java | JDK `lib/ct.sym` (all releases), {listing(STOP_DEB)} | {len(stops['java'])} |",
        f"| js | {listing(STOP_NPM)} | {len(stops['js'])} |",
        f"| go | {listing(STOP_GO)} | {len(stops['go'])} |",
        f"| rust | {listing(STOP_RUST)} | {len(stops['rust'])} |",
    ]
    (out_dir / "SOURCES.md").write_text(
        "\n".join(
            [
                "# Framework API vocabularies",
                "",
                "Generated by `build_vocab.py` (run it to reproduce; downloads are cached outside",
                "the repository). One public API name per line, sorted: types, functions, methods,",
                "fields/attributes, and Python parameter names that several public functions take.",
                "Names of the family's standard library are removed (the generic programming",
                f"words every snippet uses). Names shorter than {MIN_LEN} characters are dropped;",
                f"a file over {MAX_FILE_BYTES} bytes keeps its shortest names.",
                "",
                "| family | stoplist sources | names |",
                "|---|---|---|",
                *stop_rows,
                "",
                "| vocabulary | family | packages (licence) | names extracted | names kept |",
                "|---|---|---|---|---|",
                *rows,
                "",
                "Not covered: PyTorch and TensorFlow wheels are several hundred MB (TensorFlow is",
                "represented by Keras 3); Actix Web has no Debian source package (only",
                "`librust-actix-derive-dev`), so `actix` relies on the hand-written rules.",
                "",
            ]
        ),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=pathlib.Path, default=DEFAULT_CACHE)
    ap.add_argument("--out", type=pathlib.Path, default=HERE)
    ap.add_argument("--fetch", action="store_true", help="download missing packages first")
    args = ap.parse_args(argv)
    if args.fetch:
        fetch(
            args.cache,
            [s for v in VOCABS for s in v.sources] + STOP_NPM + STOP_DEB + STOP_GO + STOP_RUST,
        )
    build(args.cache, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
