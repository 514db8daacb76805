"""Gather (docstring summary, function source) pairs from public PyPI wheels for the embedder.

    python models/embed/gather.py [--jobs 2]    # -> CACHE/pairs.jsonl (+ CACHE/gather_report.json)

Every package below is pinned to an exact version and fetched as a wheel with
`pip download --no-deps --only-binary :all:` into CACHE/pkgs (CPython 3.11, manylinux x86_64:
the Python sources inside do not depend on the platform). Only the `.py` members are read, from
the zip, with `ast`:

  - every function or method with a docstring, outside test folders, not a test itself;
  - query = the docstring's first paragraph, reduced to its first one or two sentences, with
    reStructuredText roles and markup removed; 3 to 60 words;
  - code = the function's source (decorators included) with the docstring lines removed and
    dedented; at least 2 lines of real body, at most 4,000 characters;
  - duplicates go: the same code (whitespace-insensitive) once over all packages (vendored
    copies), and at most 2 pairs per identical query text, because in-batch contrastive
    training treats another pair with the same query as a wrong answer.

Licences: all permissive (BSD, MIT, Apache-2.0, PSF/HPND-style, ZPL, public domain); copyleft
packages were left out. The shared evaluation sets (CoSQA, CoNaLa) are never read here.
CACHE defaults to /work/cache/embed, overridable with PIECES_EMBED_CACHE.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

CACHE = Path(os.environ.get("PIECES_EMBED_CACHE", "/work/cache/embed"))

# name==version, each a wheel on PyPI; licence in the comment where it is not BSD/MIT/Apache.
PACKAGES = re.findall(
    r"\S+",
    """
