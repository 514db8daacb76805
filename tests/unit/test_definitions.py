"""Definitions from our definitions.scm queries: kinds, names, parameters, docs, main one."""

from __future__ import annotations

import pytest

from pieces_lsp.analysis.definitions import definitions, facts, main_definition
from pieces_lsp.analysis.parsing import parse, query

LANGUAGES = [
    "python", "javascript", "typescript", "typescriptreact", "go", "rust", "java", "kotlin",
    "c", "cpp", "csharp", "ruby", "php", "swift", "scala", "shellscript", "lua",
]  # fmt: skip

PY = '''\
import json


class SettingsStore:
    """Keeps settings on disk."""

    def load(self, path, *, strict=False):
        with open(path) as fh:
            return json.load(fh)


def merge_settings(base: dict, override: dict) -> dict:
    """Merge two settings dicts. Later wins."""
    return {**base, **override}
'''


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_query_compiles(language: str) -> None:
    assert query(language, "definitions") is not None


def test_python_kinds_params_docs() -> None:
    parsed = parse(PY, "python")
    assert parsed is not None
    found = {d.name: d for d in definitions(parsed)}
    cls, method, fn = found["SettingsStore"], found["load"], found["merge_settings"]
    assert (cls.kind, cls.docstring) == ("class", "Keeps settings on disk.")
    assert (method.kind, method.params, method.container) == (
        "method",
        ("path", "strict"),
        cls.name,
    )
    assert fn.params == ("base", "override")
    assert fn.return_type == "dict"
    assert fn.docstring == "Merge two settings dicts. Later wins."
    assert fn.signature == "def merge_settings(base: dict, override: dict) -> dict:"
    assert (fn.start_line, fn.end_line) == (11, 13)


def test_go_method_struct_and_doc_comment() -> None:
    src = (
        "package store\n\n// Open opens the store at dir.\n"
        "func Open(dir string, readOnly bool) (*Store, error) {\n\treturn nil, nil\n}\n\n"
        "type Store struct{ dir string }\n\n"
        "func (s *Store) Close() error { return nil }\n"
    )
    parsed = parse(src, "go")
    assert parsed is not None
    found = {d.name: d for d in definitions(parsed)}
    assert found["Open"].params == ("dir", "readOnly")
    assert found["Open"].docstring == "Open opens the store at dir."
    assert found["Store"].kind == "struct"
    assert found["Close"].kind == "method"


def test_java_annotations_and_javadoc() -> None:
    src = (
        "/**\n * Greets people.\n * @author someone\n */\n"
        "public class Greeter {\n"
        "    @Override\n    public String greet(String name, int times) { return name; }\n}\n"
    )
    parsed = parse(src, "java")
    assert parsed is not None
    found = {d.name: d for d in definitions(parsed)}
    assert found["Greeter"].docstring == "Greets people."
    assert found["greet"].params == ("name", "times")
    assert found["greet"].signature.startswith("public String greet(")
    assert found["greet"].return_type == "String"


def test_rust_impl_functions_are_methods_and_self_is_dropped() -> None:
    src = (
        "/// A point.\nstruct Point { x: f64 }\n\n"
        "impl Point {\n    fn scale(&self, by: f64) -> Point { Point { x: self.x * by } }\n}\n"
    )
    parsed = parse(src, "rust")
    assert parsed is not None
    found = {d.name: d for d in definitions(parsed)}
    assert found["Point"].docstring == "A point."
    assert (found["scale"].kind, found["scale"].params) == ("method", ("by",))


def test_kotlin_and_swift_flavours() -> None:
    kt = parse(
        "interface Shape\nenum class Color { RED }\nfun area(w: Int, h: Int) = w * h\n", "kotlin"
    )
    sw = parse("struct Size {}\nprotocol Drawable {}\nfunc draw(in rect: Int) {}\n", "swift")
    assert kt is not None and sw is not None
    assert {d.name: d.kind for d in definitions(kt)} == {
        "Shape": "interface",
        "Color": "enum",
        "area": "function",
    }
    kinds = {d.name: d.kind for d in definitions(sw)}
    assert kinds == {"Size": "struct", "Drawable": "interface", "draw": "function"}
    assert next(d for d in definitions(sw) if d.name == "draw").params == ("rect",)


def test_main_definition_covers_most_of_the_snippet() -> None:
    parsed = parse(PY, "python")
    assert parsed is not None
    main = main_definition(parsed)
    assert main is not None and main.name == "SettingsStore"
    script = "import sys\n\ndef helper(x):\n    return x\n\n" + "print(sys.argv)\n" * 10
    parsed = parse(script, "python")
    assert parsed is not None
    assert main_definition(parsed) is None  # a small helper in a long script is not the point


def test_namespace_is_looked_through() -> None:
    src = (
        "namespace App {\n  public class Billing {\n    public void Charge(int cents) {}\n  }\n}\n"
    )
    parsed = parse(src, "csharp")
    assert parsed is not None
    main = main_definition(parsed)
    assert main is not None and main.name == "Billing"


def test_truncated_snippet_falls_back_to_lines() -> None:
    src = (
        'class Exporter(Base):\n    """Export rows."""\n\n'
        "    def run(self, rows):\n        return (\n"
    )
    parsed = parse(src, "python")
    assert parsed is not None
    main = main_definition(parsed)
    assert main is not None and (main.name, main.kind) == ("Exporter", "class")
    assert main.docstring == "Export rows."


def test_calls_keep_simple_receivers() -> None:
    parsed = parse("import os\nos.makedirs(p)\nclient.get<User>(url)\n", "python")
    assert parsed is not None
    assert next(c.qualified for c in facts(parsed).calls) == "os.makedirs"
    ts = parse("const u = client.get<User>(url);\n", "typescript")
    assert ts is not None
    assert [c.name for c in facts(ts).calls] == ["get"]
