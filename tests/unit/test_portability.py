"""Export / import: exact round trips, dedup on re-import, redaction, filters, foreign formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.errors import PortabilityError, UnsupportedFormatError
from pieces_lsp.library import LibraryService
from pieces_lsp.model import ListQuery, SnippetDraft, SnippetPatch, Source
from pieces_lsp.portability import export_library, guess_format, import_path
from pieces_lsp.portability import markdown as md

# Built at run time so no secret-looking literal sits in the repository.
GITHUB_TOKEN = "ghp_" + "R7mK2xQ9vL4n" + "T8wZ1cJ5hB3s" + "D6fG0yP2aE4u"
STRIPE_KEY = "sk_live_" + "4eC39HqLyjWD" + "arjtT1zdp7dc"


def make_library(home: Path) -> LibraryService:
    return build_services(resolve_config({"home": str(home)})).library


VARIED: list[tuple[str, str | None, str | None]] = [
    ("def parse(path):\n    return open(path).read()\n", "python", "Parse config"),
    ("line one\r\nline two\r\n", "plaintext", "CRLF with final newline"),
    ("no final newline\r\nstill crlf", "plaintext", "CRLF without final newline"),
    ("x = 1", "python", None),
    ("\n\n\nleading blank lines\n", "markdown", "Leading blanks"),
    ("\tindented\twith\ttabs\n\t\tmore\n", "makefile", "Tabs"),
    ("print('héllo wörld ✓ 日本語 🚀')\n", "python", "Ünïcödé tïtle ✓"),
    ("Here is code:\n```python\nprint(1)\n```\nand ````four```` too\n", "markdown", "Fences"),
    ("~~~\ntilde fence\n~~~", "markdown", "Tilde fences"),
    ("a\rb\rold mac endings\r", "plaintext", "Lone CR"),
    ("mixed\r\nline\nendings\r\n", "plaintext", "Mixed endings"),
    ("weird\u2028separator\u2029and\x85nel\n", "plaintext", "Unicode line separators"),
    (f'TOKEN = "{GITHUB_TOKEN}"\n', "python", "Has a secret"),
    (f"const stripe = '{STRIPE_KEY}';", "javascript", f"key {STRIPE_KEY}"),
    ("SELECT *\n  FROM t\n WHERE a = 'b'  \n", "sql", "Trailing spaces"),
    ("---\ntitle: not front matter\n---\n", "yaml", "Looks like front matter"),
    ('fn main() {\n    println!("hi");\n}\n', "rust", "Rust main"),
    ('#!/bin/sh\necho "$HOME"\n', "shellscript", "Shell"),
    ("<div>\n  <p>&amp; \"quotes\" 'single'</p>\n</div>\n", "html", 'Title with "quotes"'),
    ("backslashes \\n \\t \\\\ and `single` ``double``", "plaintext", "Backslashes"),
]


@pytest.fixture(scope="module")
def template_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Saving goes through DuckDB once per snippet; build the library once and copy it."""
    home = tmp_path_factory.mktemp("template") / "home"
    lib = make_library(home)
    for index, (content, language, title) in enumerate(VARIED):
        source = Source()
        if index % 3 == 0:
            source = Source(
                uri=f"file:///work/project/file{index}.txt",
                start_line=index,
                start_character=1,
                end_line=index + 2,
                end_character=4,
                git_remote="https://github.com/example/repo.git",
                git_commit="0" * 40,
            )
        result = lib.save(
            SnippetDraft(content=content, title=title, language=language, source=source)
        )
        assert result.created
        if index % 4 == 0:
            lib.update(
                result.snippet.id,
                SnippetPatch(description=f"Description {index}\nsecond line", tags=["team", "x"]),
            )
        if index % 5 == 0:
            lib.record_use(result.snippet.id)
    assert lib.count() == len(VARIED)
    return home


@pytest.fixture()
def library(template_home: Path, tmp_path: Path) -> LibraryService:
    shutil.copytree(template_home, tmp_path / "home")
    lib = make_library(tmp_path / "home")
    assert lib.count() == len(VARIED)
    return lib


def snapshot(lib: LibraryService) -> dict[str, dict[str, object]]:
    return {s.id: s.to_dict() for s in lib.iter_snippets()}


def all_text(path: Path) -> str:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return "".join(f.read_bytes().decode("utf-8", "replace") for f in files if f.is_file())


