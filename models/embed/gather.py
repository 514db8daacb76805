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
  - doc_rest = the docstring after its first paragraph (details, parameters), when there is
    one: build.py can put it back into a training document the way saved snippets keep their
    docstrings, without the summary that the queries are made from;
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
) + re.findall(
    r"\S+",
    # v2 additions: web, data, CLI, devops, scientific, testing, ML tooling (all latest wheels
    # at gathering time, pinned here)
    """
Flask_Login==0.6.3 accelerate==1.15.0 altair==6.3.0 arcade==3.3.3 argcomplete==3.7.2 arviz==0.23.4
authlib==1.9.9 avro==1.12.2 azure_storage_blob==12.31.1 behave==1.3.3 bleach==6.4.0 blessed==1.52.0
cachetools==8.0.1 cattrs==26.2.1 channels==4.3.2 click_plugins==1.1.1.2 cliff==4.17.0
cloudpickle==3.1.2 cmd2==4.3.1 colorama==0.4.6 configobj==5.0.9 croniter==7.0.0 cssselect==1.6.0
cvxpy==1.9.3 dataclasses_json==0.6.7 datasets==5.2.0 dateparser==1.5.0 diffusers==0.42.1
dill==0.4.1 dipy==1.12.1 diskcache==5.6.3 django_extensions==4.1 django_filter==26.2
dulwich==1.2.21 ecdsa==0.19.2 einops==0.8.2 emcee==3.1.6 factory_boy==3.3.3 fastavro==1.13.1
filelock==4.2.11 fire==0.7.1 flask_sqlalchemy==3.1.1 folium==0.20.0 freezegun==1.5.5 furl==2.1.4
gitpython==3.2.1 google_cloud_storage==3.17.1 graphene==3.4.3 h11==0.16.0 holoviews==1.23.2
httpcore==1.0.9 httplib2==0.32.1 huggingface_hub==2.4.0 jellyfish==1.3.0 jmespath==1.1.0
joblib==1.6.0 jsonpatch==1.47 jsonpickle==4.1.4 langchain_core==1.8.2 locust==2.47.0 loguru==0.7.3
markdown_it_py==4.3.0 mistune==3.4.0 mne==1.13.2 multidict==7.2.1 nibabel==5.4.2 nilearn==0.14.1
nipype==1.11.0 nox==2026.10.20 numexpr==2.14.2 pandas_datareader==0.11.1 panel==1.9.4 param==2.4.2
parsel==1.12.1 patsy==1.0.3 pdfplumber==0.11.10 pdm==2.29.4 peft==0.21.2 pip_tools==7.6.2
platformdirs==4.14.7 plumbum==2.0.2 pre_commit==4.7.0 prometheus_client==0.26.0 pulp==3.3.2
pulumi==3.272.0 pyasn1==0.6.5 pyfakefs==6.3.2 pyfiglet==1.0.4 pyglet==2.1.19 pymatgen==2026.10.24
pymc==5.28.5 pymysql==1.2.4 pyomo==6.10.1 pyopenssl==26.4.0 pyproj==3.7.2 pytest_asyncio==1.5.0
pytest_mock==3.17.0 pytest_xdist==3.8.0 python_dotenv==1.2.4 python_slugify==9.2.0
pywavelets==1.9.0 qrcode==8.2 quart==0.22.0 questionary==2.1.1 rapidfuzz==3.14.6 rasterio==1.4.4
requests_oauthlib==2.0.0 responses==0.26.3 rsa==4.9.1 sacremoses==0.2.0 schemathesis==4.32.5
scikit_optimize==0.10.2 sentry_sdk==2.75.0 sh==2.4.0 sqlglot==30.30.0 sqlmodel==0.0.50
structlog==26.1.0 sunpy==7.0.5 supervisor==4.3.0 tenacity==9.2.1 testfixtures==12.4.0 tinydb==4.9.0
tldextract==5.4.0 tomli==2.5.0 tqdm==4.70.1 tzlocal==5.4.5 uncertainties==3.2.3 validators==0.36.0
vcrpy==9.4.2 w3lib==2.5.0 waitress==3.0.2 watchdog==7.1.0 webob==1.8.11 whitenoise==6.12.0
wtforms==3.3.2 xlrd==2.0.2 yarl==1.25.1 yfinance==1.7.0 zarr==3.1.6
""",
)
# Licences not BSD/MIT/Apache: matplotlib (PSF-based Matplotlib licence), pillow (MIT-CMU/HPND),
# biopython (Biopython licence, BSD-like), docutils (public domain + BSD-2), zope_interface
# (ZPL-2.1), hypothesis (MPL-2.0, file-level copyleft: the pairs are used for training only and
# not redistributed), pytz (MIT), mpmath (BSD). v2 additions: waitress (ZPL-2.1), requests_oauthlib
# (ISC), furl and filelock (Unlicense), supervisor (BSD-like repoze licence), dulwich (Apache-2.0
# or GPL-2.0+, used under Apache-2.0), tqdm (MPL-2.0 and MIT: training only, like hypothesis);
# all others MIT, BSD or Apache-2.0. docopt and jieba were dropped (no wheel on PyPI).

