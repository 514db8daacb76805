"""Language identification: precedence of the signals, rules, the model, and model integrity."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from pieces_lsp.analysis.langid import identify, linguist_name, rule_boosts
from pieces_lsp.errors import ModelFileError
from pieces_lsp.ml import runtime
from pieces_lsp.resources import models_dir

PY = """import sys

def greet(name: str) -> str:
    return f"hello {name}"

if __name__ == "__main__":
    print(greet(sys.argv[1]))
"""

GO = """package main

import "fmt"

func main() {
    total := 0
    for i := 0; i < 10; i++ {
        total += i
    }
    fmt.Println("sum", total)
}
"""

RUST = """fn main() {
    let mut words: Vec<String> = std::env::args().skip(1).collect();
    words.sort();
    for w in &words {
        println!("{}", w);
    }
}
"""

ELIXIR = """defmodule Greeter do
  def hello(name) do
    IO.puts("Hello, #{name}")
  end
end
"""

SQL = """SELECT c.name, COUNT(o.id) AS orders
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.name
ORDER BY orders DESC;
"""


def test_language_id_wins_over_everything():
    guess = identify(PY, filename="notes.rb", language_id="python")
    assert (guess.language, guess.source, guess.confidence) == ("python", "languageId", 1.0)


def test_filename_used_when_no_language_id():
    guess = identify("whatever text", filename="file:///tmp/project/main.go")
    assert (guess.language, guess.source) == ("go", "filename")
    assert identify("x", filename="/src/Dockerfile").language == "dockerfile"


def test_plaintext_language_id_falls_through_to_the_text():
    guess = identify(GO, language_id="plaintext")
    assert guess.language == "go"
    assert guess.source == "model"


def test_shebang_and_modeline():
    assert identify("#!/usr/bin/env python3\nprint('hi')\n").source == "shebang"
    assert identify("#!/usr/bin/env python3\nprint('hi')\n").language == "python"
    assert identify("#!/bin/bash\necho hi\n").language == "shellscript"
    assert identify("# vim: set ft=ruby :\nputs 'x'\nputs 'y'\n").language == "ruby"


@pytest.mark.parametrize("text", ["", "   \n\t", "ok"])
def test_empty_or_tiny_text_is_plaintext(text):
    guess = identify(text)
    assert guess.language == "plaintext"
    assert guess.confidence < 0.5


@pytest.mark.parametrize(
    ("text", "language"),
    [(PY, "python"), (GO, "go"), (RUST, "rust"), (ELIXIR, "elixir"), (SQL, "sql")],
)
def test_model_identifies_common_snippets(text, language):
    guess = identify(text)
    assert guess.language == language
    assert guess.source == "model"
    assert 0.0 < guess.confidence <= 1.0
    assert guess.candidates[0][0] == language


def test_json_rule():
    assert rule_boosts('{"a": [1, 2, {"b": null}]}').get("JSON", 0) > 0
    assert identify('{\n  "name": "demo",\n  "version": "1.0.0"\n}\n').language == "json"


TS_TYPED = """export interface Point {
  x: number;
  y: number;
}

function norm(p: Point): number {
  return Math.hypot(p.x, p.y);
}
"""

JS_PLAIN = """const items = [3, 1, 2];
const config = { name: 'demo', retries: 3, verbose: false };
function total(list) {
  return list.reduce((a, b) => a + b, 0);
}
console.log(total(items), config.name);
"""

FSHARP = """// running totals
let mutable total = 0
for x in [1; 2; 3] do
    total <- total + x
printfn "%d" total
"""

OCAML = """let rec sum = function
  | [] -> 0
  | x :: rest -> x + sum rest
in
print_endline (string_of_int (sum [1; 2; 3]))
"""

DART = """class Counter extends StatefulWidget {
  @override
  State<Counter> createState() => _CounterState();
}

