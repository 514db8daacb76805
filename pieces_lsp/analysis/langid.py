"""Language identification: file name / editor languageId first, then the text alone.

For text alone three signals are combined:
  1. a small linear classifier over hashed token and character n-grams (ONNX, models/langid/);
  2. lexical rules: shebang and modelines decide outright; a table of strong markers
     (`<?php`, `-module(`, `#include <iostream>`, ...) adds evidence to the model's scores;
  3. tree-sitter parse quality re-ranks the top few candidates when the model is unsure.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from pieces_lsp.analysis.languages import PLAINTEXT, known_languages, language_from_path
from pieces_lsp.ml.langid import TS_ONLY, VUE_MARKUP
from pieces_lsp.resources import grammars_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: str
    confidence: float
    source: str  # "filename" | "languageId" | "shebang" | "model"
    candidates: tuple[tuple[str, float], ...]


MIN_CHARS = 8  # fewer non-blank characters than this: plaintext
TOP_K = 3  # candidates re-ranked by parse quality
PARSE_WEIGHT = 1.0  # log-score points per unit of parse quality (models/langid/tune.py)
RULE_SCALE = 1.0  # multiplies the lexical rule boosts (models/langid/tune.py)
RERANK_BELOW = 0.97  # only re-rank when the model's (rule-adjusted) top probability is below
PARSE_MAX_LINES = 120
PARSE_MIN_PROB = 0.02  # candidates less likely than this are not parsed

# editor languageIds that mean "we don't know" or are aliases of ours
_UNKNOWN_IDS = {"", "plaintext", "text", "txt", "unknown", "auto"}
_ALIASES = {
    "jsonc": "json",
    "json5": "json",
    "sh": "shellscript",
    "bash": "shellscript",
    "zsh": "shellscript",
    "shell": "shellscript",
    "batch": "bat",
    "cmd": "bat",
    "hcl": "terraform",
    "tex": "latex",
    "proto": "proto3",
    "protobuf": "proto3",
    "objc": "objective-c",
    "objective-cpp": "objective-c",
    "c++": "cpp",
    "c#": "csharp",
    "cs": "csharp",
    "f#": "fsharp",
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "rb": "ruby",
    "yml": "yaml",
    "docker": "dockerfile",
    "make": "makefile",
    "octave": "matlab",
    "golang": "go",
}

_SHEBANG = {
    "python": "python",
    "pypy": "python",
    "node": "javascript",
    "nodejs": "javascript",
    "deno": "typescript",
    "ts-node": "typescript",
    "bun": "javascript",
    "bash": "shellscript",
    "sh": "shellscript",
    "zsh": "shellscript",
    "ksh": "shellscript",
    "dash": "shellscript",
    "ash": "shellscript",
    "fish": "shellscript",
    "ruby": "ruby",
    "perl": "perl",
    "php": "php",
    "lua": "lua",
    "luajit": "lua",
    "rscript": "r",
    "julia": "julia",
    "pwsh": "powershell",
    "powershell": "powershell",
    "elixir": "elixir",
    "escript": "erlang",
    "groovy": "groovy",
    "kotlin": "kotlin",
    "scala": "scala",
    "swift": "swift",
    "runghc": "haskell",
    "runhaskell": "haskell",
    "stack": "haskell",
    "ocaml": "ocaml",
    "dart": "dart",
    "make": "makefile",
    "dotnet": "fsharp",
    "octave": "matlab",
    "clojure": "clojure",
    "bb": "clojure",
    "cmake": "cmake",
}
_MODELINE_VIM = re.compile(r"(?:vi|vim|ex):.*?\b(?:ft|filetype|syntax)=([\w+#-]+)")
_MODELINE_EMACS = re.compile(r"-\*-.*?(?:mode:\s*)?([\w+#-]+)\s*(?:;.*)?-\*-", re.I)
_VIM_FT = {
    "sh": "shellscript",
    "bash": "shellscript",
    "zsh": "shellscript",
    "cs": "csharp",
    "objc": "objective-c",
    "make": "makefile",
    "tex": "latex",
    "proto": "proto3",
    "dosbatch": "bat",
    "ps1": "powershell",
    "javascript": "javascript",
    "js": "javascript",
    "c++": "cpp",
    "perl": "perl",
    "cperl": "perl",
    "shell-script": "shellscript",
    "ruby": "ruby",
    "python": "python",
    "lisp": "commonlisp",
    "emacs-lisp": "",
    "tuareg": "ocaml",
    "caml": "ocaml",
}

# Strong lexical markers: (regex, linguist language, log-score boost). Each is a construct that is
# idiomatic in that language and rare elsewhere; several markers for one language add up.
_F = re.M
_CMAKE = (
    r"^\s*(cmake_minimum_required|project|add_executable|add_library|target_link_libraries|"
    r"set_target_properties|find_package)\s*\("
)
_HCL = r"^\s*(resource|variable|provider|module|output|data)\s+\"[\w-]+\"(\s+\"[\w-]+\")?\s*\{"
_LET = r"^\s*let\s+(mutable\s+|rec\s+|inline\s+)?\w+(\s+\w+)*\s*(:\s*[\w<>]+\s*)?="
_RULES_SRC: list[tuple[str, int, str, float]] = [
    (r"<\?php", 0, "PHP", 4.0),
    (r"\$this->\w", 0, "PHP", 1.5),
    (r"^\s*-module\(\w+\)\.", _F, "Erlang", 4.0),
    (r"\bio:format\(", 0, "Erlang", 2.0),
    (r"^\s*defmodule\s+[\w.]+\s+do\b", _F, "Elixir", 4.0),
    (r"\bIO\.(puts|inspect)\b", 0, "Elixir", 2.0),
    (r"^\s*\(ns\s+[\w.-]+", _F, "Clojure", 3.0),
    (r"^\s*\(defn-?\s", _F, "Clojure", 3.0),
    (r"^main\s*::\s*IO\s*\(\)", _F, "Haskell", 4.0),
    (r"^[a-z]\w*\s*::\s*[A-Z(\[]", _F, "Haskell", 1.5),
    (r"^\s*import\s+qualified\s", _F, "Haskell", 3.0),
    (r"\bprintfn\b", 0, "F#", 3.0),
    (r"\[<EntryPoint>\]", 0, "F#", 4.0),
    (r"^\s*open\s+System\b", _F, "F#", 2.5),
    (r"^\s*member\s+(this|_|self|x)\.\w+", _F, "F#", 3.0),
    (r"\bsprintf\s+\"[^\"]*%[sdif]", 0, "F#", 1.0),
    (r"\|>\s*(List|Seq|Array|Map|Option|String)\.\w+", 0, "F#", 1.5),
    (r"\b(Printf\.printf|print_endline|print_string|print_int)\b", 0, "OCaml", 2.5),
    (r";;\s*$", _F, "OCaml", 1.5),
    (r"^\s*let\s+\(\)\s*=", _F, "OCaml", 1.5),
    (r"\bmodule\s+\w+\s*=\s*struct\b", 0, "OCaml", 3.0),
    (r"^\s*const\s+std\s*=\s*@import\(\"std\"\)", _F, "Zig", 5.0),
    (r"^package\s+\w+\s*$", _F, "Go", 1.5),
    (r"^\s*func\s+(\(\w+\s+\*?\w+\)\s*)?\w+\(.*\)\s*[\w*\[\]().,\s]*\{\s*$", _F, "Go", 1.0),
    (r"\bfmt\.(Print|Sprint|Fprint|Errorf)", 0, "Go", 2.5),
    (r"^\s*fn\s+\w+(<[^>]*>)?\(", _F, "Rust", 1.5),
    (r"\b(println|format|vec|eprintln|panic)!\(", 0, "Rust", 2.5),
    (r"^\s*(pub\s+)?(struct|enum|impl|trait|mod)\s+\w+.*\{", _F, "Rust", 0.5),
    (r"^\s*use\s+\w+(::\w+)+", _F, "Rust", 1.5),
    (r"\blet\s+mut\s", 0, "Rust", 1.5),
    (r"^\s*use\s+strict\s*;", _F, "Perl", 3.0),
    (r"^\s*my\s+[$@%]\w+", _F, "Perl", 2.5),
    (r"^\s*(sub\s+\w+\s*\{|print\s+\"[^\"]*\\n\"\s*;)", _F, "Perl", 1.0),
    (r"\b(Write-(Host|Output|Error|Verbose)|Get-\w+|Set-\w+|New-Object)\b", 0, "PowerShell", 3.0),
    (r"\s-(eq|ne|lt|gt|le|ge|and|or|not|match|like)\s", 0, "PowerShell", 1.5),
    (r"^\s*param\s*\(", _F, "PowerShell", 2.0),
    (r"^\s*function\s+\w+-\w+", _F, "PowerShell", 3.0),
    (r"^\s*library\(\w+\)", _F, "R", 3.0),
    (r"^\s*[\w.]+\s*<-\s*function\s*\(", _F, "R", 3.0),
    (r"\b(cat|paste0?|sprintf)\(.*\)\s*$", _F, "R", 0.3),
    (r"^\s*function\s+(\[[^\]]*\]|\w+)\s*=\s*\w+\(", _F, "MATLAB", 3.0),
    (r"\b(fprintf|disp|num2str|zeros|numel)\(", 0, "MATLAB", 1.0),
    (r"^\s*%[^{}\n]*$", _F, "MATLAB", 0.3),
    (r"^\s*local\s+(function\s+)?\w+(\s*,\s*\w+)*\s*=", _F, "Lua", 2.0),
    (r"^\s*local\s+function\s+\w+", _F, "Lua", 2.0),
    (r"\bthen\s*$", _F, "Lua", 0.3),
    (r"^\s*(puts|require|require_relative)\s+['\"]?", _F, "Ruby", 1.0),
    (r"^\s*attr_(accessor|reader|writer)\s+:", _F, "Ruby", 3.0),
    (r"\.each\s+do\s+\|", 0, "Ruby", 2.0),
    (r"^\s*fun\s+main\s*\(", _F, "Kotlin", 3.0),
    (r"^\s*(private\s+|override\s+|suspend\s+)*fun\s+\w+\s*\(", _F, "Kotlin", 1.5),
    (r"^\s*object\s+\w+\s+extends\s+App\b", _F, "Scala", 4.0),
    (r"\bdef\s+main\s*\(\s*args\s*:\s*Array\[String\]\s*\)", 0, "Scala", 4.0),
    (r":\s*Unit\s*=", 0, "Scala", 2.0),
    (r"^\s*import\s+(Foundation|UIKit|SwiftUI)\s*$", _F, "Swift", 4.0),
    (r"^\s*func\s+\w+\s*(<[^>]*>)?\(.*\)\s*(->|\{)", _F, "Swift", 1.0),
    (r"^\s*(guard\s+let|if\s+let)\s+\w+\s*=", _F, "Swift", 2.0),
    (r"^\s*using\s+System(\.\w+)*\s*;", _F, "C#", 3.0),
    (r"\bConsole\.(Write|WriteLine|ReadLine)\(", 0, "C#", 3.0),
    (r"\bstatic\s+(void|int|async\s+Task)\s+Main\s*\(", 0, "C#", 3.0),
    (r"\bpublic\s+static\s+void\s+main\s*\(\s*(final\s+)?String", 0, "Java", 4.0),
    (r"\bSystem\.out\.print", 0, "Java", 1.5),
    (r"^\s*#include\s*<(iostream|vector|string|map|algorithm|memory|sstream)>", _F, "C++", 4.0),
    (r"\bstd::\w", 0, "C++", 2.0),
    (r"^\s*#include\s*<(stdio|stdlib|string|math)\.h>", _F, "C", 2.0),
    (r"^\s*#import\s*[<\"]", _F, "Objective-C", 3.0),
    (r"^\s*@(interface|implementation|end|property)\b", _F, "Objective-C", 3.0),
    (r"\bNSLog\(|\bNSString\b|@\"", 0, "Objective-C", 2.5),
    (r"^\s*import\s+['\"](dart|package):", _F, "Dart", 5.0),
    (r"^\s*void\s+main\s*\(\s*(List<String>\s+\w+)?\s*\)\s*(async\s*)?\{", _F, "Dart", 3.0),
    (r"^\s*(final|var)\s+\w+\s*=.*;\s*$", _F, "Dart", 0.5),
    (r"\bstdout\.write", 0, "Dart", 1.5),
    (r"^\s*using\s+[A-Z]\w+(\s*,\s*[A-Z]\w+)*\s*$", _F, "Julia", 2.5),
    (r"^\s*function\s+\w+(\{[^}]*\})?\(.*\)\s*$", _F, "Julia", 1.0),
    (r"::\s*(Int|Int64|Float64|String|Vector|Array|AbstractString|Bool)\b", 0, "Julia", 2.0),
    (r"\bprintln\(", 0, "Julia", 0.5),
    (r"@(show|time|assert|printf|test|inbounds)\b", 0, "Julia", 1.5),
    (r"^\s*end\s*$", _F, "Julia", 0.3),
    (r"^\s*if\s+__name__\s*==\s*['\"]__main__['\"]\s*:", _F, "Python", 4.0),
    (r"^\s*def\s+\w+\(.*\)\s*(->\s*[^:]+)?:\s*$", _F, "Python", 2.0),
    (r"^\s*(from\s+[\w.]+\s+)?import\s+[\w.]+(\s+as\s+\w+)?\s*$", _F, "Python", 0.5),
    (r"^\s*(elif\s|except(\s+\w+)?(\s+as\s+\w+)?:)", _F, "Python", 2.0),
    (r"^\s*(fi|done|esac)\s*$", _F, "Shell", 2.5),
    (r"^\s*if\s+\[\[?\s", _F, "Shell", 2.5),
    (r"^\s*@?echo\s+off\s*$", _F | re.I, "Batchfile", 5.0),
    (r"^\s*(rem\s|::)", _F | re.I, "Batchfile", 2.0),
    (r"%~?\w+%|%~dp0|\bgoto\s+:?\w+", re.I, "Batchfile", 2.0),
    (r"^\s*set\s+/[ap]\s", _F | re.I, "Batchfile", 3.0),
    (r"^\.PHONY\s*:", _F, "Makefile", 4.0),
    (r"^[\w./%$() -]+:([^=\n]*)\n\t", _F, "Makefile", 2.5),
    (r"^\s*\w+\s*[:?+]?=\s*\S", _F, "Makefile", 0.3),
    (r"\$\([A-Z_]+\)", 0, "Makefile", 1.0),
    (_CMAKE, _F | re.I, "CMake", 4.0),
    (r"^FROM\s+[\w./:@${}-]+(\s+(AS|as)\s+\w+)?\s*$", _F, "Dockerfile", 3.0),
    (r"^(RUN|CMD|ENTRYPOINT|COPY|WORKDIR|EXPOSE|ENV|ARG|LABEL)\s", _F, "Dockerfile", 1.5),
    (r"\\(documentclass|usepackage|begin\{document\}|section\{|end\{\w+\})", 0, "TeX", 3.0),
    (r"^\s*syntax\s*=\s*\"proto[23]\"\s*;", _F, "Protocol Buffer", 5.0),
    (r"^\s*(message|service|enum)\s+\w+\s*\{", _F, "Protocol Buffer", 1.0),
    (_HCL, _F, "HCL", 4.0),
    (r"^\s*(query|mutation|subscription|fragment)\s+\w+[\s({]", _F, "GraphQL", 3.0),
    (r"^\s*(type|input|interface)\s+\w+(\s+implements\s+\w+)?\s*\{\s*$", _F, "GraphQL", 1.0),
    (r"^\s*<template(\s[^>]*)?>", _F, "Vue", 3.0),
    (r"^\s*<script(\s+setup|\s+lang=\"ts\")?\s*>\s*$", _F, "Vue", 1.0),
    (r"^\s*export\s+default\s+\{", _F, "Vue", 1.0),
    (r"<!DOCTYPE\s+html|<html[\s>]", re.I, "HTML", 3.0),
    (r"^\s*<\?xml\s", _F, "XML", 3.0),
    (r"^\s*\$[\w-]+\s*:", _F, "SCSS", 2.0),
    (r"@(mixin|include|extend|use)\s", 0, "SCSS", 2.5),
    (r"^\s*&[:.\[-]", _F, "SCSS", 1.5),
    (r"^\s*\[\[?[\w.\"-]+\]\]?\s*$", _F, "TOML", 1.0),
    (r"^[\w\"-]+\s*=\s*(\"|'|\[|\{|\d|true|false)", _F, "TOML", 0.7),
    (r"\b(SELECT|INSERT\s+INTO|CREATE\s+TABLE|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", 0, "SQL", 1.5),
    (r"^\s*(interface|type)\s+\w+(<[^>]*>)?\s*(=|\{)", _F, "TypeScript", 1.5),
    (r"\w\s*:\s*(string|number|boolean|void|any|unknown)(\[\])?\s*[,)=;{]", 0, "TypeScript", 2.0),
    (r"\brequire\(['\"][\w./@-]+['\"]\)", 0, "JavaScript", 1.0),
    # The JavaScript runtime's own objects: equal evidence for JavaScript and TypeScript, so
    # they lift the pair over look-alikes (C-family, R, Zig) without choosing between the two.
    *(
        (rx, 0, lang, 1.5)
        for rx in (
            r"\bconsole\.(log|error|warn|info)\s*\(",
            r"\bprocess\.(argv|exit|env)\b",
            r"\b(parseInt|parseFloat)\s*\(",
            r"\bdocument\.(getElementById|querySelector)",
        )
        for lang in ("JavaScript", "TypeScript")
    ),
    # PHP rather than Perl / C-family: `$var = ...` without Perl's `my`, and PHP's builtins
    (r"^\s*\$\w+\s*=\s*[^=~]", _F, "PHP", 1.5),
    (
        r"\b(count|strlen|explode|implode|isset|array_\w+|str_\w+|intval|is_numeric)\(\$",
        0,
        "PHP",
        2.0,
    ),
    # Dart rather than Java / C++: an untyped or void `main()`, `print(...);`, Dart's core names
    (r"^(void\s+)?main\s*\(\s*(List<String>\s+\w+)?\s*\)\s*(async\s*)?\{", _F, "Dart", 3.0),
    (r"^\s*print\(.*\);\s*$", _F, "Dart", 1.5),
    (
        r"\b(int|double|num)\.(parse|tryParse)\(|\bstdout\.write(ln)?\(|\.isNegative\b|~/",
        0,
        "Dart",
        2.0,
    ),
    # Lua rather than Julia / Python: the io library and `..` concatenation
    (r"\bio\.(open|read|write|input|output|lines|close)\(", 0, "Lua", 2.0),
    (r"[\"')\w]\s*\.\.\s*[\"'(\w]", 0, "Lua", 1.0),
    # C# rather than C / Java: .NET names Java and C do not have
    (r"\bConsole\.(Error|Out)\.(Write|WriteLine)\(", 0, "C#", 3.0),
    (r"\bMath\.(Sqrt|Abs|Pow|Floor|Ceiling|Round|Max|Min)\(", 0, "C#", 2.0),
    (r"\b(Dictionary|Span|ReadOnlySpan|IEnumerable|IList|IReadOnlyList|HashSet)<", 0, "C#", 1.5),
    (r"\b(int|string|double|char|bool)\[,+\]", 0, "C#", 2.0),
    (r"\.(Count|Length)\b(?!\()", 0, "C#", 0.5),
    # F# rather than OCaml: .NET attributes, indentation-scoped modules, `let mutable`
    (r"^\s*\[<\w+(\(.*\))?(;\s*\w+(\(.*\))?)*>\]", _F, "F#", 3.0),
    (r"^\s*let\s+mutable\s", _F, "F#", 2.5),
    (r"^\s*module\s+[\w.]+\s*=\s*$", _F, "F#", 2.0),
    (r"\|>\s*ignore\b", 0, "F#", 2.0),
    (r"\"[^\"\n]*%A[^\"\n]*\"", 0, "F#", 1.5),
    (r"\b(seq|task)\s*\{\s*$", _F, "F#", 1.0),
    (r"^\s*type\s+\w+\s*\([^)]*\)\s*(as\s+\w+\s*)?=", _F, "F#", 2.0),
    (r"\w\s*:\??>\s*\w", 0, "F#", 1.0),
    (r"^\s*use\s+\w+\s*=", _F, "F#", 1.5),
    (r"\bin\s*$", _F, "OCaml", 0.7),
    # Dart rather than Java / C#
    (r"^\s*@override\s*$", _F, "Dart", 2.5),
    (r"\bWidget\s+build\s*\(", 0, "Dart", 3.0),
    (r"\)\s*async\*?\s*\{", 0, "Dart", 1.5),
    (r"\blate\s+(final\s+)?[A-Z]\w*\??\s+\w+|\brequired\s+this\.\w+", 0, "Dart", 1.5),
    (r"\bFuture<(void|int|bool|double|dynamic)\b", 0, "Dart", 1.5),
    (r"'[^'\n]*\$(\{[^}\n]+\}|[a-z_]\w*)[^'\n]*'", 0, "Dart", 1.0),
    (r"^\s*print\(.*\);\s*$", _F, "Dart", 0.7),
    (r"^\s*[A-Za-z_][\w<>?,]*\s+\w+\([^)]*\)\s*(async\s*)?=>", _F, "Dart", 1.5),
    (r"\bnum\s+\w+\s*[=;,)]", 0, "Dart", 1.5),
    # Swift rather than Groovy / Kotlin: string interpolation `\(x)`, protocols, closed ranges
    (r"\"[^\"\n]*(?<!\\)\\\(\w[\w.]*(\(\))?\)[^\"\n]*\"", 0, "Swift", 2.5),
    (r"^\s*(public\s+|private\s+)?(protocol|extension)\s+\w+[^\n]*\{\s*$", _F, "Swift", 2.0),
    (r"\w\.\.\.\w", 0, "Swift", 1.0),
    (r"^\s*(let|var)\s+\w+\s*:\s*\[?[A-Z]\w*\]?\??\s*=", _F, "Swift", 0.7),
    # PHP rather than Perl: PHP-only keywords and library calls
    (r"\b(public|private|protected)\s+(static\s+)?function\b", 0, "PHP", 3.0),
    (r"\bforeach\s*\(\s*\$\w+\s+as\s", 0, "PHP", 3.0),
    (r"^\s*namespace\s+[\w\\]+\s*;", _F, "PHP", 3.0),
    (r"^\s*use\s+\w+(\\\w+)+\s*;", _F, "PHP", 2.5),
    (r"\bfunction\s+\w+\s*\(\s*(\??\w+\s+)?\$\w+", 0, "PHP", 2.0),
    (r"\$\w+\s*=\s*new\s+\w+", 0, "PHP", 1.5),
    (r"\$\w+\[\]\s*=", 0, "PHP", 1.5),
    (
        r"\b(isset|strlen|implode|explode|str_replace|is_array|array_(map|filter|keys|values|"
        r"merge|push|key_exists|slice|search))\(",
        0,
        "PHP",
        1.5,
    ),
    # C# rather than Java / C
    (r"\{\s*(get|set|init);\s*((get|set|init);\s*)?\}", 0, "C#", 3.0),
    (r"\bforeach\s*\(\s*var\s", 0, "C#", 3.0),
    (r"^\s*namespace\s+[\w.]+\s*(;|\{|\n\s*\{)", _F, "C#", 1.5),
    (r"(?<![:\w])string\s+\w+\s*[=;,)]", 0, "C#", 1.0),
    (r"\$\"[^\"\n]*\{[^}\n]+\}", 0, "C#", 1.0),
    # Lua
    (r"\bi?pairs\(", 0, "Lua", 2.0),
    (r"[\"']\s+\.\.\s+[\w(]|[\w)]\s+\.\.\s+[\"']", 0, "Lua", 0.7),
    # Constructs that exist in one language of the list only. Each was also run over the model
    # build's validation windows (package code): rules that fired on other languages there were
    # narrowed or dropped (see models/langid/MODEL_CARD.md).
    # Ruby: `elsif` without Perl's parentheses, block parameters, statement modifiers, and a
    # `def` line with neither Python's colon, Elixir's `do` nor Scala's `=`.
    (r"^\s*elsif\s+[^(\s]", _F, "Ruby", 2.0),
    (r"\b(do|\{)\s*\|\s*\w+(\s*,\s*\w+)*\s*\|", 0, "Ruby", 1.5),
    (
        r"^\s*(return|break|next|raise)\b[^;\n]*\s(if|unless)\s+(?!\()(?![^\n]*\belse\b)[^;{\n]*$",
        _F,
        "Ruby",
        1.5,
    ),
    (r"^\s*def\s+(self\.)?\w+([?!]|[?!]?\([^)]*\))\s*$", _F, "Ruby", 1.0),
    # Kotlin: `until` ranges, its null-safety library calls, `catch (e: Type)`
    (r"\bin\s+[\w.()]+\s+until\s", 0, "Kotlin", 2.5),
    (r"\b(lateinit\s+var|isNullOrEmpty\(\)|isNullOrBlank\(\)|toIntOrNull\(\))", 0, "Kotlin", 2.5),
    (r"\bcatch\s*\(\s*\w+\s*:\s*(?!unknown\b|any\b)[A-Z]\w*", 0, "Kotlin", 2.0),
    # Swift: `guard ... else {`, CommandLine
    (r"^\s*guard\s.*\belse\s*\{", _F, "Swift", 3.0),
    (r"\bCommandLine\.(arguments|argc)\b", 0, "Swift", 3.0),
    # Rust: primitive casts and typed `let`, Option/iterator methods
    (r"\bas\s+(u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64)\b", 0, "Rust", 2.5),
    (
        r"\blet\s+(mut\s+)?\w+\s*:\s*&?(mut\s+)?(Vec<|Option<|&str\b|usize|isize|"
        r"[iu](8|16|32|64|128)\b|f(32|64)\b)",
        0,
        "Rust",
        2.0,
    ),
    (r"\.(unwrap|is_some|is_none|is_ascii_\w+)\(\)|\bcollect::<", 0, "Rust", 2.0),
    # Java rather than C#: a `boolean` declaration (TypeScript writes `x: boolean`)
    (r"\bboolean\s+[a-z]\w*\s*[=;,)(]", 0, "Java", 1.0),
    # C#: `int.TryParse`, `out int n`
    (r"\b(int|long|double|decimal|bool|float)\.(TryParse|Parse|MaxValue|MinValue)\b", 0, "C#", 3.0),
    (r"\bout\s+(var|int|string|bool|double|long)\s+\w+\s*\)", 0, "C#", 2.5),
    # C++ rather than C: the <cstdio> family of headers, C++-only keywords
    (
        r"^\s*#include\s*<c(stdio|stdlib|string|math|stdint|ctype|assert|limits|time)>",
        _F,
        "C++",
        4.0,
    ),
    (r"\b(constexpr|nullptr|static_cast<|reinterpret_cast<|template\s*<)", 0, "C++", 2.0),
    (r"\b(if|for|while)\s*\(\s*(const\s+)?auto\b", 0, "C++", 2.0),
    # C: <inttypes.h> format macros
    (r"\bPRI[diuxX](8|16|32|64|MAX|PTR)\b", 0, "C", 2.0),
    # Julia: `parse(Int, s)`, ARGS
    (r"\bparse\(\s*(Int|Int64|Int32|Float64|BigInt|UInt\d*)\s*,", 0, "Julia", 3.0),
    (r"\bARGS\[", 0, "Julia", 2.0),
    # Makefile: make's text functions, simply-expanded variables at column 0
    (
        r"\$\((wordlist|words|word|strip|subst|patsubst|filter|filter-out|foreach|call|eval|"
        r"firstword|lastword|addprefix|addsuffix|wildcard|findstring)\s",
        0,
        "Makefile",
        3.0,
    ),
    (r"^[A-Za-z_][\w-]*\s*(:=|\?=|\+=)\s*", _F, "Makefile", 1.0),
    # PowerShell: comment-based help
    (r"^\s*<#|^\s*#>", _F, "PowerShell", 2.5),
    (r"^\s*\.(SYNOPSIS|DESCRIPTION|PARAMETER|EXAMPLE|NOTES)\b", _F, "PowerShell", 3.0),
    # PHP's short echo tag
    (r"<\?=[^\n]*(\?>|;)", 0, "PHP", 4.0),
    # Python: a `for ... in ...:` header (the colon) and `else:`
    (r"^\s*for\s+\w+(\s*,\s*\w+)*\s+in\s+.+:\s*$", _F, "Python", 2.0),
    (r"^\s*else\s*:\s*$", _F, "Python", 1.0),
    # R: base functions with dotted names, cat()
    (
        r"\b(is\.na|as\.numeric|as\.integer|as\.character|seq_len|seq_along|sapply|lapply|"
        r"vapply|strsplit|unlist|nchar)\(",
        0,
        "R",
        2.0,
    ),
    (r"^\s*cat\(", _F, "R", 1.0),
    # Dart: code units, named constructors (`new String.fromCharCode`)
    (r"\.codeUnits\b|\.codeUnitAt\(", 0, "Dart", 2.5),
    (r"\bnew\s+[A-Z]\w*\.[a-z]\w*\(", 0, "Dart", 1.5),
    (r"^\s*```", _F, "Markdown", 1.5),
    (r"^#{1,6}\s+\S", _F, "Markdown", 0.5),
    (r"^\s*\[[^\]]+\]\([^)\s]+\)", _F, "Markdown", 1.0),
]
_RULES = [(re.compile(p, f), lang, boost) for p, f, lang, boost in _RULES_SRC]

# Constructs that a language's grammar does not have: (regex, flags, languages, penalty). A rule
# above says "this looks like X"; these say "this cannot be Y", which the model (blind to grammar)
# and tree-sitter (the C grammar reads `function f(a) {` as an old-style declaration) both miss.
# Each was run over the model build's validation windows (see models/langid/MODEL_CARD.md).
_C_FAMILY = "C C++ Objective-C"
_CONTRA_SRC: list[tuple[str, int, str, float]] = [
    # a `function name(` definition
    (
        r"^\s*(export\s+)?(async\s+)?function\s*\*?\s*[A-Za-z_$][\w$]*\s*\(",
        _F,
        f"{_C_FAMILY} Java C# Kotlin Swift Scala Dart Go Rust Zig Groovy"
        " Python Ruby Perl Haskell Elixir Erlang",
        2.0,
    ),
    # untyped declarations: `let x =` (JavaScript, Swift, Rust, ML), `const x =`, `var x =`
    (
        r"^\s*let\s+[A-Za-z_$][\w$]*\s*=[^=]",
        _F,
        f"{_C_FAMILY} Java C# PHP Go Dart Kotlin Groovy Scala Zig Python Ruby Perl Lua Julia",
        2.0,
    ),
    (r"^\s*const\s+[A-Za-z_$][\w$]*\s*=[^=]", _F, f"{_C_FAMILY} Java C# Python Ruby Lua", 2.0),
    (r"^\s*var\s+[A-Za-z_$][\w$]*\s*=[^=]", _F, f"{_C_FAMILY} Rust PHP Python Ruby Lua", 2.0),
    # sigil variables (PHP, Perl, PowerShell; JavaScript allows `$x` names, so not penalised)
    (
        r"^\s*\$[A-Za-z_]\w*(\[[^\]\n]*\])?\s*=[^=]",
        _F,
        f"{_C_FAMILY} Java C# Go Rust Zig Kotlin Swift Dart Scala Groovy Python Lua Julia",
        2.0,
    ),
    # a C-style loop with a typed counter (Java, C#, Dart and Groovy have it too)
    (
        r"\bfor\s*\(\s*(int|long|unsigned|size_t|char|short)\s+\w+\s*=",
        0,
        "PHP JavaScript TypeScript Perl Kotlin Swift Scala Go Rust Python Lua Ruby",
        2.0,
    ),
    # a bare printf( call (C, C++, PHP, Perl, Octave, Groovy and Ruby have a printf function)
    (
        r"^\s*printf\s*\(",
        _F,
        "Java C# JavaScript TypeScript Kotlin Swift Scala Dart Python Rust Go",
        1.5,
    ),
    # indexed assignment with brackets: Scala indexes with parentheses, functional languages
    # do not assign
    (
        r"\b[a-z]\w*\[[a-z0-9][^\]\n]*\]\s*=[^=>]",
        0,
        "Scala Haskell Elixir Erlang Clojure OCaml",
        2.0,
    ),
    # `++`/`--` statements (Octave has them, so MATLAB is not penalised)
    (
        r"^\s*((\+\+|--)[A-Za-z_]\w*|[A-Za-z_]\w*(\+\+|--))\s*;",
        _F,
        "Rust Python Ruby Swift Scala Lua Julia Haskell Elixir Erlang F# OCaml R",
        2.0,
    ),
    # Lua's io library: Julia opens files with open(), R and MATLAB with file()/fopen()
    (r"\bio\.(open|input|output|lines)\(", 0, "Julia R MATLAB", 1.5),
]
_CONTRA = [(re.compile(p, f), langs.split(), pen) for p, f, langs, pen in _CONTRA_SRC]

# TypeScript-only syntax lives next to the features: build.py uses it to drop training windows
# that are plain JavaScript labelled TypeScript.
_TS_ONLY = TS_ONLY
TS_ABSENT_PENALTY = 0.0  # log-score points (models/langid/tune.py)
_ML_LET = re.compile(_LET, re.M)
_BRACE_BLOCK = re.compile(
    r"(\)\s*\{|^\s*(if|else|for|while|func|fn|guard|switch|match|impl|struct|class)\b.*\{)\s*$",
    re.M,
)
_FSHARP_IN_ML = [
    re.compile(r"^\s*//", re.M),
    re.compile(r"^\s*elif\s", re.M),
    re.compile(r"\b[a-z]\w*\.[A-Z][a-z]\w*\b"),
    re.compile(r"\bSystem\.[A-Z][a-z]\w*\b"),
]


@lru_cache(maxsize=1)
def _linguist_tables() -> tuple[dict[str, str], dict[str, str]]:
    data = tomllib.loads((grammars_dir() / "languages.toml").read_text(encoding="utf-8"))
    ours_to_ling: dict[str, str] = {}
    ling_to_ours: dict[str, str] = {}
    for lang, spec in data.items():
        name = spec.get("linguist")
        if name:
            ours_to_ling[lang] = name
            ling_to_ours.setdefault(name, lang)
    return ours_to_ling, ling_to_ours


def linguist_name(language: str) -> str | None:
    """Our language id -> GitHub linguist name ("cpp" -> "C++"), None if it has none."""
    return _linguist_tables()[0].get(language)


def language_for_linguist(name: str) -> str | None:
    return _linguist_tables()[1].get(name)


def _normalise_id(language_id: str | None) -> str | None:
    if not language_id:
        return None
    lid = language_id.strip().lower()
    if lid in _UNKNOWN_IDS:
        return None
    lid = _ALIASES.get(lid, lid)
    return lid if lid in set(known_languages()) else None


def _from_shebang(text: str) -> str | None:
    head = text.lstrip("\ufeff")
    first = head.split("\n", 1)[0].strip()
    if first.startswith("#!"):
        parts = first[2:].strip().split()
        if parts and parts[0].endswith("/env"):
            parts = [p for p in parts[1:] if not p.startswith("-") and "=" not in p]
        if parts:
            prog = parts[0].rsplit("/", 1)[-1].lower()
            prog = re.sub(r"[\d.]+$", "", prog) or prog  # python3.11 -> python
            if prog == "make" or prog.endswith("make"):
                return "makefile"
            return _SHEBANG.get(prog)
    # modelines in the first or last lines
    lines = head.split("\n")
    for line in lines[:3] + lines[-3:]:
        m = _MODELINE_VIM.search(line)
        if m:
            ft = m.group(1).lower()
            lang = _VIM_FT.get(ft, ft)
            if lang in set(known_languages()):
                return lang
        m = _MODELINE_EMACS.search(line)
        if m:
            mode = m.group(1).lower()
            lang = _VIM_FT.get(mode, mode)
            if lang in set(known_languages()):
                return lang
    return None


def _json_like(text: str) -> bool:
    s = text.strip()
    if not s or s[0] not in "[{" or s[-1] not in "]}":
        return False
    try:
        json.loads(s)
    except ValueError:
        return False
    return True


def rule_boosts(text: str, *, ts_absent_penalty: float = TS_ABSENT_PENALTY) -> dict[str, float]:
    """Lexical evidence per linguist language (added to the model's log-probabilities)."""
    sample = text[:8000]
    boosts: dict[str, float] = {}
    for rx, lang, boost in _RULES:
        if rx.search(sample):
            boosts[lang] = boosts.get(lang, 0.0) + boost
    for rx, langs, penalty in _CONTRA:
        if rx.search(sample):
            for lang in langs:
                boosts[lang] = boosts.get(lang, 0.0) - penalty
    if _json_like(sample):
        boosts["JSON"] = boosts.get("JSON", 0.0) + 5.0
    if _TS_ONLY.search(sample):
        boosts["TypeScript"] = boosts.get("TypeScript", 0.0) + 1.0
    else:
        boosts["TypeScript"] = boosts.get("TypeScript", 0.0) - ts_absent_penalty
    if _ML_LET.search(sample) and not _BRACE_BLOCK.search(sample):
        # ML-style `let` (Swift, Rust and JavaScript have `let` too, with brace blocks):
        # then line comments, `elif` and .NET members (`s.Length`) are F#-only
        boosts["F#"] = boosts.get("F#", 0.0) + 0.7
        boosts["OCaml"] = boosts.get("OCaml", 0.0) + 0.7
        fsharp = sum(1.5 for rx in _FSHARP_IN_ML if rx.search(sample))
        if fsharp:
            boosts["F#"] = boosts.get("F#", 0.0) + fsharp
    if not VUE_MARKUP.search(sample):
        # a Vue single-file component always has markup; without any it is its script's JS/TS
        boosts["Vue"] = boosts.get("Vue", 0.0) - 3.0
    return boosts


def _parse_quality(text: str, language: str) -> float | None:
    try:
        from pieces_lsp.analysis.parsing import parse_quality
    except ImportError:  # pragma: no cover - parsing is optional enrichment
        return None
    try:
        return parse_quality(text, language)
    except Exception:  # a grammar failure is no evidence either way
        return None


def _guess(
    text: str, *, rules: bool = True, rerank: bool = True
) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    from pieces_lsp.ml.langid import predict

    probs = predict(text)
    boosts = rule_boosts(text) if rules else {}
    scores = {
        lang: math.log(max(p, 1e-9)) + RULE_SCALE * boosts.get(lang, 0.0) for lang, p in probs
    }
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    # renormalise the adjusted scores into probabilities
    top = ranked[0][1]
    z = sum(math.exp(s - top) for _, s in ranked)
    post = [(lang, math.exp(s - top) / z) for lang, s in ranked]
    if rerank and post[0][1] < RERANK_BELOW:
        snippet = "\n".join(text.split("\n")[:PARSE_MAX_LINES])
        cands = [c for c in post[:TOP_K] if c is post[0] or c[1] >= PARSE_MIN_PROB]
        k = len(cands)
        adjusted = []
        for lang, p in cands:
            ours = language_for_linguist(lang) or ""
            q = _parse_quality(snippet, ours) if ours else None
            bonus = PARSE_WEIGHT * q if q is not None else PARSE_WEIGHT * 0.85
            adjusted.append((lang, math.log(max(p, 1e-9)) + bonus))
        best = max(a for _, a in adjusted)
        zz = sum(math.exp(a - best) for _, a in adjusted)
        mass = sum(p for _, p in cands)
        reranked = sorted(
            ((lang, mass * math.exp(a - best) / zz) for lang, a in adjusted), key=lambda kv: -kv[1]
        )
        post = reranked + post[k:]
    cands_out = tuple(
        (language_for_linguist(lang) or lang.lower(), round(p, 4)) for lang, p in post[:5]
    )
    return post[0][0], post[0][1], cands_out


def identify(
    text: str, *, filename: str | None = None, language_id: str | None = None
) -> LanguageGuess:
    """The language of a snippet: editor languageId, then file name, then shebang, then model."""
    lid = _normalise_id(language_id)
    if lid:
        return LanguageGuess(lid, 1.0, "languageId", ((lid, 1.0),))
    by_name = language_from_path(filename)
    if by_name and by_name != PLAINTEXT:
        return LanguageGuess(by_name, 1.0, "filename", ((by_name, 1.0),))
    text = text or ""
    if len("".join(text.split())) < MIN_CHARS:
        return LanguageGuess(PLAINTEXT, 0.1, "model", ())
    by_shebang = _from_shebang(text)
    if by_shebang:
        return LanguageGuess(by_shebang, 0.99, "shebang", ((by_shebang, 0.99),))
    name, p, cands = _guess(text)
    ours = language_for_linguist(name) or PLAINTEXT
    return LanguageGuess(ours, round(p, 4), "model", cands)