MAX_CODE_CHARS = 4000
MAX_PER_QUERY = 2
MAX_PARAGRAPH_WORDS = 80
_NAME_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
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


def _first_paragraph(doc: str) -> str | None:
    para = re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0]
    para = " ".join(para.split())
    if not para or para.startswith((">>>", "..", ":", "@", "#", "%", "{", "TODO", "XXX")):
        return None
    para = _ROLE.sub(r"\1", para)
    return para.replace("``", "").replace("`", "").replace("**", "").replace("*", "")


def paragraph(doc: str) -> str | None:
    """The whole first paragraph of a docstring as plain text (3 to 80 words)."""
    para = _first_paragraph(doc)
    if para is None or not 3 <= len(para.split()) <= MAX_PARAGRAPH_WORDS:
        return None
    return para.strip()


def name_words(name: str) -> str | None:
    """A function name as words (`get_last_line` -> "get last line"), at least two of them."""
    parts = [p.lower() for p in _NAME_PART.findall(name)]
    return " ".join(parts) if len(parts) >= 2 else None


def summary(doc: str) -> str | None:
    """The first one or two sentences of a docstring's first paragraph, as plain text."""
    para = _first_paragraph(doc)
    if para is None:
        return None
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


Found = tuple[str, str, str, str | None, str | None, str | None]

MAX_REST_CHARS = 1500


def docstring_rest(doc: str) -> str | None:
    """The docstring after its first paragraph (details, parameters, returns), at most
    MAX_REST_CHARS: training documents can carry it the way real snippets carry their
    docstrings, without the summary the queries are made from."""
    parts = re.split(r"\n\s*\n", textwrap.dedent(doc).strip(), maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        return None
    return parts[1].strip()[:MAX_REST_CHARS]


def pairs_from_source(source: str) -> list[Found]:
    """(function name, query, code without docstring, whole first paragraph if longer than the
    query, name as words, the docstring after its first paragraph) for each documented
    function."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    lines = source.splitlines()
    out: list[Found] = []
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
        para = paragraph(first.value.value)
        if para is not None and len(para) <= len(query) + 10:
            para = None
        rest = docstring_rest(first.value.value)
        out.append((node.name, query, code, para, name_words(node.name), rest))
    return out


def pairs_from_wheel(path: str) -> tuple[str, list[Found]]:
    package = _norm_name(Path(path).name.split("-")[0])
    found: list[Found] = []
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
    ap.add_argument("--report", type=Path, default=CACHE / "gather_report.json")
    args = ap.parse_args()

    dest = CACHE / "pkgs"
    dest.mkdir(parents=True, exist_ok=True)
    wheels = [w for w in (download(spec, dest) for spec in PACKAGES) if w is not None]
    print(f"{len(wheels)} of {len(PACKAGES)} wheels", flush=True)

    seen_code: set[str] = set()
    per_query: Counter[str] = Counter()
    per_package: Counter[str] = Counter()
    raw = n_para = 0
    rows: list[dict] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        # sorted input + ordered map: the output does not depend on scheduling
        for package, found in pool.map(pairs_from_wheel, sorted(map(str, wheels))):
            raw += len(found)
            for name, query, code, para, nwords, rest in found:
                key = _code_key(code)
                qkey = query.lower()
                if key in seen_code or per_query[qkey] >= MAX_PER_QUERY:
                    continue
                seen_code.add(key)
                per_query[qkey] += 1
                per_package[package] += 1
                row = {"package": package, "name": name, "query": query, "code": code}
                if para:
                    row["paragraph"] = para
                if nwords:
                    row["name_words"] = nwords
                if rest:
                    row["doc_rest"] = rest
                rows.append(row)
                n_para += bool(para)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    report = {
        "raw_pairs": raw,
        "pairs": len(rows),
        "paragraph_queries": n_para,
        "name_queries": sum(1 for r in rows if "name_words" in r),
        "doc_rests": sum(1 for r in rows if "doc_rest" in r),
        "packages": len(per_package),
        "per_package": dict(per_package.most_common()),
    }
    args.report.write_text(json.dumps(report, indent=2))
    print(f"{raw} functions with docstrings -> {len(rows)} pairs in {args.out}")


if __name__ == "__main__":
    main()
