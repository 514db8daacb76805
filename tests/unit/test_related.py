"""Related documentation links from the curated table and local package metadata, offline."""

from __future__ import annotations

import json
from pathlib import Path

from pieces_lsp.analysis.related import RelatedLink, related_links


def test_curated_framework_links() -> None:
    links = related_links(["react", "django"], [], "javascript")
    assert [link.source for link in links] == ["curated", "curated"]
    assert links[0].url.startswith("https://react.dev/")
    assert "djangoproject.com" in links[1].url


def test_curated_by_import_prefers_the_longest_root() -> None:
    links = related_links(
        [], ["org.springframework.boot.SpringApplication", "org.junit.jupiter.api.Test"], "java"
    )
    assert [link.title for link in links] == ["Spring Boot reference", "JUnit 5 user guide"]


def test_python_stdlib_and_installed_distribution_metadata() -> None:
    links = related_links([], ["json", "numpy.linalg", "rapidfuzz.process"], "python")
    by_url = {link.url: link for link in links}
    assert "https://docs.python.org/3/library/json.html" in by_url
    assert any("numpy.org" in url for url in by_url)
    rapidfuzz = [link for link in links if link.source == "python-metadata"]
    assert rapidfuzz and rapidfuzz[0].url.startswith("https://")


def test_unknown_and_relative_imports_give_nothing() -> None:
    assert related_links([], ["no_such_module_xyz", ".sibling"], "python") == []


def test_node_modules_homepage(tmp_path: Path) -> None:
    pkg = tmp_path / "node_modules" / "@acme" / "widgets"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text(
        json.dumps({"name": "@acme/widgets", "homepage": "https://widgets.acme.example/docs"})
    )
    plain = tmp_path / "node_modules" / "left-pad"
    plain.mkdir(parents=True)
    (plain / "package.json").write_text(
        json.dumps({"repository": {"url": "git+https://git.example.com/left-pad.git"}})
    )
    links = related_links(
        [],
        ["@acme/widgets/button", "left-pad", "./local", "../../etc/passwd", "fs"],
        "typescript",
        workspace=tmp_path,
    )
    assert links == [
        RelatedLink(
            "https://widgets.acme.example/docs", "@acme/widgets (homepage)", "node_modules"
        ),
        RelatedLink("https://git.example.com/left-pad", "left-pad (homepage)", "node_modules"),
    ]


def test_js_without_workspace_uses_curated_only() -> None:
    links = related_links([], ["axios", "some-private-pkg"], "javascript")
    assert [link.source for link in links] == ["curated"]
