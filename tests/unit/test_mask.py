"""`parsing.mask.code_only`: comments and string contents blanked, offsets kept."""

from __future__ import annotations

from pieces_lsp.analysis.parsing import parse
from pieces_lsp.analysis.parsing.mask import code_only


def masked(text: str, language: str) -> str:
    parsed = parse(text, language)
    assert parsed is not None
    return code_only(parsed)


def test_python_docstrings_comments_and_strings_go_code_stays() -> None:
    text = (
        'def f(x):\n    """Describe the frame."""\n    # describe it\n'
        '    s = f"a {x.describe()} b"\n    return "CommandError" + ", ".join(s)\n'
    )
    out = masked(text, "python")
    assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert "Describe" not in out and "describe it" not in out and "CommandError" not in out
    assert "x.describe()" in out  # an f-string's interpolation is code
    assert "def f(x):" in out and ".join(s)" in out


def test_comments_keep_the_compound_names_they_cite() -> None:
    text = "// Without useActionState, describe WebClient and select_related here\nrun();\n"
    out = masked(text, "javascript")
    for kept in ("useActionState", "WebClient", "select_related", "run();"):
        assert kept in out
    for gone in ("Without", "describe", "here"):
        assert gone not in out


def test_java_strings_and_char_literals() -> None:
    text = "@Service class A { String s = \"@Transactional\"; char c = 'x'; /** ExampleBean */ }\n"
    out = masked(text, "java")
    assert "@Service class A" in out
    assert "@Transactional" not in out and "'x'" not in out
    assert "ExampleBean" in out  # a compound name in a doc comment
    assert len(out.encode()) == len(text.encode())


def test_non_ascii_text_keeps_its_length_in_bytes() -> None:
    text = 's = "héllo wörld"  # çà\nprint(s)\n'
    out = masked(text, "python")
    assert out.endswith("print(s)\n") and "héllo" not in out
