"""The LLM client and the egress door, over real sockets to a fake server on 127.0.0.1.

The assertions are about what reached the wire (`fake.received_text()`), what the audit log
holds, and what logs and error messages say: not about what the client meant to do.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from pieces_lsp import secrets
from pieces_lsp.errors import (
    AuditLogError,
    EgressDisabledError,
    LLMResponseError,
    LLMUnavailableError,
    MissingAPIKeyError,
    PrivacyError,
    ValidationError,
)
from pieces_lsp.privacy import AuditLog, Egress, LLMClient, LLMSettings, send
from pieces_lsp.privacy.llm import fit_to_budget, openai_path
from tests.fakes import FakeLLM

GITHUB = "ghp_R8kq2ZbX7mN4pQ9sT1vW3yA6cE0fH5jL2nPd"
AWS = "AKIAZ7QW3ERT5YUI2OPA"
STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ9x"
PRIVATE_PATH = "/home/alice/work/payroll/app.py"
KEY = "sk-test-Qm9XkL2nP4sT7vW1yA3cE6fH8jR0bD5g"
KEY_ENV = "PIECES_TEST_LLM_KEY"
PROVIDER = {"ollama": "ollama", "openai": "openai-compatible"}

SECRET_CODE = f'''\
import boto3

GITHUB_TOKEN = "{GITHUB}"
client = boto3.client("s3", aws_access_key_id="{AWS}")
stripe.api_key = "{STRIPE}"

def load():
    return open("{PRIVATE_PATH}").read()
'''


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "profiles" / "default" / "audit.log")


@pytest.fixture(autouse=True)
def _privacy_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Record everything the privacy package logs, at every level, for the leak checks."""
    with caplog.at_level(logging.DEBUG, logger="pieces_lsp"):
        yield


def _settings(fake: FakeLLM, **changes: object) -> LLMSettings:
    values: dict[str, object] = {
        "provider": PROVIDER[fake.mode],
        "url": fake.url,
        "model": "fake-model",
        "timeout": 10.0,
    }
    values.update(changes)
    return LLMSettings(**values)  # type: ignore[arg-type]


def _ask(content: str = "Explain this code") -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You explain code."},
        {"role": "user", "content": content},
    ]


def _audit_text(audit: AuditLog) -> str:
    return audit.path.read_text(encoding="utf-8") if audit.path.exists() else ""


def test_planted_secrets_are_really_detected():
    found = {m.rule for m in secrets.find(SECRET_CODE, None, "python")}
    assert {"github-token", "aws-access-key", "stripe-key"} <= found


# -- off by default ----------------------------------------------------------------------------


def test_off_sends_nothing_and_says_how_to_opt_in(audit: AuditLog):
    with FakeLLM(mode="ollama") as fake:
        client = LLMClient(LLMSettings(), audit)
        assert not client.enabled
        with pytest.raises(EgressDisabledError) as info:
            client.chat(_ask(), purpose="ask")
        message = str(info.value)
        assert "[privacy.llm]" in message and "config.toml" in message
        assert 'provider = "ollama"' in message and "initializationOptions" in message
        assert fake.requests == []
    assert _audit_text(audit) == ""


def test_off_never_resolves_or_connects(audit: AuditLog, monkeypatch: pytest.MonkeyPatch):
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was touched")

    monkeypatch.setattr(socket, "getaddrinfo", boom)
    monkeypatch.setattr(socket.socket, "connect", boom)
    off = LLMSettings(provider="off", url="http://llm.invalid:1234", model="m")
    with pytest.raises(EgressDisabledError):
        LLMClient(off, audit).chat(_ask(), purpose="ask")
    with (
        pytest.raises(EgressDisabledError),
        send(off, audit, purpose="ask", path="/api/chat", payload={}),
    ):
        pass


