"""Parquet export and import: the one codec that needs DuckDB, run in a sandbox.

The sandbox (`open_sandbox`) is an in-memory DuckDB that may touch only the files named here, so a
crafted path or file cannot make it read or write anything else. Rows go through a temporary
JSON Lines file beside the output (fast, and DuckDB's JSON reader keeps every string exactly).

Columns are typed for other tools (lists stay lists, `source` is a struct, `secrets` a list of
structs, timestamps are UTC `TIMESTAMP`s), and the round trip back to `Snippet` is exact.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from pieces_lsp.errors import PiecesError, PortabilityError
from pieces_lsp.model import Snippet, Source
from pieces_lsp.storage.database import open_sandbox

_SOURCE = (
    "STRUCT(uri VARCHAR, start_line INTEGER, start_character INTEGER, end_line INTEGER, "
    "end_character INTEGER, git_remote VARCHAR, git_commit VARCHAR)"
)
COLUMNS: dict[str, str] = {
    "id": "VARCHAR",
    "title": "VARCHAR",
    "description": "VARCHAR",
    "content": "VARCHAR",
    "language": "VARCHAR",
    "frameworks": "VARCHAR[]",
    "tags": "VARCHAR[]",
    "links": "VARCHAR[]",
    "secrets": "STRUCT(rule VARCHAR, line INTEGER, preview VARCHAR)[]",
    "source": _SOURCE,
    "created_at": "TIMESTAMP",
    "updated_at": "TIMESTAMP",
    "content_hash": "VARCHAR",
    "inserted_count": "BIGINT",
    "last_used_at": "TIMESTAMP",
    "kind": "VARCHAR",
    "template": "VARCHAR",
    "related_links": "STRUCT(url VARCHAR, title VARCHAR, source VARCHAR)[]",
}
_MAX_OBJECT = 64 * 1024 * 1024
"""A 1 MiB snippet can grow several-fold once JSON-escaped; DuckDB's default limit is 16 MiB."""
_FETCH = 1000


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def _naive_utc(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.isoformat(sep=" ", timespec="microseconds")


def _row(s: Snippet) -> dict[str, Any]:
    src = s.source
    return {
        "id": s.id,
        "title": s.title,
        "description": s.description,
        "content": s.content,
        "language": s.language,
        "frameworks": list(s.frameworks),
        "tags": list(s.tags),
        "links": list(s.links),
        "secrets": [f.to_dict() for f in s.secrets],
        "source": {
            "uri": src.uri,
            "start_line": src.start_line,
            "start_character": src.start_character,
            "end_line": src.end_line,
            "end_character": src.end_character,
            "git_remote": src.git_remote,
            "git_commit": src.git_commit,
        },
        "created_at": _naive_utc(s.created_at),
        "updated_at": _naive_utc(s.updated_at),
        "content_hash": s.content_hash,
        "inserted_count": s.inserted_count,
        "last_used_at": _naive_utc(s.last_used_at),
        "kind": s.kind,
        "template": s.template,
        "related_links": [dict(r) for r in s.related_links],
    }


def write_parquet(snippets: Iterable[Snippet], path: Path) -> int:
    """Write `snippets` to `path` (replaced atomically: a failed export leaves no half file).
    Returns how many rows were written."""
    path = path.absolute()
    staging = path.with_name(f".{path.name}.{os.getpid()}.jsonl")
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    count = 0
    try:
        with staging.open("w", encoding="utf-8", newline="\n") as fh:
            for s in snippets:
                fh.write(json.dumps(_row(s), ensure_ascii=False) + "\n")
                count += 1
        columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in COLUMNS.items()) + "}"
        select = ", ".join(COLUMNS)
        conn = open_sandbox([staging, partial])
        try:
            conn.execute(
                f"COPY (SELECT {select} FROM read_json('{_sql_str(staging)}', "
                f"format = 'newline_delimited', columns = {columns}, "
                f"maximum_object_size = {_MAX_OBJECT})) "
                f"TO '{_sql_str(partial)}' (FORMAT parquet, COMPRESSION zstd)"
            )
        except duckdb.Error as exc:
            raise PortabilityError(f"cannot write Parquet: {_first_line(exc)}") from None
        finally:
            conn.close()
        os.replace(partial, path)
    finally:
        for leftover in (staging, partial):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return count


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:160]


def _aware(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _to_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row in `Snippet.from_dict` shape (missing columns are simply absent)."""
    d = {k: _aware(v) for k, v in row.items() if k not in ("source", "content_hash")}
    src = row.get("source")
    if isinstance(src, dict):
        known = {f.name: src.get(f.name) for f in dataclasses.fields(Source)}
        d["source"] = Source(**known).to_dict()
    elif isinstance(src, str) and src:
        d["source"] = json.loads(src)
    secrets = row.get("secrets")
    if isinstance(secrets, str):
        d["secrets"] = json.loads(secrets)
    return d


def read_parquet(path: Path) -> Iterator[Snippet | PortabilityError]:
    """Every row as a Snippet; a row that does not validate is yielded as a PortabilityError
    naming its row number (never its content), and the remaining rows still import."""
    path = path.absolute()
    conn = open_sandbox([path])
    try:
        try:
            cur = conn.execute(f"SELECT * FROM read_parquet('{_sql_str(path)}')")
        except duckdb.Error as exc:
            raise PortabilityError(f"not a readable Parquet file: {_first_line(exc)}") from None
        names = [d[0] for d in cur.description]
        if "content" not in names:
            raise PortabilityError("the Parquet file has no `content` column")
        number = 0
        while True:
            try:
                rows = cur.fetchmany(_FETCH)
            except duckdb.Error as exc:
                raise PortabilityError(f"cannot read Parquet: {_first_line(exc)}") from None
            if not rows:
                break
            for row in rows:
                number += 1
                try:
                    yield Snippet.from_dict(_to_dict(dict(zip(names, row, strict=True))))
                except PiecesError as exc:
                    yield PortabilityError(f"row {number}: {exc.message}")
                except (TypeError, ValueError, KeyError) as exc:
                    yield PortabilityError(f"row {number}: malformed record ({type(exc).__name__})")
    finally:
        conn.close()
