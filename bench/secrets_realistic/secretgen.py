"""Random credentials in real providers' formats, and decoys that only look like them.

Every value comes from the caller's seeded `random.Random`, so a build is reproducible; none is
a real credential. A generator returns the text to plant and the spans (relative to that text)
that are the secret itself: for a database URL only the password, for a PEM block the block.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
from collections.abc import Callable

Planted = tuple[str, list[tuple[int, int]]]

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
UPPER32 = string.ascii_uppercase + "234567"

_WORDS = [
    "river",
    "maple",
    "falcon",
    "copper",
    "winter",
    "orbit",
    "violet",
    "harbor",
    "tiger",
    "summer",
    "pixel",
    "cobalt",
    "meadow",
    "quartz",
    "rocket",
    "banana",
    "shadow",
    "delta",
]
_USERS = ["admin", "app", "deploy", "svc_api", "postgres", "root", "billing", "etl", "webapp"]
_HOSTS = [
    "db.internal",
    "10.0.3.17",
    "prod-db-1.c9akciq32.eu-west-1.rds.amazonaws.com",
    "mongo-0.mongo.svc.cluster.local",
    "redis.prod.local",
    "mysql.acme-corp.net",
    "localhost",
]


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _whole(value: str) -> Planted:
    return value, [(0, len(value))]


def password(rng: random.Random) -> str:
    """What people actually type or paste: word+digits+symbol, or a generator's output."""
    style = rng.randrange(4)
    if style == 0:
        w = rng.choice(_WORDS)
        return w.capitalize() + str(rng.randrange(10, 9999)) + rng.choice("!@#$%&*?")
    if style == 1:
        return _r(rng, ALNUM + "!#%&*+-=?@^_", rng.randrange(14, 25))
    if style == 2:
        return "-".join(rng.choice(_WORDS) for _ in range(3)) + str(rng.randrange(10, 99))
    return _r(rng, ALNUM, rng.randrange(16, 33))