# -- both providers: streaming, deltas, key ----------------------------------------------------


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_streaming_answer_and_deltas_in_order(mode: str, audit: AuditLog):
    reply = "Hello from the fake, streamed in several pieces."
    with FakeLLM(mode=mode, reply=reply, chunks=5) as fake:
        deltas: list[str] = []
        answer = LLMClient(_settings(fake), audit).chat(
            _ask(), purpose="ask", on_delta=deltas.append
        )
        assert answer == reply
        assert deltas == fake.pieces() and len(deltas) == 5
        (request,) = fake.requests
        expected = "/api/chat" if mode == "ollama" else "/v1/chat/completions"
        assert request["path"] == expected
        assert request["json"]["model"] == "fake-model"
        assert request["json"]["stream"] is True
        assert request["json"]["messages"] == _ask()
        assert "Authorization" not in request["headers"]
        assert request["headers"]["User-Agent"] == "pieces-lsp"
    (line,) = audit.tail(5)
    assert line["outcome"] == "ok" and line["status"] == 200
    assert line["host"] == fake.host and line["path"] == expected and line["purpose"] == "ask"


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_api_key_sent_as_bearer_from_the_env_var_only(
    mode: str, audit: AuditLog, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv(KEY_ENV, KEY)
    with FakeLLM(mode=mode) as fake:
        settings = _settings(fake, api_key_env=KEY_ENV)
        assert KEY not in repr(settings)
        LLMClient(settings, audit).chat(_ask(), purpose="ask")
        (request,) = fake.requests
        assert request["headers"]["Authorization"] == f"Bearer {KEY}"
        assert KEY not in fake.received_text()  # the header only, never the body
    assert KEY not in _audit_text(audit)
    assert KEY not in caplog.text


def test_missing_key_variable_is_named_and_nothing_is_sent(
    audit: AuditLog, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv(KEY_ENV, raising=False)
    with FakeLLM(mode="openai") as fake:
        with pytest.raises(MissingAPIKeyError, match=KEY_ENV):
            LLMClient(_settings(fake, api_key_env=KEY_ENV), audit).chat(_ask(), purpose="ask")
        monkeypatch.setenv(KEY_ENV, "   ")
        with pytest.raises(MissingAPIKeyError, match=KEY_ENV):
            LLMClient(_settings(fake, api_key_env=KEY_ENV), audit).chat(_ask(), purpose="ask")
        assert fake.requests == []


def test_openai_url_ending_in_v1_is_not_doubled(audit: AuditLog):
    assert openai_path("https://api.example.test/v1") == "/chat/completions"
    assert openai_path("https://api.example.test/v1/") == "/chat/completions"
    assert openai_path("http://127.0.0.1:8080") == "/v1/chat/completions"
    with FakeLLM(mode="openai") as fake:
        answer = LLMClient(_settings(fake, url=fake.url + "/v1"), audit).chat(_ask(), purpose="ask")
        assert answer == fake.reply
        assert fake.requests[0]["path"] == "/v1/chat/completions"
    assert audit.tail(1)[0]["path"] == "/v1/chat/completions"


# -- redaction on the wire, in the audit log and in logs --------------------------------------


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_planted_secrets_and_paths_never_arrive(
    mode: str, audit: AuditLog, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
):
    planted = (GITHUB, AWS, STRIPE, PRIVATE_PATH, "alice", "payroll")
    messages = [
        {"role": "system", "content": f"Context file: {PRIVATE_PATH}"},
        {"role": "user", "content": f"Why does this fail?\n```python\n{SECRET_CODE}```"},
    ]
    with FakeLLM(mode=mode) as fake:
        LLMClient(_settings(fake), audit).chat(messages, purpose="explain")
        received = fake.received_text()
        for value in planted:
            assert value not in fake.received_everything()
        assert "<redacted:github-token>" in received
        assert "<path>/app.py" in received  # the basename survives: useful, not identifying
        body = fake.requests[0]["body"]
    log_text = _audit_text(audit)
    out, err = capsys.readouterr()
    for value in planted:
        assert value not in log_text
        assert value not in caplog.text
        assert value not in out + err
    (line,) = audit.tail(1)
    assert line["bytes"] == len(body)
    assert line["sha256"] == hashlib.sha256(body).hexdigest()
    assert line["purpose"] == "explain"
    assert "Why does this fail" not in log_text and fake.reply not in log_text
    assert "Why does this fail" not in caplog.text and fake.reply not in caplog.text


def test_context_budget_cuts_after_redaction(audit: AuditLog):
    """Cutting first could leave half a token the secrets engine no longer recognises."""
    budget = 1000
    filler = "x = 1\n" * ((budget - 40) // 6)
    content = f'{filler}TOKEN = "{GITHUB}"\n' + "y = 2\n" * 300
    with FakeLLM(mode="ollama") as fake:
        settings = _settings(fake, max_context_chars=budget)
        LLMClient(settings, audit).chat([{"role": "user", "content": content}], purpose="ask")
        sent = fake.requests[0]["json"]["messages"]
        assert sum(len(m["content"]) for m in sent) <= budget
        received = fake.received_text()
        assert all(GITHUB[i : i + 8] not in received for i in range(len(GITHUB) - 7))


def test_fit_to_budget_keeps_system_and_newest():
    messages = [
        {"role": "system", "content": "S" * 10},
        {"role": "user", "content": "old" * 100},
        {"role": "assistant", "content": "mid" * 10},
        {"role": "user", "content": "new" * 10},
    ]
    out = fit_to_budget(messages, 100)
    assert out[0] == messages[0]
    assert out[-1] == messages[-1] and out[-2] == messages[-2]
    assert sum(len(m["content"]) for m in out) <= 100
    assert out[1]["content"].endswith("[… truncated]")
    assert fit_to_budget(messages[:1], 100) == messages[:1]


def test_messages_are_validated(audit: AuditLog):
    client = LLMClient(LLMSettings(provider="ollama", model="m", url="http://127.0.0.1:9"), audit)
    for bad in ([], [{"role": "robot", "content": "x"}], [{"role": "user", "content": 3}]):
        with pytest.raises(ValidationError):
            client.chat(bad, purpose="ask")  # type: ignore[arg-type]
    assert _audit_text(audit) == ""


# -- failures: the right class, a clear message, an audit line ---------------------------------


def _fail(fake: FakeLLM, audit: AuditLog, **changes: object) -> PrivacyError:
    with pytest.raises(PrivacyError) as info:
        LLMClient(_settings(fake, **changes), audit).chat(_ask(SECRET_CODE), purpose="ask")
    error = info.value
    for value in (GITHUB, AWS, STRIPE, PRIVATE_PATH, KEY):
        assert value not in str(error)
    assert "You explain code" not in str(error)
    return error


def test_refused_connection(audit: AuditLog):
    with FakeLLM(mode="ollama") as fake:
        pass  # started and stopped: its port is now closed
    error = _fail(fake, audit)
    assert isinstance(error, LLMUnavailableError)
    assert fake.host in str(error) and "ollama serve" in str(error)
    assert error.outcome == "refused"
    line = audit.tail(1)[0]
    assert line["outcome"] == "refused" and line["status"] is None and line["bytes"] > 0


def test_timeout(audit: AuditLog):
    with FakeLLM(mode="openai", behaviour="hang", hang_seconds=10) as fake:
        error = _fail(fake, audit, timeout=0.3)
        assert len(fake.requests) == 1
    assert isinstance(error, LLMUnavailableError)
    assert "0.3 s" in str(error) and "privacy.llm.timeout" in str(error)
    assert audit.tail(1)[0]["outcome"] == "timeout"


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_http_500(mode: str, audit: AuditLog):
    with FakeLLM(mode=mode, behaviour="http500") as fake:
        error = _fail(fake, audit)
    assert isinstance(error, LLMResponseError) and error.status == 500
    assert "HTTP 500" in str(error) and "model runner crashed" in str(error)
    line = audit.tail(1)[0]
    assert line["outcome"] == "http-error" and line["status"] == 500


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_http_401_never_echoes_the_key(
    mode: str, audit: AuditLog, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv(KEY_ENV, KEY)
    with FakeLLM(mode=mode, behaviour="http401") as fake:
        error = _fail(fake, audit, api_key_env=KEY_ENV)
        assert fake.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"
    assert isinstance(error, LLMResponseError) and error.status == 401
    assert "HTTP 401" in str(error) and "api_key_env" in str(error)
    assert KEY[:12] not in str(error) and KEY[-12:] not in str(error)
    assert KEY not in _audit_text(audit) and KEY not in caplog.text
    assert audit.tail(1)[0]["status"] == 401


def test_http_404_suggests_pulling_the_model(audit: AuditLog):
    with FakeLLM(mode="ollama", behaviour="http404") as fake:
        error = _fail(fake, audit)
    assert isinstance(error, LLMResponseError) and "ollama pull" in str(error)


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_malformed_stream(mode: str, audit: AuditLog):
    with FakeLLM(mode=mode, behaviour="malformed") as fake:
        error = _fail(fake, audit)
    assert isinstance(error, LLMResponseError)
    assert "cannot read" in str(error)
    assert audit.tail(1)[0]["outcome"] == "malformed"


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_error_line_in_the_stream(mode: str, audit: AuditLog):
    deltas: list[str] = []
    with (
        FakeLLM(mode=mode, behaviour="error-line") as fake,
        pytest.raises(LLMResponseError, match="model runner crashed") as info,
    ):
        LLMClient(_settings(fake), audit).chat(_ask(), purpose="ask", on_delta=deltas.append)
    assert deltas == fake.pieces()[:1]  # what came before the error was still shown
    assert info.value.outcome == "server-error"
    assert audit.tail(1)[0]["outcome"] == "server-error"


@pytest.mark.parametrize("mode", ["ollama", "openai"])
def test_empty_answer(mode: str, audit: AuditLog):
    with FakeLLM(mode=mode, behaviour="empty") as fake:
        error = _fail(fake, audit)
    assert isinstance(error, LLMResponseError) and "empty" in str(error)
    assert audit.tail(1)[0]["outcome"] == "empty"


def test_connection_cut_mid_stream(audit: AuditLog):
    with FakeLLM(mode="ollama", behaviour="truncated") as fake:
        error = _fail(fake, audit)
    assert isinstance(error, LLMUnavailableError) and "broke" in str(error)
    assert audit.tail(1)[0]["outcome"] == "interrupted"


def test_redirects_are_not_followed(audit: AuditLog):
    with FakeLLM(mode="openai", behaviour="redirect") as fake:
        error = _fail(fake, audit)
        assert len(fake.requests) == 1
    assert isinstance(error, LLMResponseError) and "redirect" in str(error)
    assert audit.tail(1)[0]["outcome"] == "redirect"


def test_a_consumer_error_is_audited_as_aborted(audit: AuditLog):
    def stop(_: str) -> None:
        raise KeyboardInterrupt

    with FakeLLM(mode="ollama") as fake, pytest.raises(KeyboardInterrupt):
        LLMClient(_settings(fake), audit).chat(_ask(), purpose="ask", on_delta=stop)
    assert audit.tail(1)[0]["outcome"] == "aborted"


# -- the egress door itself --------------------------------------------------------------------


def test_egress_get_and_raw_lines(audit: AuditLog):
    with FakeLLM(mode="ollama") as fake:
        egress = Egress(_settings(fake), audit)
        with egress.request(purpose="models", path="/api/tags", payload=None, method="GET") as r:
            assert r.status == 200
            data = json.loads(r.read())
        assert data["models"][0]["name"] == "fake-model"
        assert fake.requests[0]["method"] == "GET" and fake.requests[0]["body"] == b""
    line = audit.tail(1)[0]
    assert line["method"] == "GET" and line["bytes"] == 0
    assert line["sha256"] == hashlib.sha256(b"").hexdigest()


def test_egress_refuses_what_could_leak_through_the_side_doors(audit: AuditLog):
    with FakeLLM(mode="ollama") as fake:
        egress = Egress(_settings(fake), audit)
        bad_calls = [
            {"purpose": "Explain /home/alice/x.py", "path": "/api/chat"},
            {"purpose": "ask", "path": "/api/chat?q=secret"},
            {"purpose": "ask", "path": "api/chat"},
            {"purpose": "ask", "path": "/api/chat", "headers": {"Authorization": "x"}},
            {"purpose": "ask", "path": "/api/chat", "method": "DELETE"},
        ]
        for kwargs in bad_calls:
            with pytest.raises(ValueError), egress.request(payload={}, **kwargs):  # type: ignore[arg-type]
                pass
        hand_made = LLMSettings(provider="ollama", model="m", url="http://u:p@127.0.0.1:1")
        with (
            pytest.raises(EgressDisabledError, match="password"),
            Egress(hand_made, audit).request(purpose="ask", path="/x", payload={}),
        ):
            pass
        no_url = LLMSettings(provider="openai-compatible", model="m")
        with (
            pytest.raises(EgressDisabledError, match=r"privacy\.llm\.url"),
            Egress(no_url, audit).request(purpose="ask", path="/x", payload={}),
        ):
            pass
        assert fake.requests == []
    assert _audit_text(audit) == ""


def test_unwritable_audit_log_means_nothing_is_sent(tmp_path: Path):
    blocked = tmp_path / "audit.log"
    blocked.mkdir()  # a folder where the file should be: cannot be opened for writing
    with FakeLLM(mode="ollama") as fake:
        with pytest.raises(AuditLogError, match="nothing was sent"):
            LLMClient(_settings(fake), AuditLog(blocked)).chat(_ask(), purpose="ask")
        assert fake.requests == []


def test_proxy_environment_is_ignored(audit: AuditLog, monkeypatch: pytest.MonkeyPatch):
    """A proxy variable must not silently route code through a third machine."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with FakeLLM(mode="ollama") as fake:
        assert LLMClient(_settings(fake), audit).chat(_ask(), purpose="ask") == fake.reply
        assert len(fake.requests) == 1


def test_fake_registers_its_port_for_the_socket_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    allowed = tmp_path / "allowed-ports"
    monkeypatch.setenv("PIECES_LSP_TEST_ALLOWED_PORTS_FILE", str(allowed))
    with FakeLLM(mode="openai") as one, FakeLLM(mode="ollama") as two:
        lines = allowed.read_text().splitlines()
    assert lines == [f"127.0.0.1:{one.port}", f"127.0.0.1:{two.port}"]
