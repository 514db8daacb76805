"""Definitions from our definitions.scm queries: kinds, names, parameters, docs, main one."""

from __future__ import annotations

import pytest

from pieces_lsp.analysis.definitions import Definition, definitions, facts, main_definition
from pieces_lsp.analysis.describe import explain
from pieces_lsp.analysis.parsing import parse, query

LANGUAGES = [
    "python", "javascript", "typescript", "typescriptreact", "go", "rust", "java", "kotlin",
    "c", "cpp", "csharp", "ruby", "php", "swift", "scala", "shellscript", "lua",
    "dart", "elixir", "haskell", "julia", "zig", "objective-c", "perl", "powershell",
    "groovy", "ocaml", "fsharp",
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


# language -> (snippet, {name: (kind, params)} expected among its definitions, main definition's
# name, its docstring, the title describe() makes from it).
Case = tuple[str, dict[str, tuple[str, tuple[str, ...]]], str, str | None, str]
MORE_LANGUAGES: dict[str, Case] = {
    "dart": (
        "import 'package:http/http.dart' as http;\n\n"
        "/// Loads the profile of one user.\n"
        "Future<Profile> loadProfile(String userId, {int retries = 2, bool cached = true})\n"
        "    async {\n"
        "  final response = await http.get(Uri.parse('https://example.org/u/$userId'));\n"
        "  if (response.statusCode != 200) {\n"
        "    throw Exception('failed');\n"
        "  }\n"
        "  return Profile.fromJson(response.body);\n"
        "}\n\n"
        "class Profile {\n  final String name;\n  Profile(this.name);\n"
        "  factory Profile.fromJson(String body) => Profile(body);\n}\n",
        {
            "loadProfile": ("function", ("userId", "retries", "cached")),
            "Profile": ("class", ()),
            "fromJson": ("method", ("body",)),
        },
        "loadProfile",
        "Loads the profile of one user.",
        "Loads the profile of one user",
    ),
    "elixir": (
        "defmodule Shop.Cart do\n"
        '  @doc "Adds an item to the cart and recomputes the total."\n'
        "  def add_item(cart, item, quantity \\\\ 1) do\n"
        "    items = Map.update(cart.items, item.id, quantity, &(&1 + quantity))\n"
        "    total = Enum.reduce(items, 0, fn {_id, q}, acc -> acc + q end)\n"
        "    %{cart | items: items, total: total}\n"
        "  end\n"
        "end\n",
        {"Cart": ("module", ()), "add_item": ("function", ("cart", "item", "quantity"))},
        "add_item",
        "Adds an item to the cart and recomputes the total.",
        "Adds an item to the cart and recomputes the total",
    ),
    "haskell": (
        "module Stats where\n\n"
        "-- | Arithmetic mean of a list.\n"
        "mean :: [Double] -> Double\n"
        "mean [] = 0\n"
        "mean xs = total / count\n"
        "  where\n"
        "    total = sum xs\n"
        "    count = fromIntegral (length xs)\n",
        {"mean": ("function", ())},
        "mean",
        "Arithmetic mean of a list.",
        "Arithmetic mean of a list",
    ),
    "julia": (
        '"""\n    normalize(values, eps)\n\nScale values to unit length.\n"""\n'
        "function normalize(values::Vector{Float64}, eps=1e-12; copy=true)\n"
        "    norm = sqrt(sum(values .^ 2))\n"
        "    return values ./ (norm + eps)\n"
        "end\n",
        {"normalize": ("function", ("values", "eps", "copy"))},
        "normalize",
        "Scale values to unit length.",
        "Scale values to unit length",
    ),
    "zig": (
        'const std = @import("std");\n\n'
        "/// A growable stack of integers.\n"
        "const Stack = struct {\n"
        "    items: std.ArrayList(i32),\n\n"
        "    pub fn push(self: *Stack, value: i32) !void {\n"
        "        try self.items.append(value);\n"
        "    }\n\n"
        "    pub fn pop(self: *Stack) ?i32 {\n"
        "        return self.items.popOrNull();\n"
        "    }\n"
        "};\n",
        {"Stack": ("struct", ()), "push": ("method", ("value",)), "pop": ("method", ())},
        "Stack",
        "A growable stack of integers.",
        "Stack struct: A growable stack of integers",
    ),
    "objective-c": (
        "#import <Foundation/Foundation.h>\n\n"
        "@implementation ImageCache\n"
        "- (UIImage *)imageForKey:(NSString *)key scale:(CGFloat)scale {\n"
        "    UIImage *image = [self.store objectForKey:key];\n"
        "    return image;\n"
        "}\n"
        "- (void)clear {\n"
        "    [self.store removeAllObjects];\n"
        "}\n"
        "@end\n",
        {"ImageCache": ("class", ()), "imageForKey": ("method", ("key", "scale"))},
        "ImageCache",
        None,
        "ImageCache class with imageForKey, clear",
    ),
    "perl": (
        "use strict;\n\n"
        "# Read a config file into a hash.\n"
        "sub read_config {\n"
        "    my ($path, %defaults) = @_;\n"
        "    open(my $fh, '<', $path) or die \"cannot open $path\";\n"
        "    my %config = %defaults;\n"
        "    while (my $line = <$fh>) {\n"
        "        my ($key, $value) = split /=/, $line, 2;\n"
        "        $config{$key} = $value;\n"
        "    }\n"
        "    return \\%config;\n"
        "}\n",
        {"read_config": ("function", ("path", "defaults"))},
        "read_config",
        "Read a config file into a hash.",
        "Read a config file into a hash",
    ),
    "powershell": (
        "<#\n.SYNOPSIS\nRemoves log files older than a number of days.\n#>\n"
        "function Remove-OldLogs {\n"
        "    param(\n        [string]$Folder,\n        [int]$Days = 30\n    )\n"
        "    $cutoff = (Get-Date).AddDays(-$Days)\n"
        "    Get-ChildItem -Path $Folder -Filter *.log |\n"
        "        Where-Object { $_.LastWriteTime -lt $cutoff } |\n"
        "        Remove-Item\n"
        "}\n",
        {"Remove-OldLogs": ("function", ("Folder", "Days"))},
        "Remove-OldLogs",
        "Removes log files older than a number of days.",
        "Removes log files older than a number of days",
    ),
    "groovy": (
        "// Tags the release in git and pushes it.\n"
        "def tagRelease(String version, boolean push = true) {\n"
        '    def tag = "v" + version\n'
        '    sh "git tag ${tag}"\n'
        "    if (push) {\n"
        '        sh "git push origin ${tag}"\n'
        "    }\n"
        "}\n",
        {"tagRelease": ("function", ("version", "push"))},
        "tagRelease",
        "Tags the release in git and pushes it.",
        "Tags the release in git and pushes it",
    ),
    "ocaml": (
        "(** Count the words of a line. *)\n"
        "let count_words line sep =\n"
        "  let parts = String.split_on_char sep line in\n"
        '  List.length (List.filter (fun w -> w <> "") parts)\n',
        {"count_words": ("function", ("line", "sep"))},
        "count_words",
        "Count the words of a line.",
        "Count the words of a line",
    ),
    "fsharp": (
        "/// Parses a price in cents from text.\n"
        "let parsePrice (text: string) currency =\n"
        '    let cleaned = text.Trim().Replace(currency, "")\n'
        "    match System.Decimal.TryParse cleaned with\n"
        "    | true, value -> Some (int (value * 100m))\n"
        "    | _ -> None\n",
        {"parsePrice": ("function", ("text", "currency"))},
        "parsePrice",
        "Parses a price in cents from text.",
        "Parses a price in cents from text",
    ),
}


@pytest.mark.parametrize("language", sorted(MORE_LANGUAGES))
def test_more_languages_definitions_and_titles(language: str) -> None:
    src, expected, main_name, doc, title = MORE_LANGUAGES[language]
    parsed = parse(src, language)
    assert parsed is not None
    found: dict[str, Definition] = {}
    for d in definitions(parsed):
        found.setdefault(d.name, d)  # a class before its same-named constructor
    for name, (kind, params) in expected.items():
        assert name in found, (name, sorted(found))
        assert (found[name].kind, found[name].params) == (kind, params)
    main = main_definition(parsed)
    assert main is not None and main.name == main_name
    assert main.docstring == doc
    described = explain(src, language, parsed, frameworks=[], imports=[])
    assert (described.source, described.title) == ("definition", title)


def test_dart_signature_and_body_make_one_definition() -> None:
    src = "void main() {\n  final app = App();\n  app.run();\n}\n"
    parsed = parse(src, "dart")
    assert parsed is not None
    (main,) = definitions(parsed)
    assert (main.name, main.start_line, main.end_line) == ("main", 0, 3)
    assert {c.name for c in facts(parsed).calls} >= {"App", "run"}


def test_haskell_equations_are_one_function_with_its_signature() -> None:
    src = "fact :: Integer -> Integer\nfact 0 = 1\nfact n = n * fact (n - 1)\n"
    parsed = parse(src, "haskell")
    assert parsed is not None
    (fact,) = definitions(parsed)
    assert (fact.start_line, fact.end_line) == (0, 2)
    assert fact.signature == "fact :: Integer -> Integer"


def test_elixir_definition_macros_are_not_calls() -> None:
    src = "defmodule M do\n  alias Foo.Bar\n  def run(x), do: Bar.call(x)\nend\n"
    parsed = parse(src, "elixir")
    assert parsed is not None
    calls = [c.qualified for c in facts(parsed).calls]
    assert "Bar.call" in calls
    assert not {"defmodule", "def", "alias"} & set(calls)


def test_zig_import_binding_is_an_import() -> None:
    src = 'const std = @import("std");\npub fn main() void {\n    std.debug.print("hi", .{});\n}\n'
    parsed = parse(src, "zig")
    assert parsed is not None
    assert all(t.in_import for t in facts(parsed).tokens if t.text == "std" and t.start < 10)
