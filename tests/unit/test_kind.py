"""Code vs prose on small hand-written texts of the kinds users keep."""

from __future__ import annotations

import time

import pytest

from pieces_lsp.analysis.kind import KindResult, classify, segments


@pytest.mark.parametrize(
    "text",
    [
        "def retry(fn, attempts=3):\n    for _ in range(attempts):\n        try:\n"
        "            return fn()\n        except OSError:\n            time.sleep(1)\n",
        "for (int i = 0; i < n; i++) {\n    total += weights[i];\n}",
        "SELECT id, email FROM accounts WHERE disabled = 0 ORDER BY created_at DESC;",
        'fn main() {\n    let xs: Vec<u32> = (1..5).collect();\n    println!("{:?}", xs);\n}',
        '{\n  "name": "demo",\n  "private": true,\n  "version": "0.1.0"\n}',
        "<dependency>\n  <groupId>org.slf4j</groupId>\n  <artifactId>slf4j-api</artifactId>\n"
        "</dependency>",
        "$ cargo build --release\n   Compiling demo v0.1.0\n    Finished release target(s)",
        'services:\n  cache:\n    image: redis:7\n    ports:\n      - "6379:6379"',
        "sorted(people, key=lambda p: p.age)",
        "from collections import OrderedDict",
        "user_id: int",
        "pip install httpx",
        'FROM python:3.12-slim\nRUN pip install uvicorn\nCMD ["uvicorn", "app:api"]',
    ],
)
def test_code(text: str) -> None:
    result = classify(text)
    assert result.kind == "code", result
    assert result.code_share > 0.8


@pytest.mark.parametrize(
    "text",
    [
        "The scheduler retries failed jobs three times before it marks them as dead.",
        "Call `connect()` once at start-up; the pool hands out connections on demand, "
        "as the [pool guide](https://example.org/pool) explains.",
        "Each worker reads its settings from the environment, so you can\n"
        "override them per deployment without rebuilding the image.",
        "* Install the package.\n* Create a **config** file.\n* Run the `serve` command.",
        "Use <kbd>Ctrl</kbd>+<kbd>C</kbd> to stop the server when you are done.",
        "NOTE: The cache is cleared when the `reset()` method is called.",
        "convert a list of strings `names` to upper case",
    ],
)
def test_prose(text: str) -> None:
    result = classify(text)
    assert result.kind == "prose", result
    assert result.code_share < 0.2


def test_markdown_paragraph_then_code_block_is_mixed() -> None:
    text = (
        "To load a TOML config with defaults, read it in binary mode and merge the values over "
        "the defaults:\n\n```python\nimport tomllib\n\ndef load(path):\n"
        "    with open(path, 'rb') as fh:\n        return {**DEFAULTS, **tomllib.load(fh)}\n```\n"
    )
    result = classify(text)
    assert result.kind == "mixed"
    assert 0.3 < result.code_share < 0.9


def test_question_with_pasted_traceback_is_mixed() -> None:
    text = (
        "I get this error as soon as the container starts, and I cannot see what is wrong with "
        "my setup. Any idea?\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/app/main.py", line 3, in <module>\n'
        "    from fastapi import FastAPI\n"
        "ModuleNotFoundError: No module named 'fastapi'\n"
    )
    assert classify(text).kind == "mixed"


def test_comments_take_the_kind_of_their_code() -> None:
    text = "# compute the checksum of the upload\ndigest = hashlib.sha256(data).hexdigest()"
    assert classify(text) == KindResult("code", 1.0)


def test_empty_text() -> None:
    assert classify("") == KindResult("prose", 0.0)
    assert classify("\n\n  \n") == KindResult("prose", 0.0)


def test_segments_cover_prose_then_code() -> None:
    text = "Run the migration before you deploy the new version:\n\n$ alembic upgrade head\n"
    segs = segments(text)
    assert [s.kind for s in segs] == ["prose", "code"]
    assert text[segs[1].start : segs[1].end].startswith("$ alembic")


def test_hundred_lines_is_fast() -> None:
    line = "    result = compute_value(items[index], factor=2)  # scale before summing"
    text = "\n".join(line if i % 5 else "def step(items, index):" for i in range(100))
    classify(text)
    start = time.perf_counter()
    for _ in range(10):
        classify(text)
    assert (time.perf_counter() - start) / 10 < 0.05


def test_documented_module_is_code_not_mixed() -> None:
    text = (
        '"""Helpers for reading settings.\n\n'
        "The values come from the environment first and from the config file\n"
        "second, so that a deployment can override anything without editing files.\n"
        '"""\n\n'
        "import os\n\n\n"
        "def setting(name: str, default: str = '') -> str:\n"
        '    """Return the value of a setting, or the default when it is not set."""\n'
        "    return os.environ.get(name.upper(), default)\n"
    )
    assert classify(text).kind == "code"
