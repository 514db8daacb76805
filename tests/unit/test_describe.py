"""Titles and descriptions: readable, at most 60 characters, never a secret or a local path."""

from __future__ import annotations

from pieces_lsp.analysis.definitions import Call
from pieces_lsp.analysis.describe import TITLE_MAX, describe, explain, humanize, side_effects
from pieces_lsp.analysis.parsing import parse


def _describe(src: str, language: str, **kw: list[str]) -> tuple[str, str]:
    return describe(
        src,
        language,
        parse(src, language),
        frameworks=kw.get("frameworks", []),
        imports=kw.get("imports", []),
    )


def test_humanize_keeps_acronyms() -> None:
    assert humanize("parse_yaml_config") == "Parse YAML config"
    assert humanize("fetchHTTPResponse") == "Fetch HTTP response"
    assert humanize("onSubmitClick") == "Handle submit click"


def test_function_title_from_name_and_params() -> None:
    src = "def parse_yaml_config(path, defaults=None):\n    return load(path) or defaults\n"
    title, description = _describe(src, "python")
    assert title == "Parse YAML config with path and defaults"
    assert "function parse_yaml_config(path, defaults)" in description


def test_docstring_first_sentence_wins() -> None:
    src = (
        "def rotate(log_dir, keep=5):\n"
        '    """Delete old log files, keeping the newest few. Runs nightly."""\n'
        "    for f in sorted(os.listdir(log_dir))[:-keep]:\n"
        "        os.remove(os.path.join(log_dir, f))\n"
    )
    title, description = _describe(src, "python", imports=["os"])
    assert title == "Delete old log files, keeping the newest few"
    assert "file system" in description


def test_class_title_lists_methods() -> None:
    src = (
        "class UserRepository {\n  constructor(db) { this.db = db }\n"
        "  find(id) { return this.db.get(id) }\n  save(user) { return this.db.put(user) }\n}\n"
    )
    title, description = _describe(src, "javascript")
    assert title == "UserRepository class with find, save"
    assert "methods find and save" in description


def test_fragment_title_from_dominant_action_with_library() -> None:
    src = 'df = pd.read_csv("sales.csv")\ntotals = df.groupby("region").sum()\nprint(totals)\n'
    title, description = _describe(src, "python", frameworks=["pandas"], imports=["pandas"])
    assert title == "Read CSV and group by with pandas"
    assert "Uses pandas" in description
    assert "file system" in description


def test_routes_name_handlers() -> None:
    src = 'app.get("/users/:id", (req, res) => {\n  res.json(db.find(req.params.id));\n});\n'
    title, description = _describe(src, "javascript", frameworks=["express"])
    assert title.startswith("GET /users/:id endpoint")
    assert "GET /users/:id" in description


def test_comment_and_language_fallbacks() -> None:
    assert _describe("# Nightly backup of the wiki\nx=1\ny=2\nz=3\n", "shellscript")[0] == (
        "Nightly backup of the wiki"
    )
    assert _describe("", "go")[0] == "Go snippet"
    assert describe("@@@", "plaintext", None, frameworks=[], imports=[])[0]


def test_data_files_title_from_keys() -> None:
    src = '{\n  "name": "demo",\n  "version": "1.0.0",\n  "scripts": {"test": "jest"}\n}\n'
    assert _describe(src, "json")[0] == "JSON with name, version and scripts"


def test_never_a_secret_or_local_path() -> None:
    key = "AKIA" + "IOSFODNN7EXAMPLQ"
    src = f'# upload with {key} from /home/alice/reports/q3.csv\nupload("{key}")\n'
    title, description = _describe(src, "python")
    assert key not in title and key not in description
    assert "/home/alice" not in title and "/home/alice" not in description


def test_title_is_bounded() -> None:
    name = "_".join(["transform"] + ["very"] * 30 + ["long"])
    src = f"def {name}(a):\n    return a\n"
    d = explain(src, "python", parse(src, "python"), frameworks=[], imports=[])
    assert len(d.title) <= TITLE_MAX
    assert d.source == "definition"


def test_side_effects_from_table() -> None:
    calls = [Call("run", "subprocess.run", 0), Call("getenv", "os.getenv", 1)]
    assert side_effects("python", "", calls, ["requests"]) == [
        "network",
        "subprocess",
        "environment",
    ]
    assert side_effects("typescript", "process.env.TOKEN", [], []) == ["environment"]


def test_components_are_named_as_such() -> None:
    src = "export default function SearchBar({ query }) {\n  return <input value={query} />;\n}\n"
    assert _describe(src, "javascriptreact", frameworks=["react"])[0] == "SearchBar component"


def test_a_class_declared_and_implemented_lists_each_method_once():
    src = (
        "@interface Greeter : NSObject\n- (NSString *)greet:(NSString *)name;\n@end\n\n"
        "@implementation Greeter\n- (NSString *)greet:(NSString *)name {\n    return name;\n}\n"
        "@end\n"
    )
    title, description = describe(
        src, "objective-c", parse(src, "objective-c"), frameworks=[], imports=[]
    )
    assert title.count("greet") == 1
    assert "more" not in description and description.count("greet") == 1
