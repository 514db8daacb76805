"""Project frameworks from manifest files: each format's dependency names, the walk from a
snippet's file to the workspace root, and what counts as a project's framework."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pieces_lsp.analysis import project
from pieces_lsp.analysis.pipeline import analyze

PYPROJECT = """\
[project]
name = "shop"
dependencies = ["fastapi[standard]>=0.110", "SQLAlchemy ~= 2.0"]

[project.optional-dependencies]
ml = ["torch>=2"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]

[tool.poetry.dependencies]
python = "^3.11"
Django = "^5.0"
"""

POM = """\
<project>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>3.3.0</version>
  </parent>
  <dependencies>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
    </dependency>
  </dependencies>
</project>
"""

GRADLE_KTS = """\
plugins {
    id("org.springframework.boot") version "3.3.0"
    kotlin("jvm") version "2.0.0"
}
dependencies {
    implementation("io.ktor:ktor-server-core:2.3.12")
    testImplementation("org.junit.jupiter:junit-jupiter")
}
"""

GO_MOD = """\
module example.com/shop

go 1.22

require github.com/gin-gonic/gin v1.10.0

require (
\tgithub.com/stretchr/testify v1.9.0
\tgolang.org/x/net v0.25.0 // indirect
)
"""

PUBSPEC = """\
name: shop
dependencies:
  flutter:
    sdk: flutter
  http: ^1.2.0

dev_dependencies:
  flutter_test:
    sdk: flutter
flutter:
  uses-material-design: true
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "package.json",
            json.dumps({"dependencies": {"react": "^18"}, "devDependencies": {"jest": "29"}}),
            {"react", "jest"},
        ),
        (
            "composer.json",
            json.dumps({"require": {"laravel/framework": "^11"}}),
            {"laravel/framework"},
        ),
        (
            "pyproject.toml",
            PYPROJECT,
            {"fastapi", "SQLAlchemy", "torch", "pytest", "ruff", "python", "Django"},
        ),
        (
            "requirements.txt",
            "# web\nDjango>=4.2  # pinned\n-r dev.txt\n--index-url https://x\nflask[async]==3\n\n",
            {"Django", "flask"},
        ),
        (
            "Pipfile",
            '[packages]\nflask = "*"\n\n[dev-packages]\npytest = "*"\n',
            {"flask", "pytest"},
        ),
        (
            "Cargo.toml",
            '[package]\nname = "api"\n\n[dependencies]\n'
            'actix-web = "4"\ntokio = { version = "1" }\n',
            {"actix-web", "tokio"},
        ),
        (
            "pom.xml",
            POM,
            {
                "org.springframework.boot",
                "spring-boot-starter-parent",
                "org.junit.jupiter",
                "junit-jupiter",
            },
        ),
        (
            "build.gradle",
            "plugins { id 'org.springframework.boot' version '3.3.0' }\n"
            "dependencies { implementation 'org.springframework.boot:spring-boot-starter-web' }\n",
            {"org.springframework.boot", "spring-boot-starter-web"},
        ),
        (
            "build.gradle.kts",
            GRADLE_KTS,
            {
                "org.springframework.boot",
                "io.ktor",
                "ktor-server-core",
                "org.junit.jupiter",
                "junit-jupiter",
            },
        ),
        (
            "Gemfile",
            "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem \"pg\"\n",
            {"rails", "pg"},
        ),
        (
            "go.mod",
            GO_MOD,
            {"github.com/gin-gonic/gin", "github.com/stretchr/testify", "golang.org/x/net"},
        ),
        ("pubspec.yaml", PUBSPEC, {"flutter", "http", "flutter_test"}),
        (
            "x.csproj",
            '<Project Sdk="Microsoft.NET.Sdk.Web">\n<ItemGroup>\n'
            '<PackageReference Include="Serilog" Version="3.1.1" />\n</ItemGroup></Project>',
            {"Microsoft.NET.Sdk.Web", "Serilog"},
        ),
    ],
)
def test_each_manifest_format_lists_its_dependencies(name: str, text: str, expected: set[str]):
    assert project.dependencies(name, text) == expected


