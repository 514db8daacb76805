"""The secrets engine on small realistic texts: what it reports, what it must leave alone.

Values are assembled at run time so the repository holds no secret-shaped literal."""

from __future__ import annotations

import ast

import pytest

from pieces_lsp import secrets

PASSWORD = "Tr0ub4dor" + "&3xq!"
RANDOM = "a8f0c2e4b6d8" + "1357acebd024" + "68ace135"
GH = "ghp_" + "R7mK2xQ9vL4n" + "T8wZ1cJ5hB3s" + "D6fG0yP2aE4u"


def rules_of(text: str, filename: str | None = None, language: str | None = None) -> list[str]:
    return [m.rule for m in secrets.find(text, filename, language)]


def values_of(text: str, filename: str | None = None) -> list[str]:
    return [text[m.start : m.end] for m in secrets.find(text, filename)]


@pytest.mark.parametrize(
    ("text", "filename"),
    [
        (f'DB_PASSWORD = "{PASSWORD}"\n', "settings.py"),
        (f"const config = {{ apiToken: '{RANDOM}' }};\n", "config.js"),
        (f'var clientSecret string = "{RANDOM}"\n', "main.go"),
        (f'String apiToken = "{RANDOM}";\n', "Client.java"),
        (f"database:\n  password: {PASSWORD}\n", "config.yaml"),
        (f"SMTP_PASSWORD={PASSWORD}\n", ".env"),
        (f'{{"auth": {{"refresh_token": "{RANDOM}"}}}}\n', "creds.json"),
        (f"<settings>\n  <apiKey>{RANDOM}</apiKey>\n</settings>\n", "app.xml"),
        (f"deploy --api-token {RANDOM} --region eu\n", "deploy.sh"),
        (f"curl -u admin:{PASSWORD} https://ci.internal/api\n", "run.sh"),
        (f'if (password == "{PASSWORD}") {{ grant(); }}\n', "auth.c"),
        (f'System.setProperty("SERVICE_TOKEN", "{RANDOM}");\n', "Boot.java"),
    ],
)
def test_literal_assigned_to_a_secret_name_is_found(text: str, filename: str) -> None:
    found = values_of(text, filename)
    assert found, text
    assert found[0] in (PASSWORD, RANDOM)


@pytest.mark.parametrize(
    ("text", "filename"),
    [
        ('import os\npassword = os.environ["DB_PASSWORD"]\n', "settings.py"),
        ("const token = process.env.GITHUB_TOKEN;\n", "index.js"),
        ('token := os.Getenv("TOKEN")\n', "main.go"),
        ("api_key = get_api_key()\n", "client.py"),
        ("secret = settings.SECRET_KEY\n", "views.py"),
        ('api_key = "${API_KEY}"\n', "config.py"),
        ('api_key = "<your-api-key>"\n', "README.py"),
        ("password: {{ vault_db_password }}\n", "values.yaml"),
        ('password = ""\n', "x.py"),
        ('PASSWORD_MIN_LENGTH = 12\npassword_field = "password"\n', "forms.py"),
        ('password_hash = "$2b$12$Kix8sVbE0h1cE7n0rQm0Ue"\n', "fixtures.py"),
        ('label = "Enter your password:"\n', "ui.py"),
        (
            "def login(user: str, password: str) -> bool:\n    return check(user, password)\n",
            "a.py",
        ),
        ('TOKEN_URL = "https://oauth2.googleapis.com/token"\n', "auth.py"),
        ('public_key = "' + RANDOM + '"\n', "keys.py"),
        ("AWS_SECRET = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\n", "x.py"),
        ("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", "notes.md"),
    ],
)
def test_references_placeholders_and_names_are_not_secrets(text: str, filename: str) -> None:
    assert secrets.find(text, filename) == []


def test_provider_format_wins_over_the_name_and_says_what_it_is() -> None:
    assert rules_of(f'token = "{GH}"\n', "a.py") == ["github-token"]


def test_only_the_value_is_reported_and_lines_are_zero_based() -> None:
    text = f'import os\n\nAPI_TOKEN = "{RANDOM}"\n'
    (m,) = secrets.find(text, "a.py")
    assert text[m.start : m.end] == RANDOM and m.line == 2


