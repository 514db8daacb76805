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
