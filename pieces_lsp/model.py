"""Plain data types shared by every layer (no LSP, no DuckDB types).

Snippets cross process and format boundaries (JSONL, Markdown, Parquet, backups, LSP results), so
`to_dict`/`from_dict` define the one canonical JSON shape and every codec goes through it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pieces_lsp.errors import ValidationError

MAX_CONTENT_BYTES = 1024 * 1024
"""Larger selections are almost always a mistake (a whole minified bundle); refusing them keeps
every later stage (parsing, embedding, search) bounded."""


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def normalize_for_hash(content: str) -> str:
    """Two saves of the same code differ in line endings and surrounding blank lines depending
    on how the editor selected it; those must not create duplicates."""
    text = content.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    while text.startswith("\n"):
        text = text[1:]
    return text


def content_hash(content: str) -> str:
    return hashlib.sha256(normalize_for_hash(content).encode("utf-8")).hexdigest()


def validate_content(content: object) -> str:
    if not isinstance(content, str):
        raise ValidationError("content", "must be a string")
    if not content.strip():
        raise ValidationError("content", "is empty")
    if "\x00" in content:
        raise ValidationError("content", "contains NUL bytes (binary data is not a snippet)")
    if len(content.encode("utf-8")) > MAX_CONTENT_BYTES:
        raise ValidationError("content", f"is larger than {MAX_CONTENT_BYTES // 1024} KiB")
    return content


def clean_tags(tags: object, field_name: str = "tags") -> list[str]:
    """Tags are compared case-insensitively by users; store them lower-case, trimmed, unique,
    in the order given."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = [t for t in tags.split(",")]
    if not isinstance(tags, (list, tuple)):
        raise ValidationError(field_name, "must be a list of strings")
    out: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise ValidationError(field_name, "must be a list of strings")
        t = " ".join(tag.strip().lower().split())
        if len(t) > 64:
            raise ValidationError(field_name, "a tag is longer than 64 characters")
        if t and t not in out:
            out.append(t)
    return out


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_time(value: object, field_name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str):
        raise ValidationError(field_name, "must be an ISO 8601 timestamp")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationError(field_name, "must be an ISO 8601 timestamp") from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


@dataclass(slots=True)
class SecretFinding:
    """Where a secret was found; `preview` is already redacted, the raw value is never kept."""

    rule: str
    line: int
    preview: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "line": self.line, "preview": self.preview}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SecretFinding:
        return cls(rule=str(d["rule"]), line=int(d["line"]), preview=str(d.get("preview", "")))


@dataclass(slots=True)
class Source:
    """Where a snippet came from, so a user can go back to it."""

    uri: str | None = None
    start_line: int | None = None
    start_character: int | None = None
    end_line: int | None = None
    end_character: int | None = None
    git_remote: str | None = None
    git_commit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "range": None
            if self.start_line is None
            else {
                "start": {"line": self.start_line, "character": self.start_character or 0},
                "end": {"line": self.end_line, "character": self.end_character or 0},
            },
            "git_remote": self.git_remote,
            "git_commit": self.git_commit,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Source:
        if not d:
            return cls()
        rng = d.get("range") or {}
        start = rng.get("start") or {}
        end = rng.get("end") or {}
        return cls(
            uri=d.get("uri"),
            start_line=start.get("line"),
            start_character=start.get("character"),
            end_line=end.get("line"),
            end_character=end.get("character"),
            git_remote=d.get("git_remote"),
            git_commit=d.get("git_commit"),
        )


KINDS = ("code", "prose", "mixed")


def _kind(value: Any) -> str:
    return value if value in KINDS else "code"


def _related(value: Any) -> list[dict[str, str]]:
    """Documentation links as {url, title, source}; anything malformed is dropped, not fatal."""
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            out.append(
                {
                    "url": item["url"],
                    "title": str(item.get("title") or ""),
                    "source": str(item.get("source") or ""),
                }
            )
    return out