def test_fixture_in_a_test_is_not_reported_but_a_real_token_is() -> None:
    fixture = f'def test_login(client):\n    password = "{PASSWORD}"\n    client.login(password)\n'
    assert rules_of(fixture, "app.py") == []
    assert rules_of(fixture.replace("def test_login", "def login"), "app.py") == [
        "generic-password"
    ]
    assert rules_of(f'password = "{PASSWORD}"\n', "tests/test_auth.py") == []
    assert rules_of(f'def test_api():\n    token = "{GH}"\n', "app.py") == ["github-token"]


def test_unquoted_values_in_code_are_expressions_but_in_config_are_values() -> None:
    assert rules_of("password = user_password\n", "a.py") == []
    assert rules_of(f"password = {PASSWORD}\n", "app.ini") == ["generic-password"]


def test_allow_marker_on_the_line_or_alone_above_it() -> None:
    text = f'API_TOKEN = "{RANDOM}"  # {secrets.ALLOW_MARKER}\n'
    assert secrets.find(text, "a.py") == []
    above = f'# {secrets.ALLOW_MARKER}\nAPI_TOKEN = "{RANDOM}"\nOTHER_TOKEN = "{RANDOM[::-1]}"\n'
    assert [m.line for m in secrets.find(above, "a.py")] == [2]


def test_allow_marker_for_the_whole_snippet() -> None:
    text = f'# {secrets.ALLOW_SNIPPET_MARKER}\nA_TOKEN = "{RANDOM}"\nB = "{GH}"\n'
    assert secrets.find(text, "a.py") == []


def test_redaction_keeps_code_valid_and_is_idempotent() -> None:
    code = (
        f'import os\n\nDB_PASSWORD = "{PASSWORD}"\n'
        f'HEADERS = {{"Authorization": "Bearer {RANDOM}"}}\n'
        f"GITHUB = '{GH}'\nURL = 'postgres://app:{PASSWORD.replace('&', '')}@db:5432/app'\n"
    )
    once = secrets.redact(code, filename="a.py")
    assert PASSWORD not in once and RANDOM not in once and GH not in once
    assert "<redacted:github-token>" in once and '"<redacted:generic-password>"' in once
    ast.parse(once)
    assert secrets.redact(once, filename="a.py") == once
    assert secrets.find(once, "a.py") == []


def test_findings_name_rule_and_line_never_the_value() -> None:
    (f,) = secrets.findings(f'x = 1\nAPI_TOKEN = "{RANDOM}"\n', filename="a.py")
    assert f.rule == "generic-secret" and f.line == 1
    assert RANDOM not in f.preview and "<redacted:generic-secret>" in f.preview


def test_long_minified_line_is_scanned_around_its_trigger_words() -> None:
    filler = "var a=1;" * 20_000
    text = filler + f'var apiToken="{RANDOM}";' + filler
    assert values_of(text, "bundle.min.js") == [RANDOM]


def test_every_rule_kind_is_described() -> None:
    ruleset = secrets.load_rules()
    for rid in ("generic-password", "generic-secret", "generic-credential"):
        assert ruleset.describe(rid) != rid
    assert all(r.description for r in ruleset.rules)


def test_jwt_needs_a_json_header() -> None:
    import base64
    import json as _json

    def b64(obj: dict) -> str:
        return base64.urlsafe_b64encode(_json.dumps(obj).encode()).decode().rstrip("=")

    payload = b64({"sub": "42", "role": "admin", "iat": 1700000000})
    real = f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{payload}.{RANDOM[:32]}"
    fake = f"eyJub3RfYV9oZWFkZXI.{payload}.{RANDOM[:32]}"
    assert rules_of(f"Authorization: Bearer {real}\n") == ["jwt"]
    assert "jwt" not in rules_of(f"x = '{fake}'\n", "a.py")


def test_empty_and_non_text_inputs_are_quick_no_ops() -> None:
    assert secrets.find("") == []
    assert secrets.redact("") == ""
    assert secrets.findings("no secrets here\n") == []