def _pem(rng: random.Random, label: str, prefix: str, nbytes: int) -> str:
    body = prefix + _r(rng, B64, (nbytes * 4) // 3 - len(prefix))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def pem_private(rng: random.Random) -> Planted:
    label, prefix, size = rng.choice(
        [
            ("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA", 1190),
            ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", 1210),
            ("EC PRIVATE KEY", "MHcCAQEEI", 121),
            (
                "OPENSSH PRIVATE KEY",
                "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
                400,
            ),
        ]
    )
    return _whole(_pem(rng, label, prefix, size))


def pem_private_json(rng: random.Random) -> Planted:
    """As inside a service-account JSON: one string with escaped newlines."""
    text, _ = pem_private(rng)
    value = text.replace("\n", "\\n") + "\\n"
    return _whole(value)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(rng: random.Random) -> Planted:
    alg = rng.choice(["HS256", "RS256", "HS512"])
    head = _b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {
        "sub": str(rng.randrange(10**5, 10**9)),
        "name": rng.choice(["alice", "bob", "svc-ci", "carol"]),
        "iat": rng.randrange(1_600_000_000, 1_700_000_000),
        "exp": rng.randrange(1_700_000_000, 1_800_000_000),
        "scope": rng.choice(["read write", "admin", "repo"]),
    }
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = _r(rng, URLSAFE, 86 if alg == "HS512" else 43)
    return _whole(f"{head}.{body}.{sig}")


def db_url(rng: random.Random) -> Planted:
    scheme, port = rng.choice(
        [
            ("postgres", 5432),
            ("postgresql", 5432),
            ("mysql", 3306),
            ("mongodb+srv", 0),
            ("redis", 6379),
            ("amqp", 5672),
            ("mssql+pyodbc", 1433),
        ]
    )
    user = rng.choice(_USERS)
    pw = password(rng).replace("@", "!").replace("/", "_").replace(":", ".")
    host = rng.choice(_HOSTS) + (f":{port}" if port else "")
    head = f"{scheme}://{'' if scheme == 'redis' else user}:"
    text = f"{head}{pw}@{host}/{rng.choice(['app', 'prod', 'orders', '0', 'analytics'])}"
    return text, [(len(head), len(head) + len(pw))]


def basic_auth_url(rng: random.Random) -> Planted:
    user = rng.choice(_USERS)
    pw = password(rng).replace("@", "!").replace("/", "_").replace(":", ".")
    head = f"https://{user}:"
    host = rng.choice(["registry.acme.io", "api.internal.net", "nexus.corp.local/repository"])
    return f"{head}{pw}@{host}", [(len(head), len(head) + len(pw))]


def azure_conn(rng: random.Random) -> Planted:
    head = (
        f"DefaultEndpointsProtocol=https;AccountName={rng.choice(_WORDS)}store{rng.randrange(99)};"
        "AccountKey="
    )
    key = _r(rng, B64, 86) + "=="
    return f"{head}{key};EndpointSuffix=core.windows.net", [(len(head), len(head) + len(key))]


def slack_webhook(rng: random.Random) -> Planted:
    return _whole(
        "https://hooks.slack.com/services/T"
        + _r(rng, string.ascii_uppercase + string.digits, 10)
        + "/B"
        + _r(rng, string.ascii_uppercase + string.digits, 10)
        + "/"
        + _r(rng, ALNUM, 24)
    )


def discord_webhook(rng: random.Random) -> Planted:
    return _whole(
        f"https://discord.com/api/webhooks/{rng.randrange(10**17, 10**18)}/{_r(rng, URLSAFE, 68)}"
    )


def k8s_b64_password(rng: random.Random) -> Planted:
    return _whole(base64.b64encode(password(rng).encode()).decode())


def docker_auth(rng: random.Random) -> Planted:
    return _whole(base64.b64encode(f"{rng.choice(_USERS)}:{password(rng)}".encode()).decode())


def django_key(rng: random.Random) -> Planted:
    v = _r(rng, string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)", 50)
    return _whole(("django-insecure-" + v) if rng.random() < 0.3 else v)


_SIMPLE: dict[str, Callable[[random.Random], str]] = {
    "aws-id": lambda g: g.choice(["AKIA", "AKIA", "ASIA"]) + _r(g, UPPER32, 16),
    "aws-secret": lambda g: _r(g, B64, 40),
    "github": lambda g: g.choice(["ghp_", "gho_", "ghs_", "ghu_"]) + _r(g, ALNUM, 36),
    "github-fine": lambda g: "github_pat_11" + _r(g, UPPER32, 20) + "_" + _r(g, ALNUM, 59),
    "gitlab": lambda g: "glpat-" + _r(g, URLSAFE, 20),
    "slack": lambda g: (
        g.choice(["xoxb-", "xoxp-"])
        + str(g.randrange(10**10, 10**12))
        + "-"
        + str(g.randrange(10**12, 10**13))
        + "-"
        + _r(g, ALNUM, 24)
    ),
    "stripe": lambda g: g.choice(["sk_live_", "rk_live_"]) + _r(g, ALNUM, g.choice([24, 99])),
    "openai": lambda g: (
        "sk-proj-" + _r(g, URLSAFE, 156)
        if g.random() < 0.5
        else "sk-" + _r(g, ALNUM, 20) + "T3BlbkFJ" + _r(g, ALNUM, 20)
    ),
    "anthropic": lambda g: "sk-ant-api03-" + _r(g, URLSAFE, 93) + "AA",
    "google-api": lambda g: "AIza" + _r(g, URLSAFE, 35),
    "sendgrid": lambda g: "SG." + _r(g, URLSAFE, 22) + "." + _r(g, URLSAFE, 43),
    "npm": lambda g: "npm_" + _r(g, ALNUM, 36),
    "pypi": lambda g: "pypi-AgEIcHlwaS5vcmc" + _r(g, URLSAFE, 140),
    "telegram": lambda g: f"{g.randrange(10**8, 10**10)}:AA" + _r(g, URLSAFE, 33),
    "mailgun": lambda g: "key-" + _r(g, HEX, 32),
    "shopify": lambda g: "shpat_" + _r(g, HEX, 32),
    "twilio-token": lambda g: _r(g, HEX, 32),
    "hex32": lambda g: _r(g, HEX, 32),
    "hex64": lambda g: _r(g, HEX, 64),
    "b64-40": lambda g: _r(g, ALNUM, 40),
    "bearer": lambda g: _r(g, ALNUM + "._-", g.randrange(32, 64)),
    "password": password,
    "flask-key": lambda g: _r(g, HEX, 64),
}
_PROVIDER_TOKENS = [
    "github",
    "github-fine",
    "gitlab",
    "slack",
    "stripe",
    "openai",
    "anthropic",
    "sendgrid",
    "npm",
    "google-api",
    "shopify",
]


def _wrap(make: Callable[[random.Random], str]) -> Callable[[random.Random], Planted]:
    return lambda g: _whole(make(g))


SECRETS: dict[str, Callable[[random.Random], Planted]] = {
    **{k: _wrap(f) for k, f in _SIMPLE.items()},
    "pem": pem_private,
    "pem-json": pem_private_json,
    "jwt": jwt,
    "db-url": db_url,
    "basic-url": basic_auth_url,
    "azure-conn": azure_conn,
    "slack-webhook": slack_webhook,
    "discord-webhook": discord_webhook,
    "k8s-b64": k8s_b64_password,
    "docker-auth": docker_auth,
    "django-key": django_key,
}


def resolve(kind: str, rng: random.Random) -> str:
    """`token` stands for a provider token picked at random, so one slot covers many formats."""
    return rng.choice(_PROVIDER_TOKENS) if kind == "token" else kind


def secret(kind: str, rng: random.Random) -> Planted:
    return SECRETS[kind](rng)


# Values a careful reader would not call a leak. Used in clean renders in place of secrets, and
# as `{{d:...}}` decoys.
PLACEHOLDERS = [
    "<your-api-key>",
    "YOUR_API_KEY_HERE",
    "changeme",
    "xxxxxxxxxxxxxxxxxxxx",
    "${API_TOKEN}",
    "<REPLACE_ME>",
    "********",
    "{{ .Values.apiKey }}",
    "your-secret-here",
    "<token>",
    "TODO-set-me",
    "${{ secrets.DEPLOY_TOKEN }}",
    "%(password)s",
    "{password}",
    "$SECRET_KEY",
    "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
    "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "<redacted:generic-secret>",
    "",
]


def _uuid(rng: random.Random) -> str:
    h = _r(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


DECOYS: dict[str, Callable[[random.Random], str]] = {
    "placeholder": lambda g: g.choice([p for p in PLACEHOLDERS if p]),
    "uuid": _uuid,
    "sha256": lambda g: hashlib.sha256(_r(g, ALNUM, 12).encode()).hexdigest(),
    "sha1": lambda g: hashlib.sha1(_r(g, ALNUM, 12).encode()).hexdigest(),
    "md5": lambda g: hashlib.md5(_r(g, ALNUM, 12).encode()).hexdigest(),
    "digest": lambda g: "sha256:" + hashlib.sha256(_r(g, ALNUM, 12).encode()).hexdigest(),
    "integrity": lambda g: (
        "sha512-" + base64.b64encode(hashlib.sha512(_r(g, ALNUM, 9).encode()).digest()).decode()
    ),
    "b64img": lambda g: (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA"
        + _r(g, B64, 180)
        + "AAAAAElFTkSuQmCC"
    ),
    "ssh-pub": lambda g: (
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ"
        + _r(g, B64, 330)
        + f" {g.choice(_USERS)}@{g.choice(['laptop', 'ci-runner', 'bastion'])}"
    ),
    "pem-cert": lambda g: _pem(g, "CERTIFICATE", "MIIDdzCCAl+gAwIBAgIE", 880),
    "pem-pub": lambda g: _pem(g, "PUBLIC KEY", "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 294),
    "aws-example-id": lambda g: "AKIAIOSFODNN7EXAMPLE",
    "aws-example-secret": lambda g: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "jwt-example": lambda g: (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFt"
        "ZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    ),
    "stripe-pk": lambda g: "pk_live_" + _r(g, ALNUM, 24),
    "sentry-dsn": lambda g: (
        f"https://{_r(g, HEX, 32)}@o{g.randrange(10**5, 10**6)}"
        f".ingest.sentry.io/{g.randrange(10**6, 10**7)}"
    ),
    "git-sha": lambda g: _r(g, HEX, 40),
    "ga-id": lambda g: "G-" + _r(g, string.ascii_uppercase + string.digits, 10),
    "test-password": lambda g: g.choice(["test", "password", "secret", "admin", "postgres"]),
    "b64-text": lambda g: base64.b64encode(
        " ".join(g.choice(_WORDS) for _ in range(8)).encode()
    ).decode(),
}


def decoy(kind: str, rng: random.Random) -> str:
    return DECOYS[kind](rng)


def words(rng: random.Random) -> dict[str, str]:
    """Ordinary values a template varies so that renders differ beyond their secrets."""
    return {
        "name": rng.choice(["acme", "orders", "billing", "atlas", "nimbus", "kestrel", "hermes"]),
        "user": rng.choice(_USERS),
        "host": rng.choice(_HOSTS),
        "port": str(rng.choice([8000, 8080, 3000, 5000, 9090])),
        "region": rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"]),
        "int": str(rng.randrange(1, 500)),
    }
