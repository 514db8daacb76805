"""SQL for snippets: the only place that knows the table layout."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

import duckdb

from pieces_lsp.model import SecretFinding, Snippet, Source

COLUMNS = (
    "id",
    "title",
    "description",
    "content",
    "language",
    "frameworks",
    "tags",
    "links",
    "secrets",
    "source_uri",
    "source_start_line",
    "source_start_character",
    "source_end_line",
    "source_end_character",
    "git_remote",
    "git_commit",
    "created_at",
    "updated_at",
    "content_hash",
    "inserted_count",
    "last_used_at",
    "kind",
    "template",
    "related_links",
)
_SELECT = ", ".join(COLUMNS)
_INSERT = (
    f"INSERT INTO snippets ({_SELECT}, change_seq) VALUES ({', '.join('?' for _ in COLUMNS)}, ?)"
)


def _naive_utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt


def _aware(dt: datetime | None) -> datetime | None:
    return None if dt is None else dt.replace(tzinfo=timezone.utc)


def to_row(s: Snippet) -> list[Any]:
    return [
        s.id,
        s.title,
        s.description,
        s.content,
        s.language,
        list(s.frameworks),
        list(s.tags),
        list(s.links),
        json.dumps([f.to_dict() for f in s.secrets]),
        s.source.uri,
        s.source.start_line,
        s.source.start_character,
        s.source.end_line,
        s.source.end_character,
        s.source.git_remote,
        s.source.git_commit,
        _naive_utc(s.created_at),
        _naive_utc(s.updated_at),
        s.content_hash,
        s.inserted_count,
        _naive_utc(s.last_used_at),
        s.kind,
        s.template,
        json.dumps(s.related_links),
    ]


def from_row(r: tuple[Any, ...]) -> Snippet:
    secrets = json.loads(r[8]) if r[8] else []
    return Snippet(
        id=r[0],
        title=r[1],
        description=r[2] or "",
        content=r[3],
        language=r[4],
        frameworks=list(r[5] or []),
        tags=list(r[6] or []),
        links=list(r[7] or []),
        secrets=[SecretFinding.from_dict(x) for x in secrets],
        source=Source(r[9], r[10], r[11], r[12], r[13], r[14], r[15]),
        created_at=_aware(r[16]),
        updated_at=_aware(r[17]),
        content_hash=r[18],
        inserted_count=int(r[19] or 0),
        last_used_at=_aware(r[20]),
        kind=r[21] or "code",
        template=r[22],
        related_links=json.loads(r[23]) if r[23] else [],
    )


class SnippetRepository:
    """Stateless SQL helpers; every method takes the connection of the caller's transaction."""

    @staticmethod
    def insert(conn: duckdb.DuckDBPyConnection, s: Snippet, seq: int) -> None:
        conn.execute(_INSERT, [*to_row(s), seq])

    @staticmethod
    def insert_many(conn: duckdb.DuckDBPyConnection, items: Iterable[Snippet], seq: int) -> None:
        rows = [[*to_row(s), seq] for s in items]
        if rows:
            conn.executemany(_INSERT, rows)

    @staticmethod
    def replace(conn: duckdb.DuckDBPyConnection, s: Snippet, seq: int) -> None:
        """Update every column of an existing row (same id)."""
        sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
        row = to_row(s)
        conn.execute(
            f"UPDATE snippets SET {sets}, change_seq = ? WHERE id = ?", [*row[1:], seq, s.id]
        )

    @staticmethod
    def get(conn: duckdb.DuckDBPyConnection, snippet_id: str) -> Snippet | None:
        r = conn.execute(f"SELECT {_SELECT} FROM snippets WHERE id = ?", [snippet_id]).fetchone()
        return from_row(r) if r else None

    @staticmethod
    def by_hash(conn: duckdb.DuckDBPyConnection, digest: str) -> Snippet | None:
        r = conn.execute(
            f"SELECT {_SELECT} FROM snippets WHERE content_hash = ?", [digest]
        ).fetchone()
        return from_row(r) if r else None

    @staticmethod
    def existing_hashes(conn: duckdb.DuckDBPyConnection, digests: list[str]) -> dict[str, str]:
        if not digests:
            return {}
        rows = conn.execute(
            "SELECT content_hash, id FROM snippets WHERE content_hash IN (SELECT unnest(?))",
            [digests],
        ).fetchall()
        return {h: i for h, i in rows}

    @staticmethod
    def existing_ids(conn: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        rows = conn.execute(
            "SELECT id FROM snippets WHERE id IN (SELECT unnest(?))", [ids]
        ).fetchall()
        return {r[0] for r in rows}

    @staticmethod
    def delete(conn: duckdb.DuckDBPyConnection, snippet_id: str, seq: int) -> bool:
        n = conn.execute("DELETE FROM snippets WHERE id = ? RETURNING id", [snippet_id]).fetchall()
        if n:
            conn.execute("INSERT INTO tombstones VALUES (?, ?)", [snippet_id, seq])
        conn.execute("DELETE FROM snippet_vectors WHERE id = ?", [snippet_id])
        return bool(n)

    @staticmethod
    def delete_all(conn: duckdb.DuckDBPyConnection, seq: int) -> int:
        ids = [r[0] for r in conn.execute("SELECT id FROM snippets").fetchall()]
        conn.execute("DELETE FROM snippets")
        conn.execute("DELETE FROM snippet_vectors")
        if ids:
            conn.executemany("INSERT INTO tombstones VALUES (?, ?)", [[i, seq] for i in ids])
        return len(ids)

    @staticmethod
    def vectors(conn: duckdb.DuckDBPyConnection, model: str) -> list[tuple[str, str, bytes]]:
        """(id, text key, float16 bytes) of every stored vector made by `model`."""
        rows = conn.execute(
            "SELECT id, text_key, vector FROM snippet_vectors WHERE model = ?", [model]
        ).fetchall()
        return [(r[0], r[1], bytes(r[2])) for r in rows]

    @staticmethod
    def store_vectors(
        conn: duckdb.DuckDBPyConnection, model: str, rows: Iterable[tuple[str, str, bytes]]
    ) -> int:
        """Insert or replace vectors of snippets that still exist (a snippet deleted meanwhile
        by another window must not get its vector back)."""
        batch = [[sid, model, key, blob] for sid, key, blob in rows]
        if not batch:
            return 0
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS incoming_vectors "
            "(id VARCHAR, model VARCHAR, text_key VARCHAR, vector BLOB)"
        )
        conn.execute("DELETE FROM incoming_vectors")
        conn.executemany("INSERT INTO incoming_vectors VALUES (?, ?, ?, ?)", batch)
        conn.execute("DELETE FROM snippet_vectors WHERE id IN (SELECT id FROM incoming_vectors)")
        conn.execute(
            "INSERT INTO snippet_vectors SELECT i.* FROM incoming_vectors i "
            "JOIN snippets s ON s.id = i.id"
        )
        conn.execute("DELETE FROM incoming_vectors")
        return len(batch)

    @staticmethod
    def record_use(
        conn: duckdb.DuckDBPyConnection, snippet_id: str, when: datetime, seq: int
    ) -> bool:
        n = conn.execute(
            "UPDATE snippets SET inserted_count = inserted_count + 1, last_used_at = ?, "
            "change_seq = ? WHERE id = ? RETURNING id",
            [_naive_utc(when), seq, snippet_id],
        ).fetchall()
        return bool(n)

    @staticmethod
    def count(conn: duckdb.DuckDBPyConnection) -> int:
        return int(conn.execute("SELECT count(*) FROM snippets").fetchone()[0])

    @staticmethod
    def iter_all(conn: duckdb.DuckDBPyConnection, batch: int = 2000) -> Iterator[Snippet]:
        cur = conn.execute(f"SELECT {_SELECT} FROM snippets ORDER BY created_at, id")
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                return
            for r in rows:
                yield from_row(r)

    @staticmethod
    def changed_since(conn: duckdb.DuckDBPyConnection, seq: int) -> tuple[list[Snippet], list[str]]:
        rows = conn.execute(
            f"SELECT {_SELECT} FROM snippets WHERE change_seq > ?", [seq]
        ).fetchall()
        gone = conn.execute(
            "SELECT DISTINCT id FROM tombstones WHERE change_seq > ?", [seq]
        ).fetchall()
        return [from_row(r) for r in rows], [g[0] for g in gone]

    @staticmethod
    def checkpoint(conn: duckdb.DuckDBPyConnection) -> None:
        conn.execute("FORCE CHECKPOINT")
