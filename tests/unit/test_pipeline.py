"""The enrichment pipeline on inputs no analyser was written for: it must finish, stay bounded,
and still find secrets anywhere in the text."""

from __future__ import annotations

from pieces_lsp.analysis.parsing import parse
from pieces_lsp.analysis.pipeline import HEAD_CHARS, analyze

TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def test_pathological_nesting_does_not_reach_the_tree_walkers():
    deep = "(" * 20_000 + ")" * 20_000
    parsed = parse(deep, "zig")
    assert parsed is not None and parsed.too_deep
    result = analyze(deep, language_id="zig")
    assert result.language == "zig" and result.failed == []
    long_sum = "x = " + " + ".join(["1"] * 20_000) + "\n"
    assert analyze(long_sum, language_id="python").failed == []


def test_a_huge_paste_is_read_from_its_head_but_scanned_for_secrets_to_the_end():
    text = "total = 0\n" * 100_000 + f'token = "{TOKEN}"\n'
    assert len(text) > 10 * HEAD_CHARS
    result = analyze(text, language_id="python")
    assert [s.line for s in result.secrets] == [100_000]
    assert result.template is None  # templates only for text analysed whole
    assert result.language == "python" and result.title


def test_ordinary_snippets_are_not_cut():
    code = "def area(width, height):\n    return width * height\n"
    result = analyze(code)
    assert result.language == "python"
    assert result.template is not None and "${1:width}" in result.template
