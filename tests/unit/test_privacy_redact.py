"""What leaves the machine has no secrets and no local paths in it."""

from __future__ import annotations

import pytest

from pieces_lsp import secrets
from pieces_lsp.privacy import redact_outbound
from pieces_lsp.privacy.redact import redact_payload

GITHUB = "ghp_R8kq2ZbX7mN4pQ9sT1vW3yA6cE0fH5jL2nPd"
AWS = "AKIAZ7QW3ERT5YUI2OPA"


def test_planted_secrets_are_really_detected():
    """Guard the test data: the engine must find these, or the tests below prove nothing."""
    assert secrets.find(f'token = "{GITHUB}"')
    assert secrets.find(f'key = "{AWS}"')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("open('/home/alice/work/payroll/app.py')", "open('<path>/app.py')"),
        ("/Users/bob/src/acme/main.go:12:3", "<path>/main.go:12:3"),
        ("see /home/alice and /Users/bob/", "see ~ and ~"),
        ("/root", "~"),
        ("/tmp/build-1234/out.log", "<path>/out.log"),
        ("/var/folders/xy/abc/T/tmpfile", "<path>/tmpfile"),
        ("/usr/lib/python3.11/json/__init__.py", "<path>/__init__.py"),
        ("~/work/secret-project/notes.md", "<path>/notes.md"),
        ("file:///home/alice/x.py", "<path>/x.py"),
        ("echo hi >/tmp/out.log", "echo hi ><path>/out.log"),
        (r"C:\Users\alice\proj\main.cs", "<path>/main.cs"),
        ("C:/Users/alice/proj/main.cs", "<path>/main.cs"),
        (r'p = "C:\\Users\\alice\\proj\\main.cs"', 'p = "<path>/main.cs"'),
        (r"C:\Program Files\Acme Corp\bin\tool.exe --x", "<path>/tool.exe --x"),
        (r"C:\Users\alice", "~"),
        (r"\\fileserver\share\hr\salaries.xlsx", "<path>/salaries.xlsx"),
    ],
)
def test_local_paths_keep_only_their_basename(text: str, expected: str):
    assert redact_outbound(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/home/alice/a/b.py",
        "see http://x/y and https://docs.python.org/3/library/os.path.html",
        "src/app/main.py ./a/b.py ../c/d.py",
        'fetch("/api/v1/users")',
        "1/2/3 and 10/20",
        "re.sub(r'/\\w+/', '', s)",
        "<path>/app.py",
    ],
)
def test_urls_relative_paths_and_routes_are_untouched(text: str):
    assert redact_outbound(text) == text


def test_the_current_home_folder_is_redacted(monkeypatch: pytest.MonkeyPatch):
    from pieces_lsp.privacy import redact

    monkeypatch.setattr(redact, "_home", lambda: "/srvhome/carol")
    redact._own_folders.cache_clear()
    try:
        assert redact_outbound("at /srvhome/carol/proj/x") == "at <path>/x"
        assert redact_outbound("at /srvhome/carol") == "at ~"
    finally:
        redact._own_folders.cache_clear()


def test_secrets_then_paths():
    text = f'token = "{GITHUB}"  # from /home/alice/.config/gh/hosts.yml\nkey = "{AWS}"\n'
    out = redact_outbound(text, language="python")
    assert GITHUB not in out and AWS not in out
    assert "alice" not in out
    assert "<redacted:github-token>" in out and "<path>/hosts.yml" in out


def test_idempotent():
    text = (
        f'token = "{GITHUB}" /home/alice/a/b.py C:\\Users\\bob\\x.txt https://h/a/b '
        "~/p/q.md /root /tmp/x\n"
    )
    once = redact_outbound(text)
    assert redact_outbound(once) == once


def test_payload_strings_are_redacted_at_any_depth_and_keys_kept():
    payload = {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": f"{GITHUB} in /home/alice/x.py"}],
        "options": {"stop": ["/home/alice/y.py"], "n": 1, "flag": True, "none": None},
    }
    out = redact_payload(payload)
    assert out["model"] == "llama3.2"
    assert GITHUB not in out["messages"][0]["content"]
    assert out["options"] == {"stop": ["<path>/y.py"], "n": 1, "flag": True, "none": None}
    assert payload["messages"][0]["content"].startswith(GITHUB)  # the input is not mutated