Future<void> load() async {
  final name = 'world';
  print('hello $name');
}
"""

SWIFT = """struct Greeter {
    let name: String
    func greet() -> String {
        return "Hello, \\(name)!"
    }
}
"""

PHP_NO_TAG = """class Cart
{
    private array $items = [];

    public function add(string $sku, int $qty): void
    {
        $this->items[$sku] = ($this->items[$sku] ?? 0) + $qty;
    }
}
"""


def test_typescript_only_syntax_is_evidence_and_its_absence_can_be_a_penalty():
    assert rule_boosts(TS_TYPED)["TypeScript"] > 0
    plain = rule_boosts(JS_PLAIN, ts_absent_penalty=0.5)
    assert plain["TypeScript"] < plain.get("JavaScript", 0.0)
    # the JavaScript runtime (console, process) is evidence for both, never between them
    node = rule_boosts("console.log(process.argv[2]);\n")
    assert node["JavaScript"] == node["TypeScript"] == 3.0
    # an object literal is not a type annotation
    assert rule_boosts("f({a: 1, b: 2, c: 3});\n", ts_absent_penalty=0.5)["TypeScript"] < 0


@pytest.mark.parametrize(
    ("text", "winner", "loser"),
    [
        (FSHARP, "F#", "OCaml"),
        (OCAML, "OCaml", "F#"),
        (DART, "Dart", "Java"),
        (SWIFT, "Swift", "Groovy"),
        (PHP_NO_TAG, "PHP", "Perl"),
    ],
)
def test_rules_separate_close_languages(text: str, winner: str, loser: str):
    boosts = rule_boosts(text)
    assert boosts.get(winner, 0.0) > boosts.get(loser, 0.0)


def test_sed_groups_are_not_swift_interpolation():
    assert "Swift" not in rule_boosts("sed -e 's/\\(foo\\)/bar/' \"$file\"\n")


@pytest.mark.parametrize(
    ("text", "language"),
    [(TS_TYPED, "typescript"), (JS_PLAIN, "javascript"), (DART, "dart"), (SWIFT, "swift")],
)
def test_close_languages_end_to_end(text: str, language: str):
    assert identify(text).language == language


def test_linguist_names():
    assert linguist_name("cpp") == "C++"
    assert linguist_name("terraform") == "HCL"
    assert linguist_name("proto3") == "Protocol Buffer"
    assert linguist_name("nonexistent") is None


def test_model_hash_mismatch_is_a_clear_error(tmp_path: Path):
    root = tmp_path / "models"
    shutil.copytree(models_dir() / "langid", root / "langid")
    data = (root / "langid" / "model.onnx").read_bytes()
    entry = {
        "name": "langid",
        "path": "langid/model.onnx",
        "sha256": hashlib.sha256(b"something else").hexdigest(),
        "bytes": len(data),
    }
    (root / "manifest.json").write_text(json.dumps({"format": 1, "models": [entry]}))
    with pytest.raises(ModelFileError, match="does not match"):
        runtime.session("langid", root)
    entry["sha256"] = hashlib.sha256(data).hexdigest()
    (root / "manifest.json").write_text(json.dumps({"format": 1, "models": [entry]}))
    assert runtime.verify("langid", root) == root / "langid" / "model.onnx"


def test_unlisted_model_is_a_clear_error(tmp_path: Path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 1, "models": []}))
    with pytest.raises(ModelFileError, match="not listed"):
        runtime.verify("langid", tmp_path)


@pytest.mark.parametrize(
    ("text", "winner", "losers"),
    [
        ("main() {\n  var n = int.parse('42');\n  print(n ~/ 5);\n}\n", "Dart", ("Java", "C++")),
        (
            'local f = io.open("notes.txt", "r")\nprint("read: " .. f:read("*a"))\nf:close()\n',
            "Lua",
            ("Julia", "Python"),
        ),
        ("$total = 0;\nforeach ($prices as $p) {\n    $total += count($p);\n}\n", "PHP", ("Perl",)),
        ('if (n < 0) {\n    Console.Error.WriteLine("negative");\n}\n', "C#", ("C", "Java")),
    ],
)
def test_idiom_markers_favour_the_right_language(text: str, winner: str, losers: tuple[str, ...]):
    boosts = rule_boosts(text)
    assert all(boosts.get(winner, 0.0) > boosts.get(loser, 0.0) for loser in losers)


@pytest.mark.parametrize(
    ("text", "winner", "losers"),
    [
        # Ruby: `elsif`, block parameters and a statement modifier (Elixir needs `do`, Lua `then`)
        (
            "def grade(score)\n  return 'none' if score.nil?\n  if score > 90\n    'A'\n"
            "  elsif score > 80\n    'B'\n  end\nend\n",
            "Ruby",
            ("Elixir", "Lua"),
        ),
        ("3.times do |n|\n  puts n\nend\n", "Ruby", ("Elixir", "OCaml")),
        # Kotlin: `until` ranges and `catch (e: Type)`
        (
            "for (i in 0 until items.size) {\n    try {\n        use(items[i])\n"
            "    } catch (e: IllegalStateException) {\n        println(e)\n    }\n}\n",
            "Kotlin",
            ("Groovy", "Scala", "Swift"),
        ),
        # Swift: guard ... else
        (
            'guard let port = Int(value) else {\n    fatalError("bad port")\n}\n',
            "Swift",
            ("Kotlin", "F#"),
        ),
        # Rust: primitive casts and typed let; never F# because of `let` + `//`
        (
            "// shift a letter\nlet base: u8 = b'a';\nlet shifted = (c as u8 - base + 13) % 26;\n"
            "while i < n {\n    i += 1;\n}\n",
            "Rust",
            ("Zig", "F#", "OCaml"),
        ),
        # C#: int.TryParse with an out variable
        ("if (!int.TryParse(text, out int value))\n{\n    return -1;\n}\n", "C#", ("Java", "C")),
        # C++: the <cstdio> headers and constexpr
        ("#include <cstdlib>\nconstexpr int limit = 10;\n", "C++", ("C",)),
        # C++: type deduction in a condition or loop header
        ("if (auto it = cache.find(key); it != cache.end()) {\n    use(it);\n}\n", "C++", ("C",)),
        # Julia: parse(Int, ...) and ARGS
        ("n = parse(Int, ARGS[1])\nprintln(n * 2)\n", "Julia", ("Lua", "Ruby", "Scala")),
        # Makefile functions
        ("OBJS := $(patsubst %.c,%.o,$(SRCS))\n", "Makefile", ("Shell",)),
        # PowerShell comment-based help
        ("<#\n.SYNOPSIS\n  Sums numbers.\n#>\n", "PowerShell", ("Markdown", "MATLAB")),
        # Python: the colon of a for header
        ("for name, size in sizes.items():\n    total += size\n", "Python", ("R", "Julia")),
        # R: base functions with dots
        ("x <- as.numeric(readline())\nif (is.na(x)) cat('bad\\n')\n", "R", ("Scala", "Swift")),
        # Dart: code units
        ("for (var unit in word.codeUnits) {\n  sum += unit;\n}\n", "Dart", ("JavaScript",)),
    ],
)
def test_single_language_constructs(text: str, winner: str, losers: tuple[str, ...]):
    boosts = rule_boosts(text)
    assert all(boosts.get(winner, 0.0) > boosts.get(loser, 0.0) for loser in losers)


@pytest.mark.parametrize(
    "text",
    [
        "x = compute(y) if ready else None\nreturn value if value else default\n",
        "val best = if (a > b) a else b\nreturn if (ok) 1 else 0\n",
    ],
)
def test_conditional_expressions_are_not_ruby_modifiers(text: str):
    assert rule_boosts(text).get("Ruby", 0.0) <= 0.0


def test_typescript_boolean_annotation_is_not_java():
    assert (
        rule_boosts("let done: boolean = false;\nfunction f(x: boolean): void {}\n").get(
            "Java", 0.0
        )
        <= 0.0
    )
    assert rule_boosts("private boolean done = false;\n")["Java"] > 0


def test_vue_needs_markup():
    script_only = "export default {\n  data() {\n    return { count: 0 }\n  },\n}\n"
    component = "<template>\n  <p>{{ count }}</p>\n</template>\n" + script_only
    assert rule_boosts(script_only)["Vue"] < 0
    assert rule_boosts(component)["Vue"] > 0
    assert identify(component).language == "vue"
    assert identify(script_only).language != "vue"


def test_ml_let_only_counts_without_brace_blocks():
    fsharp = 'let square x = x * x\n// print it\nprintfn "%d" (square 4)\n'
    swift = "let items = [1, 2, 3]\n// sum them\nfor i in items {\n    print(i)\n}\n"
    assert rule_boosts(fsharp)["F#"] > 2
    assert "F#" not in rule_boosts(swift)
    # .NET namespaces in ML-style code are F#
    dotnet = 'let s = "hi" in System.Console.WriteLine(s)\n'
    assert rule_boosts(dotnet)["F#"] > rule_boosts(dotnet).get("OCaml", 0.0)


def test_identifier_mask_keeps_vocabulary_and_shapes_the_rest():
    from pieces_lsp.ml.langid import mask_identifiers, vocabulary

    vocab = {"def", "return", "self"}
    masked = mask_identifiers("def parseConfig(self, raw_text):\n    return MAX_SIZE\n", vocab)
    assert masked == "def zId(self, z_id):\n    return Z_ID\n"
    assert mask_identifiers("Widget w", None) == "Widget w"
    shipped = vocabulary()
    if shipped is not None:  # the shipped model masks: keywords and builtins must be kept
        assert {"def", "function", "println", "console", "elsif", "fn"} <= shipped


@pytest.mark.parametrize(
    ("text", "penalised", "kept"),
    [
        # `function name(`: no such keyword in the C family or Java
        (
            "function clamp(v, lo, hi) {\n  return Math.min(Math.max(v, lo), hi);\n}\n",
            ("C", "Java"),
            ("JavaScript", "PHP", "Lua"),
        ),
        # untyped `let` / `const` / `var` declarations
        (
            "  let total = 0;\n  total += size;\n",
            ("C", "Objective-C", "Java", "PHP"),
            ("JavaScript", "Swift", "Rust"),
        ),
        ("const limit = 10;\n", ("C", "C++", "Java"), ("JavaScript", "Go", "Zig")),
        (
            "var seen = map[string]bool{}\n",
            ("C++", "Rust", "PHP"),
            ("Go", "JavaScript", "Zig", "Java"),
        ),
        # sigil variables
        (
            "$half = intdiv($count, 2);\n",
            ("C", "Go", "Zig", "Python"),
            ("PHP", "Perl", "PowerShell", "JavaScript"),
        ),
        # a typed C-style loop counter
        (
            "for (int j = 0; j < n; j++)\n    sum += j;\n",
            ("PHP", "JavaScript", "Kotlin"),
            ("C", "Java", "C#", "Dart", "Groovy"),
        ),
        # a bare printf call
        (
            '    printf("%d\\n", best);\n',
            ("Java", "JavaScript", "Python"),
            ("C", "PHP", "Groovy", "Ruby"),
        ),
        # bracket-indexed assignment: Scala writes arr(j + 1) = arr(j)
        ("    arr[j + 1] = arr[j]\n", ("Scala", "Haskell"), ("Kotlin", "Python", "Swift")),
        # ++/-- statements
        (
            "    --hi;\n    lo++;\n",
            ("Rust", "Python", "Swift"),
            ("C++", "Java", "JavaScript", "MATLAB"),
        ),
        # Lua's io library
        ('local f = io.open(path, "r")\n', ("Julia",), ("Lua", "Python")),
    ],
)
def test_constructs_a_language_does_not_have(
    text: str, penalised: tuple[str, ...], kept: tuple[str, ...]
):
    boosts = rule_boosts(text)
    for lang in penalised:
        assert boosts.get(lang, 0.0) < 0, lang
    for lang in kept:
        assert boosts.get(lang, 0.0) >= 0, lang


def test_c_grammar_accepting_a_javascript_function_does_not_make_it_c():
    # tree-sitter's C grammar reads `function clamp(v, lo, hi) {` as an old-style declaration
    text = (
        "function clamp(v, lo, hi) {\n  if (v < lo) return lo;\n"
        "  if (v > hi) return hi;\n  return v;\n}\n"
    )
    assert identify(text).language == "javascript"