@pytest.mark.parametrize(
    ("language", "deps", "expected"),
    [
        ("python", ["Django", "djangorestframework", "pytest", "numpy"], ["django"]),
        ("python", ["Flask-SQLAlchemy"], ["flask"]),  # PEP 503 names meet import names
        ("python", ["djangofoo", "flask-like"], []),  # a prefix is not a package
        ("rust", ["actix-web", "tokio"], ["actix"]),  # tokio is a library, not a framework
        ("java", ["org.springframework.boot", "org.junit.jupiter"], ["spring"]),
        ("typescript", ["@angular/core", "lodash", "jest"], ["angular"]),
        ("javascript", ["next", "react"], ["react", "nextjs"]),
        ("php", ["laravel/framework"], ["laravel"]),
        ("csharp", ["Microsoft.NET.Sdk.Web"], ["aspnetcore"]),
        ("go", ["github.com/gin-gonic/gin"], ["gin"]),
    ],
)
def test_only_frameworks_of_the_language_count(language: str, deps: list[str], expected: list[str]):
    assert project.declared_frameworks(language, deps) == expected


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_nearest_manifest_of_the_snippets_ecosystem_wins(tmp_path: Path):
    _write(tmp_path / "package.json", json.dumps({"dependencies": {"express": "4"}}))
    _write(tmp_path / "web" / "package.json", json.dumps({"dependencies": {"vue": "3"}}))
    _write(tmp_path / "requirements.txt", "flask\n")
    api = _write(tmp_path / "api" / "routes" / "users.js", "")
    page = _write(tmp_path / "web" / "src" / "App.js", "")
    script = _write(tmp_path / "web" / "tools" / "build.py", "")
    assert project.project_frameworks(str(api), tmp_path, "javascript") == ["express"]
    assert project.project_frameworks(page.as_uri(), str(tmp_path), "javascript") == ["vue"]
    # a Python file under the JavaScript package: the package.json is not its manifest
    assert project.project_frameworks(str(script), tmp_path, "python") == ["flask"]
    # no file name: the workspace root's manifests
    assert project.project_frameworks(None, tmp_path, "typescript") == ["express"]


def test_nothing_without_a_manifest_a_place_or_a_known_language(tmp_path: Path):
    _write(tmp_path / "package.json", json.dumps({"dependencies": {"react": "18"}}))
    assert project.project_frameworks(None, None, "javascript") == []
    assert project.project_frameworks("untitled:Untitled-1", None, "javascript") == []
    assert project.project_frameworks(str(tmp_path / "a.js"), tmp_path, "plaintext") == []
    assert project.project_frameworks(str(tmp_path / "a.rs"), tmp_path, "rust") == []


def test_outside_the_workspace_the_walk_stops_at_the_repository_root(tmp_path: Path):
    _write(tmp_path / "package.json", json.dumps({"dependencies": {"react": "18"}}))
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    file = _write(repo / "src" / "index.js", "")
    elsewhere = tmp_path / "other-workspace"
    elsewhere.mkdir()
    # the package.json above the repository belongs to something else
    assert project.project_frameworks(str(file), elsewhere, "javascript") == []
    _write(repo / "package.json", json.dumps({"dependencies": {"svelte": "4"}}))
    assert project.project_frameworks(str(file), elsewhere, "javascript") == ["svelte"]


def test_a_broken_or_huge_manifest_declares_nothing(tmp_path: Path):
    _write(tmp_path / "package.json", '{"dependencies": {"react": ')
    assert project.project_frameworks(None, tmp_path, "javascript") == []
    _write(tmp_path / "pyproject.toml", "[project\ndependencies = [")
    assert project.project_frameworks(None, tmp_path, "python") == []
    padding = " " * (project.MAX_MANIFEST_BYTES + 1)
    _write(tmp_path / "Gemfile", f"gem 'rails'\n#{padding}\n")
    assert project.project_frameworks(None, tmp_path, "ruby") == []


def test_a_changed_manifest_is_read_again(tmp_path: Path):
    manifest = _write(tmp_path / "requirements.txt", "flask\n")
    assert project.project_frameworks(None, tmp_path, "python") == ["flask"]
    manifest.write_text("django\nfastapi\n", encoding="utf-8")
    assert project.project_frameworks(None, tmp_path, "python") == ["django", "fastapi"]


def test_enrichment_tags_the_project_framework_but_does_not_claim_the_code_uses_it(
    tmp_path: Path,
):
    _write(tmp_path / "pom.xml", POM)
    bean = "public class PersonForm {\n    private String name;\n    private int age;\n}\n"
    file = tmp_path / "src" / "main" / "java" / "PersonForm.java"
    out = analyze(bean, filename=str(file), workspace=str(tmp_path))
    assert out.frameworks == []  # nothing of Spring in the code itself
    assert out.project_frameworks == ["spring"]
    assert "spring" in out.tags
    assert "Spring" not in out.description
    assert out.to_dict()["project_frameworks"] == ["spring"]
    # code that shows its framework keeps it in `frameworks`, not twice
    controller = (
        '@RestController\nclass Hello {\n  @GetMapping("/")\n  String hi() { return "hi"; }\n}\n'
    )
    shown = analyze(controller, filename=str(file), workspace=str(tmp_path))
    assert shown.frameworks == ["spring"] and shown.project_frameworks == []
    # without a place, nothing is guessed
    assert analyze(bean, language_id="java").project_frameworks == []