@pytest.mark.parametrize("fmt", ["jsonl", "markdown", "parquet"])
def test_round_trip_is_exact_and_reimport_skips(
    library: LibraryService, tmp_path: Path, fmt: str
) -> None:
    before = snapshot(library)
    target = tmp_path / ("export" if fmt == "markdown" else f"export.{fmt}")
    progress: list[tuple[int, int]] = []

    result = export_library(library, target, fmt, on_progress=lambda d, t: progress.append((d, t)))

    assert result.count == len(VARIED)
    assert result.path == str(target.absolute())
    assert progress[-1] == (len(VARIED), len(VARIED))
    assert library.erase() == len(VARIED)
    assert library.count() == 0

    report = import_path(library, target)

    assert (report.imported, report.skipped, report.failed) == (len(VARIED), 0, 0)
    after = snapshot(library)
    assert set(after) == set(before)  # ids preserved
    for sid, original in before.items():
        assert after[sid]["content"].encode() == original["content"].encode()
        assert after[sid] == original  # timestamps, counters, tags, source, secrets too

    again = import_path(library, target)
    assert (again.imported, again.skipped, again.failed) == (0, len(VARIED), 0)
    assert library.count() == len(VARIED)


@pytest.mark.parametrize("fmt", ["jsonl", "markdown", "parquet"])
def test_redacted_export_contains_no_secret(
    library: LibraryService, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / ("export" if fmt == "markdown" else f"export.{fmt}")
    export_library(library, target, fmt, redact=True)

    if fmt != "parquet":  # Parquet pages are compressed; checked through the import below
        text = all_text(target)
        assert GITHUB_TOKEN not in text and STRIPE_KEY not in text
        assert "<redacted:github-token>" in text
    other = make_library(tmp_path / "other")
    assert import_path(other, target).imported == len(VARIED)
    for s in other.iter_snippets():
        blob = json.dumps(s.to_dict())
        assert GITHUB_TOKEN not in blob and STRIPE_KEY not in blob
        assert s.secrets == []
    # the original library is untouched
    assert any(GITHUB_TOKEN in s.content for s in library.iter_snippets())


def test_imported_secret_findings_are_recomputed(library: LibraryService, tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    export_library(library, target, "jsonl")
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    forged = []
    for line in lines:
        d = json.loads(line)
        d["secrets"] = []  # a file claiming "no secrets" must not be trusted
        forged.append(json.dumps(d) + "\n")
    target.write_text("".join(forged), encoding="utf-8")
    library.erase()
    import_path(library, target)
    flagged = [s for s in library.iter_snippets() if s.secrets]
    assert {f.rule for s in flagged for f in s.secrets} >= {"github-token", "stripe-key"}


@pytest.mark.parametrize("fmt", ["jsonl", "markdown", "parquet"])
def test_filtered_export_counts(library: LibraryService, tmp_path: Path, fmt: str) -> None:
    def export(query: ListQuery, name: str) -> int:
        target = tmp_path / (name if fmt == "markdown" else f"{name}.{fmt}")
        count = export_library(library, target, fmt, query=query).count
        if fmt == "markdown":
            assert len(list(target.glob("*.md"))) == count
        else:
            other = make_library(tmp_path / f"home-{name}")
            assert import_path(other, target).imported == count
        return count

    python = sum(1 for _, lang, _ in VARIED if lang == "python")
    assert export(ListQuery(language="python"), "py") == python
    assert export(ListQuery(tag="team"), "team") == len(range(0, len(VARIED), 4))
    assert export(ListQuery(text="fence"), "text") == 2
    assert export(ListQuery(language="cobol"), "none") == 0


def test_export_rejects_unknown_format(library: LibraryService, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="jsonl, markdown, parquet"):
        export_library(library, tmp_path / "x.csv", "csv")


def test_markdown_layout(library: LibraryService, tmp_path: Path) -> None:
    export_library(library, tmp_path / "md", "markdown")
    snippet = next(s for s in library.iter_snippets() if s.title == "Fences")
    path = tmp_path / "md" / f"fences-{snippet.id[:8]}.md"
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    assert head.startswith("---\n")
    assert 'title: "Fences"' in head and 'language: "markdown"' in head
    for line in head.splitlines()[1:]:  # every value is a JSON scalar / array / object
        _, _, value = line.partition(": ")
        json.loads(value)
    assert "\n# Fences\n" in body
    assert "\n`````markdown\n" in body and body.endswith("\n`````\n")  # longer than ````

    crlf = next(s for s in library.iter_snippets() if s.title == "CRLF without final newline")
    raw = (tmp_path / "md" / md.file_name(crlf)).read_bytes()
    assert b"no final newline\r\nstill crlf\n```\n" in raw
    assert b"final_newline: false" in raw and b'line_endings: "crlf"' in raw
    unicode = next(s for s in library.iter_snippets() if s.title.startswith("Ünïcödé"))
    assert md.file_name(unicode) == f"unicode-title-{unicode.id[:8]}.md"


def test_slug_rules() -> None:
    assert md.slug("Parse config!") == "parse-config"
    assert md.slug("  ") == "snippet"
    assert md.slug("日本語") == "snippet"
    long = md.slug("word " * 40)
    assert len(long) <= 50 and not long.endswith("-")


def test_markdown_survives_crlf_conversion(library: LibraryService, tmp_path: Path) -> None:
    """git autocrlf rewrites line endings of the .md files; uniform contents still come back."""
    before = {s.content for s in library.iter_snippets()}
    export_library(library, tmp_path / "md", "markdown")
    for f in (tmp_path / "md").glob("*.md"):
        data = f.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        f.write_bytes(data)
    other = make_library(tmp_path / "other")
    assert import_path(other, tmp_path / "md").imported == len(VARIED)
    after = {s.content for s in other.iter_snippets()}
    mixed = {c for c in before if "\r" in c and c.count("\r\n") != c.count("\n")}
    assert before - mixed <= after


def test_hand_written_markdown(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "home")
    notes = tmp_path / "notes.md"
    notes.write_text(
        "Some intro text.\n\n# Retry with backoff\n\nWhy it exists.\n\n"
        "```py\nfor attempt in range(3):\n    try_once()\n```\n\n```js\nsecond()\n```\n",
        encoding="utf-8",
    )
    report = import_path(lib, notes)
    assert (report.imported, report.failed) == (1, 0)
    (s,) = list(lib.iter_snippets())
    assert s.title == "Retry with backoff"
    assert s.language == "python"
    assert s.content == "for attempt in range(3):\n    try_once()\n"
    assert s.source.uri == notes.absolute().as_uri()

    empty = tmp_path / "empty.md"
    empty.write_text("# Only prose\n\nno code here\n", encoding="utf-8")
    bad = import_path(lib, empty)
    assert bad.failed == 1 and bad.files[0].errors == ["no fenced code block found"]


VSCODE = """{
  // Comments and trailing commas are allowed in VS Code snippet files.
  "Print to console": {
    "scope": "javascript,typescript",
    "prefix": ["log", "clg"],
    "body": ["console.log('$1');", "$2"],
    "description": "Log output to console",
  },
  /* block comment */
  "Plain body": {"prefix": "plain", "body": "just one line"},
  "Broken": {"prefix": "broken", "body": 42},
  "No body": {"prefix": "nobody"},
}
"""


def test_vscode_code_snippets(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "home")
    path = tmp_path / "team.code-snippets"
    path.write_text(VSCODE, encoding="utf-8")
    assert guess_format(path) == "vscode"

    report = import_path(lib, path)

    assert (report.imported, report.skipped, report.failed) == (2, 0, 2)
    errors = report.files[0].errors
    assert errors == [
        "snippet 'Broken': body: must be a string or a list of strings",
        "snippet 'No body': body: is missing",
    ]
    by_title = {s.title: s for s in lib.iter_snippets()}
    log = by_title["Print to console"]
    assert log.content == "console.log('$1');\n$2"
    assert log.language == "javascript"
    assert log.tags[:2] == ["log", "clg"]
    assert log.description == "Log output to console"
    assert by_title["Plain body"].content == "just one line"
    assert "plain" in by_title["Plain body"].tags

    again = import_path(lib, path)
    assert (again.imported, again.skipped, again.failed) == (0, 2, 2)


def test_vscode_language_file_takes_language_from_name(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "home")
    path = tmp_path / "python.json"
    path.write_text(
        '{"Main guard": {"prefix": "main", "body": ["if __name__ == \\"__main__\\":", '
        '"    main()"],},}',
        encoding="utf-8",
    )
    assert guess_format(path) == "vscode"
    assert import_path(lib, path).imported == 1
    (s,) = list(lib.iter_snippets())
    assert s.language == "python"

    broken = tmp_path / "broken.code-snippets"
    broken.write_text('{"x": {"body": "SECRET_VALUE" oops}}', encoding="utf-8")
    report = import_path(lib, broken)
    assert report.failed == 1
    assert "SECRET_VALUE" not in report.files[0].errors[0]
    assert "not valid JSON" in report.files[0].errors[0]


def test_folder_of_sources(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "home")
    root = tmp_path / "project"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "util.py").write_text("def helper():\n    return 1\n")
    (root / "main.go").write_bytes(b"package main\r\n\r\nfunc main() {}\r\n")
    (root / "README").write_text("A readme without extension\n")
    (root / "empty.txt").write_text("")
    (root / "blank.txt").write_text("  \n\n")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (root / "huge.txt").write_text("x" * (1024 * 1024 + 1))
    (root / ".env").write_text("SECRET=1\n")
    for ignored in (".git", "node_modules", "__pycache__", "venv"):
        (root / ignored).mkdir()
        (root / ignored / "file.js").write_text("ignored()\n")
    (root / "env2").mkdir()
    (root / "env2" / "pyvenv.cfg").write_text("home = /usr\n")

    report = import_path(lib, root)

    files = {Path(f.path).relative_to(root).as_posix(): f for f in report.files}
    imported = {k for k, f in files.items() if f.imported}
    assert imported == {"src/pkg/util.py", "main.go", "README"}
    assert report.imported == 3 and report.failed == 0
    reasons = {k: f.errors[0] for k, f in files.items() if f.skipped}
    assert reasons == {
        "empty.txt": "skipped: empty file",
        "blank.txt": "skipped: empty file",
        "image.png": "skipped: binary file",
        "latin1.txt": "skipped: binary or not UTF-8 text",
        "huge.txt": "skipped: larger than 1 MiB",
        ".env": "skipped: hidden file",
        ".git": "skipped: hidden directory",
        "node_modules": "skipped: dependency folder (node_modules)",
        "__pycache__": "skipped: Python bytecode cache",
        "venv": "skipped: virtual environment",
        "env2": "skipped: virtual environment",
    }
    by_title = {s.title: s for s in lib.iter_snippets()}
    go = by_title["main.go"]
    assert go.language == "go"
    assert go.content == "package main\r\n\r\nfunc main() {}\r\n"
    assert go.source.uri == (root / "main.go").absolute().as_uri()
    assert by_title["src/pkg/util.py"].language == "python"

    again = import_path(lib, root)
    assert (again.imported, again.failed) == (0, 0)


def test_malformed_jsonl_lines_fail_alone(library: LibraryService, tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    export_library(library, target, "jsonl")
    good = target.read_text(encoding="utf-8").splitlines(keepends=True)
    secret_line = json.dumps({"content": f"x = '{GITHUB_TOKEN}'", "id": "not-a-uuid"})
    bad = [
        "{not json at all " + GITHUB_TOKEN + "\n",
        "[1, 2]\n",
        json.dumps({"content": "   "}) + "\n",
        secret_line + "\n",
        json.dumps({"content": "ok", "inserted_count": "many"}) + "\n",
        "\n",
    ]
    target.write_text("".join(good[:3] + bad + good[3:]), encoding="utf-8")
    library.erase()

    report = import_path(library, target)

    assert (report.imported, report.failed) == (len(VARIED), 5)
    errors = report.files[0].errors
    assert errors[0].startswith("line 4: invalid JSON")
    assert errors[1] == "line 5: each line must be a JSON object"
    assert errors[2] == "line 6: content: is empty"
    assert errors[3] == "line 7: id: must be a UUID"
    assert errors[4] == "line 8: malformed record (ValueError)"
    assert all(GITHUB_TOKEN not in e and "\n" not in e for e in errors)


def test_duplicate_ids_inside_one_import_both_land(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "home")
    sid = "3b241101-e2bb-4255-8caf-4136c566a962"
    path = tmp_path / "dupes.jsonl"
    path.write_text(
        json.dumps({"id": sid, "content": "first()"})
        + "\n"
        + json.dumps({"id": sid, "content": "second()"})
        + "\n"
        + json.dumps({"id": sid, "content": "first()\n"})  # same code: a duplicate
        + "\n",
        encoding="utf-8",
    )
    report = import_path(lib, path)
    assert (report.imported, report.skipped, report.failed) == (2, 1, 0)
    assert {s.content for s in lib.iter_snippets()} == {"first()", "second()"}
    assert lib.get(sid).content == "first()"


def test_guessing_formats(tmp_path: Path) -> None:
    other = tmp_path / "data.csv"
    other.write_text("a,b\n")
    with pytest.raises(UnsupportedFormatError, match=r"cannot tell the import format of data\.csv"):
        guess_format(other)
    plain_json = tmp_path / "package.json"
    plain_json.write_text('{"name": "x", "version": "1.0.0"}')
    with pytest.raises(UnsupportedFormatError, match="not a VS Code snippet file"):
        guess_format(plain_json)
    for name, fmt in [("a.jsonl", "jsonl"), ("a.parquet", "parquet"), ("a.md", "markdown")]:
        (tmp_path / name).write_text("")
        assert guess_format(tmp_path / name) == fmt
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "notes.md").write_text("# hi\n```\nx\n```\n")
    assert guess_format(folder) == "folder"

    lib = make_library(tmp_path / "home")
    with pytest.raises(PortabilityError, match="does not exist"):
        import_path(lib, tmp_path / "missing.jsonl")
    with pytest.raises(UnsupportedFormatError, match="choose one of"):
        import_path(lib, other, "csv")


def test_exported_markdown_folder_is_recognised(library: LibraryService, tmp_path: Path) -> None:
    export_library(library, tmp_path / "md", "markdown")
    (tmp_path / "md" / "notes.txt").write_text("not markdown\n")
    assert guess_format(tmp_path / "md") == "markdown"
    other = make_library(tmp_path / "other")
    report = import_path(other, tmp_path / "md")
    assert report.imported == len(VARIED)
    notes = next(f for f in report.files if f.path.endswith("notes.txt"))
    assert notes.errors == ["skipped: not a Markdown file"]


def test_parquet_columns_are_typed(library: LibraryService, tmp_path: Path) -> None:
    from pieces_lsp.storage.database import open_sandbox

    target = tmp_path / "export.parquet"
    export_library(library, target, "parquet")
    conn = open_sandbox([target])
    try:
        cur = conn.execute(f"SELECT * FROM read_parquet('{target}')")
        types = {d[0]: str(d[1]) for d in cur.description}
        rows = cur.fetchall()
    finally:
        conn.close()
    assert types["tags"] == "VARCHAR[]"
    assert types["created_at"] == "TIMESTAMP"
    assert types["source"].startswith("STRUCT(")
    assert len(rows) == len(VARIED)
    assert not list(tmp_path.glob(".export.parquet*"))  # no staging files left behind


def test_progress_reports_totals(library: LibraryService, tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    export_library(library, target, "jsonl")
    library.erase()
    seen: list[tuple[int, int]] = []
    import_path(library, target, on_progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, len(VARIED)) and seen[-1] == (len(VARIED), len(VARIED))


def test_report_to_dict(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "home")
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"content": "one()"}) + "\n", encoding="utf-8")
    assert import_path(lib, path).to_dict() == {
        "imported": 1,
        "skipped": 0,
        "failed": 0,
        "files": [{"path": str(path), "imported": 1, "skipped": 0, "failed": 0, "errors": []}],
    }