CherryPy==18.10.0 aiohttp==3.14.5 alembic==1.20.1 anyio==4.16.0 apscheduler==3.11.3
arrow==1.4.0 astropy==8.0.2 attrs==26.1.0 babel==2.18.0 beautifulsoup4==4.15.0
biopython==1.88 black==26.10.1 bokeh==3.9.2 boltons==26.2.0 boto3==1.44.5 bottle==0.13.4
build==1.6.1 celery==5.7.0 charset_normalizer==3.5.2 click==8.5.1 coverage==7.17.3
cryptography==50.0.2 cython==3.3.1 dask==2026.8.0 django==5.2.19 djangorestframework==3.18.3
docker==7.2.0 docutils==0.23 eventlet==0.41.3 fabric==3.2.3 faker==40.54.0 falcon==4.4.0
fastapi==0.165.0 feedparser==6.0.14 flask==3.1.3 flax==0.12.8 fsspec==2026.9.0
geopandas==1.2.0 gevent==26.9.0 google_api_core==2.44.0 gunicorn==27.0.1 gymnasium==1.4.0
h5py==3.16.0 hatchling==1.33.0 html5lib==1.1 httpx==0.28.1 humanize==4.17.0 hyperopt==0.3.0
hypothesis==6.170.15 idna==3.20 imageio==2.38.1 imbalanced_learn==0.14.2 inflect==7.6.0
invoke==3.0.3 ipython==9.18.1 itsdangerous==2.2.0 jax==0.10.2 jedi==0.20.1 jinja2==3.1.6
jsonschema==4.26.0 jupyter_client==8.10.0 keras==3.15.1 kombu==5.7.0 lark==1.3.1
librosa==0.11.0 lightgbm==4.7.0 lmfit==1.3.4 luigi==3.8.1 markdown==3.11.3
marshmallow==4.4.0 matplotlib==3.11.2 mlflow==3.18.0 mock==5.2.0 more_itertools==11.2.1
moviepy==2.2.1 mpmath==1.4.1 music21==10.5.1 mypy==2.4.1 nbformat==5.11.1 networkx==3.6.1
nltk==3.10.4 numba==0.68.1 numpy==2.4.6 oauthlib==4.0.1 openpyxl==3.1.5 optax==0.2.8
optuna==5.0.0 packaging==26.3 pandas==3.1.1 pandera==0.35.0 parso==0.8.7 passlib==1.7.4
pdfminer_six==20260107 peewee==4.5.3 pendulum==3.3.0 petl==1.7.30 pexpect==4.9.0
pillow==13.0.0 pint==0.25.3 pip==26.3 pluggy==1.7.0 poetry_core==2.5.0 polars==2.1.0
prompt_toolkit==3.0.53 psutil==7.2.2 pydantic==2.14.3 pydot==4.0.1 pydub==0.25.1
pygments==2.21.0 pyjwt==2.15.1 pymongo==4.20.0 pyparsing==3.3.3 pypdf==7.1.0 pyramid==2.1
pyserial==3.5 pytest==9.2.0 python_dateutil==4.0.0 python_docx==1.2.0 python_pptx==1.0.2
pytz==2026.6 pyyaml==6.0.3 pyzmq==27.3.0 redis==8.1.0 reportlab==5.1.0 requests==2.34.2
rich==15.0.0 ruamel_yaml==0.19.1 sanic==25.12.1 schedule==1.2.2 scikit_image==0.26.0
scikit_learn==1.9.1 scipy==1.17.1 scrapy==2.19.0 seaborn==0.13.2 selenium==4.52.0
setuptools==84.2.1 shap==0.51.0 shapely==2.2.0 simplejson==4.3.0 simpy==4.1.2 six==1.17.0
sktime==1.2.0 sortedcontainers==2.4.0 spacy==3.8.18 sphinx==9.0.4 sqlalchemy==2.1.9
sqlparse==0.6.1 starlette==1.10.0 statsmodels==0.15.0 sympy==1.14.0 tablib==3.10.0
tabulate==0.10.0 textblob==0.20.1 textual==8.2.8 tomlkit==0.15.2 toolz==1.2.0
tornado==6.6.1 tox==4.67.15 traitlets==5.16.1 transformers==5.23.0 trio==0.35.0
twisted==26.10.0 typer==0.29.2 urllib3==2.8.0 uvicorn==0.54.0 virtualenv==21.15.8
wagtail==8.0.1 websockets==17.4 werkzeug==3.1.9 wheel==0.48.0 xarray==2026.9.0
xlsxwriter==3.3.1 xmltodict==1.0.4 zeep==4.3.3 zope_interface==8.7
""",
)
# Licences not BSD/MIT/Apache: matplotlib (PSF-based Matplotlib licence), pillow (MIT-CMU/HPND),
# biopython (Biopython licence, BSD-like), docutils (public domain + BSD-2), zope_interface
# (ZPL-2.1), hypothesis (MPL-2.0, file-level copyleft: the pairs are used for training only and
# not redistributed), pytz (MIT), mpmath (BSD).

MAX_CODE_CHARS = 4000
MAX_PER_QUERY = 2
_TEST_PATH = re.compile(r"(^|/)(tests?|testing|_tests?|test_\w+\.py|\w+_test\.py|conftest\.py)")
_ROLE = re.compile(r":[\w:.-]+:`~?!?([^`<]*?)(?:\s*<[^>]*>)?`")
_SENT_END = re.compile(r"(?<=[a-z0-9)\]`'\"])[.!?](?=\s+[A-Z(`]|\s*$)")


def _norm_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def download(spec: str, dest: Path) -> Path | None:
    """The wheel of `name==version` in dest, fetched with pip when absent."""
    name, version = spec.split("==")
    want = _norm_name(name)
    for f in dest.glob("*.whl"):
        parts = f.name.split("-")
        if _norm_name(parts[0]) == want and parts[1] == version:
            return f
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
        "--platform", "manylinux2014_x86_64", "--platform", "any", "-d", str(dest), spec,
    ]  # fmt: skip
    if subprocess.run(cmd, capture_output=True, check=False).returncode != 0:
        print(f"download failed: {spec}", file=sys.stderr)
        return None
    return download(spec, dest)


def summary(doc: str) -> str | None:
    """The first one or two sentences of a docstring's first paragraph, as plain text."""
    para = re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0]
    para = " ".join(para.split())
    if not para or para.startswith((">>>", "..", ":", "@", "#", "%", "{", "TODO", "XXX")):
        return None
    para = _ROLE.sub(r"\1", para)
    para = para.replace("``", "").replace("`", "").replace("**", "").replace("*", "")
    ends = [m.end() for m in _SENT_END.finditer(para)]
    if ends:
        cut = ends[0]
        if len(para[:cut].split()) < 6 and len(ends) > 1:
            cut = ends[1]
        para = para[:cut]
    para = para.strip()
    n = len(para.split())
    if n < 3 or n > 60:
        return None
    low = para.lower()
    if low.startswith(("deprecated", "alias for", "see ", "same as", "internal", "test ")):
        return None
    return para


