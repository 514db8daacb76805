"""Imported modules per language, through our imports.scm queries and the regex fallback."""

from __future__ import annotations

import pytest

from pieces_lsp.analysis.imports import imports
from pieces_lsp.analysis.parsing import grammar, query
from pieces_lsp.resources import grammars_dir

QUERY_LANGUAGES = sorted(p.parent.name for p in (grammars_dir() / "queries").glob("*/imports.scm"))


@pytest.mark.parametrize("language", QUERY_LANGUAGES)
def test_every_imports_query_compiles(language: str) -> None:
    if grammar(language) is None:
        pytest.skip(f"no grammar wheel for {language}")
    assert query(language, "imports") is not None


def test_required_languages_have_a_query() -> None:
    required = {
        "python",
        "javascript",
        "typescript",
        "java",
        "kotlin",
        "scala",
        "groovy",
        "go",
        "rust",
        "ruby",
        "php",
        "csharp",
        "swift",
        "dart",
        "c",
        "cpp",
        "elixir",
        "haskell",
        "lua",
        "perl",
    }
    assert required <= set(QUERY_LANGUAGES)


CASES: list[tuple[str, str, list[str]]] = [
    (
        "python",
        "import os, json as j\nfrom collections.abc import Mapping\nfrom .models import User\n"
        "import os\n",
        ["os", "json", "collections.abc", ".models"],
    ),
    (
        "javascript",
        "import fs from 'node:fs';\nconst _ = require(\"lodash\");\n"
        "export { x } from './x.js';\nconst m = await import('chalk');\n",
        ["node:fs", "lodash", "./x.js", "chalk"],
    ),
    (
        "typescript",
        "import type { Config } from 'vite';\nimport path = require('path');\n",
        ["vite", "path"],
    ),
    (
        "typescriptreact",
        "import { useMemo } from 'react';\nexport const A = () => <b>{useMemo(() => 1, [])}</b>;\n",
        ["react"],
    ),
    (
        "java",
        "import java.util.Map;\nimport static org.junit.jupiter.api.Assertions.*;\nclass A {}\n",
        ["java.util.Map", "org.junit.jupiter.api.Assertions"],
    ),
    (
        "kotlin",
        "import kotlinx.coroutines.*\nimport io.ktor.server.routing.get as g\n",
        ["kotlinx.coroutines", "io.ktor.server.routing.get"],
    ),
    ("scala", "import cats.effect.{IO, IOApp}\nimport java.time._\n", ["cats.effect", "java.time"]),
    (
        "go",
        'package m\nimport (\n\t"context"\n\tr "github.com/go-chi/chi/v5"\n)\n',
        ["context", "github.com/go-chi/chi/v5"],
    ),
    (
        "rust",
        "use serde::{Deserialize, Serialize};\nuse std::io::Read;\n",
        ["serde", "std::io::Read"],
    ),
    ("ruby", "require 'sinatra'\nrequire_relative 'lib/helpers'\n", ["sinatra", "lib/helpers"]),
    (
        "php",
        "<?php\nuse Symfony\\Component\\HttpFoundation\\Request;\nrequire 'boot.php';\n",
        ["Symfony\\Component\\HttpFoundation\\Request", "boot.php"],
    ),
    (
        "csharp",
        "using System.Text;\nusing Json = Newtonsoft.Json;\n",
        ["System.Text", "Newtonsoft.Json"],
    ),
    ("swift", "import Foundation\nimport Combine\n", ["Foundation", "Combine"]),
    ("dart", "import 'package:http/http.dart' as http;\n", ["package:http/http.dart"]),
    ("c", '#include <stdlib.h>\n#include "util.h"\n', ["stdlib.h", "util.h"]),
    ("cpp", "#include <memory>\n", ["memory"]),
    (
        "elixir",
        "defmodule W do\n  use GenServer\n  alias Plug.Conn\nend\n",
        ["GenServer", "Plug.Conn"],
    ),
    ("haskell", "import qualified Data.Text as T\n", ["Data.Text"]),
    ("lua", "local inspect = require('inspect')\n", ["inspect"]),
    ("perl", "use strict;\nuse JSON::PP;\n", ["strict", "JSON::PP"]),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_imports(language: str, text: str, expected: list[str]) -> None:
    if grammar(language) is None:
        pytest.skip(f"no grammar wheel for {language}")
    assert imports(text, language) == expected


def test_fallback_without_a_grammar() -> None:
    # "r" has no grammar wheel: the line regexes answer.
    assert imports("library(ggplot2)\nrequire('dplyr')\n", "r") == ["ggplot2", "dplyr"]


def test_unknown_language_and_empty_text() -> None:
    assert imports("import os\n", "no-such-language") == []
    assert imports("", "python") == []