def test_package_does_not_import_duckdb() -> None:
    code = "import sys, pieces_lsp.portability; sys.exit('duckdb' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_editor_snippets_folder_is_read_as_snippets(tmp_path: Path) -> None:
    """Migrating a VS Code user snippets folder: its JSON files hold snippets, not code."""
    snippets = tmp_path / "User" / "snippets"
    snippets.mkdir(parents=True)
    (snippets / "go.json").write_text(
        '{"Err check": {"prefix": "iferr", "body": ["if err != nil {", "\\treturn err", "}"]}}'
    )
    (snippets / "shared.code-snippets").write_text(
        '{ // comment\n "Todo": {"prefix": "todo", "body": "// TODO: $1", "scope": "rust"},}'
    )
    (snippets / "helper.py").write_text("def helper():\n    return 1\n")
    (snippets / "settings.json").write_text('{"editor.tabSize": 2}')
    lib = build_services(resolve_config({"home": str(tmp_path / "h")}, env={})).library
    report = import_path(lib, snippets)
    assert (report.imported, report.failed) == (4, 0)
    by_title = {s.title: s for s in lib.iter_snippets()}
    assert by_title["Err check"].language == "go"
    assert by_title["Err check"].content == "if err != nil {\n\treturn err\n}"
    assert by_title["Todo"].language == "rust"
    assert any(s.language == "json" for s in by_title.values())  # settings.json is plain JSON