@dataclass(slots=True)
class Snippet:
    id: str
    title: str
    content: str
    language: str
    content_hash: str
    created_at: datetime
    updated_at: datetime
    description: str = ""
    frameworks: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    secrets: list[SecretFinding] = field(default_factory=list)
    source: Source = field(default_factory=Source)
    inserted_count: int = 0
    last_used_at: datetime | None = None
    embedding: list[float] | None = None
    kind: str = "code"
    template: str | None = None
    related_links: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self, *, embedding: bool = False) -> dict[str, Any]:
        """The canonical JSON shape (LSP results, JSONL export, backups)."""
        d: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "content": self.content,
            "language": self.language,
            "frameworks": list(self.frameworks),
            "tags": list(self.tags),
            "links": list(self.links),
            "secrets": [s.to_dict() for s in self.secrets],
            "source": self.source.to_dict(),
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "content_hash": self.content_hash,
            "inserted_count": self.inserted_count,
            "last_used_at": _iso(self.last_used_at),
            "kind": self.kind,
            "template": self.template,
            "related_links": [dict(r) for r in self.related_links],
        }
        if embedding:
            d["embedding"] = self.embedding
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Snippet:
        """Strict enough to refuse garbage, lenient about fields other tools leave out."""
        if not isinstance(d, dict):
            raise ValidationError("snippet", "must be a JSON object")
        content = validate_content(d.get("content"))
        now = utcnow()
        sid = d.get("id") or str(uuid.uuid4())
        try:
            sid = str(uuid.UUID(str(sid)))
        except ValueError as exc:
            raise ValidationError("id", "must be a UUID") from exc
        secrets = d.get("secrets") or []
        if not isinstance(secrets, list):
            raise ValidationError("secrets", "must be a list")
        title = d.get("title")
        return cls(
            id=sid,
            title=str(title).strip() if title else "",
            description=str(d.get("description") or ""),
            content=content,
            language=str(d.get("language") or "plaintext").lower(),
            frameworks=clean_tags(d.get("frameworks"), "frameworks"),
            tags=clean_tags(d.get("tags")),
            links=[str(x) for x in (d.get("links") or [])],
            secrets=[SecretFinding.from_dict(s) for s in secrets],
            source=Source.from_dict(d.get("source")),
            created_at=parse_time(d.get("created_at"), "created_at") or now,
            updated_at=parse_time(d.get("updated_at"), "updated_at") or now,
            content_hash=content_hash(content),
            inserted_count=int(d.get("inserted_count") or 0),
            last_used_at=parse_time(d.get("last_used_at"), "last_used_at"),
            embedding=d.get("embedding"),
            kind=_kind(d.get("kind")),
            template=str(d["template"]) if d.get("template") else None,
            related_links=_related(d.get("related_links")),
        )


@dataclass(slots=True)
class SnippetDraft:
    """What a caller gives to `save`: content plus whatever metadata it already knows.
    Anything left None is filled in by enrichment."""

    content: str
    title: str | None = None
    description: str | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    source: Source = field(default_factory=Source)
    workspace: str | None = None
    """The editor's workspace folder: related-link lookup may read its node_modules, and the
    project manifests between the snippet's file and it name the project's frameworks."""


@dataclass(slots=True)
class SnippetPatch:
    """Fields to change in `update`; None means "leave as is"."""

    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    content: str | None = None
    language: str | None = None


@dataclass(slots=True)
class ListQuery:
    language: str | None = None
    tag: str | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(slots=True)
class Page:
    items: list[Snippet]
    total: int


@dataclass(slots=True)
class LibraryStats:
    snippets: int
    profile: str
    path: str
    bytes: int
    languages: dict[str, int]
    tags: dict[str, int]
    schema_version: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "snippets": self.snippets,
            "profile": self.profile,
            "path": self.path,
            "bytes": self.bytes,
            "languages": self.languages,
            "tags": self.tags,
            "schema_version": self.schema_version,
        }
