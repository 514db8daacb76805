"""The parsing layer: every declared grammar loads from its wheel, parses are bounded."""

from __future__ import annotations

import time

import pytest

from pieces_lsp.analysis import parsing
from pieces_lsp.analysis.parsing import registry

REQUIRED = [
    "python", "javascript", "typescript", "typescriptreact", "go", "rust", "java", "c", "cpp",
    "csharp", "ruby", "php", "shellscript", "json", "html", "css", "yaml", "toml", "sql",
    "kotlin", "swift", "scala", "lua", "haskell",
]  # fmt: skip


def test_every_declared_grammar_loads():
    missing = [lang for lang in registry.specs() if parsing.grammar(lang) is None]
    assert missing == []
    assert set(REQUIRED) <= set(parsing.supported_languages())


@pytest.mark.parametrize(
    ("language", "good", "bad"),
    [
        ("python", "def area(r):\n    return 3.14 * r * r\n", "fn main() { let x = vec![1]; }"),
        ("rust", "fn main() { let x = vec![1]; }", "def area(r):\n    return r\n"),
        ("json", '{"a": [1, 2, {"b": null}]}', "a = 1\nb: [\n"),
        ("go", 'package main\nfunc main() { println("hi") }\n', "<?php echo 1; ?> }}"),
    ],
)
def test_quality_tells_a_good_fit_from_a_bad_one(language: str, good: str, bad: str):
    assert parsing.parse_quality(good, language) == 1.0
    assert parsing.parse_quality(bad, language) < 0.8


def test_unknown_language_has_no_grammar():
    assert parsing.parse("x", "no-such-language") is None
    assert parsing.parse_quality("x", "no-such-language") is None


def test_parse_keeps_exact_bytes_and_node_text():
    text = 'name = "naïve"\n'
    parsed = parsing.parse(text, "python")
    assert parsed is not None
    assert parsed.source == text.encode()
    assert parsed.text(parsed.root).strip() == text.strip()


def test_input_is_capped_and_a_slow_parse_is_abandoned():
    big = "def f(x):\n    return x + 1\n" * 40_000  # ~1 MB
    parsed = parsing.parse(big, "python", timeout_ms=5_000)
    assert parsed is not None and parsed.truncated
    assert len(parsed.source) <= parsing.MAX_PARSE_BYTES
    started = time.perf_counter()
    assert parsing.parse(big, "python", timeout_ms=1) is None
    assert time.perf_counter() - started < 1.0


def test_a_missing_query_file_is_absent_not_an_error():
    parsed = parsing.parse("x = 1\n", "python")
    assert parsed is not None
    assert parsing.captures(parsed, "no-such-query") == {}
    assert parsing.matches(parsed, "no-such-query") == []


HANGING_AT_EOF = [
    ("<<V1@V0:1,V1@Buf/bitstring>> = Bytes,\n<<V2@V0:2,V2@Buf/bitstring>> = B2,", "perl"),
    ("The `@Service` annotation, see <<beans-stereotypes,earlier>>\nis `@Component`.", "perl"),
    ("cout <<x;\n@e", "perl"),
    ("class A {\n  val x = 1\n  @Field", "kotlin"),
    ("val x = 1\n@Foo(1)", "kotlin"),
]


def test_text_ending_inside_a_scanner_construct_does_not_hang():
    """tree-sitter-perl's and tree-sitter-kotlin's scanners loop forever on these when the text
    ends without a newline; run in a child process with a timeout so that a regression fails
    instead of hanging the suite."""
    import json
    import subprocess
    import sys

    code = (
        "import json, sys\n"
        "from pieces_lsp.analysis.parsing import parse\n"
        "for text, lang in json.load(sys.stdin):\n"
        "    parsed = parse(text, lang)\n"
        "    assert parsed is not None and parsed.source.startswith(text.encode()), text\n"
        "assert parse('val x = 1\\n@Foo(1)', 'kotlin').quality == 1.0\n"
        "assert parse('my $x = <<EOF;\\nhello\\nEOF', 'perl').quality == 1.0\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(HANGING_AT_EOF).encode(),
        timeout=60,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()