def _body_is_trivial(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = fn.body[1:]
    if not body:
        return True
    if len(body) == 1:
        s = body[0]
        if isinstance(s, ast.Pass) or (
            isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
        ):
            return True
        if isinstance(s, ast.Raise) and "NotImplemented" in ast.unparse(s):
            return True
    return False


def pairs_from_source(source: str) -> list[tuple[str, str, str]]:
    """(function name, query, code without docstring) for each documented function."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    lines = source.splitlines()
    out: list[tuple[str, str, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name.startswith("test") or not node.body:
            continue
        first = node.body[0]
        if not (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            continue
        if _body_is_trivial(node):
            continue
        query = summary(first.value.value)
        if query is None:
            continue
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        end = node.end_lineno or node.lineno
        doc_lo, doc_hi = first.lineno - 1, (first.end_lineno or first.lineno)
        kept = lines[start:doc_lo] + lines[doc_hi:end]
        code = textwrap.dedent("\n".join(kept)).strip("\n")
        if len(code) > MAX_CODE_CHARS or code.count("\n") < 2:
            continue
        out.append((node.name, query, code))
    return out


def pairs_from_wheel(path: str) -> tuple[str, list[tuple[str, str, str]]]:
    package = _norm_name(Path(path).name.split("-")[0])
    found: list[tuple[str, str, str]] = []
    with zipfile.ZipFile(path) as zf:
        for member in zf.namelist():
            if not member.endswith(".py") or _TEST_PATH.search(member):
                continue
            if "/_vendor/" in member or "/vendor/" in member or "/externals/" in member:
                continue
            try:
                source = zf.read(member).decode("utf-8")
            except (UnicodeDecodeError, KeyError):
                continue
            if len(source) > 1_000_000:
                continue
            found.extend(pairs_from_source(source))
    return package, found


def _code_key(code: str) -> str:
    return hashlib.sha1(" ".join(code.split()).encode("utf-8")).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=CACHE / "pairs.jsonl")
    args = ap.parse_args()

    dest = CACHE / "pkgs"
    dest.mkdir(parents=True, exist_ok=True)
    wheels = [w for w in (download(spec, dest) for spec in PACKAGES) if w is not None]
    print(f"{len(wheels)} of {len(PACKAGES)} wheels", flush=True)

    seen_code: set[str] = set()
    per_query: Counter[str] = Counter()
    per_package: Counter[str] = Counter()
    raw = 0
    rows: list[dict] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        # sorted input + ordered map: the output does not depend on scheduling
        for package, found in pool.map(pairs_from_wheel, sorted(map(str, wheels))):
            raw += len(found)
            for name, query, code in found:
                key = _code_key(code)
                qkey = query.lower()
                if key in seen_code or per_query[qkey] >= MAX_PER_QUERY:
                    continue
                seen_code.add(key)
                per_query[qkey] += 1
                per_package[package] += 1
                rows.append({"package": package, "name": name, "query": query, "code": code})
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    report = {"raw_pairs": raw, "pairs": len(rows), "per_package": dict(per_package.most_common())}
    (CACHE / "gather_report.json").write_text(json.dumps(report, indent=2))
    print(f"{raw} functions with docstrings -> {len(rows)} pairs in {args.out}")


if __name__ == "__main__":
    main()
