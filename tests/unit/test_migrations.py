"""Schema versions: old files are upgraded in place, newer or foreign files are refused intact."""

from __future__ import annotations

import hashlib
from datetime import datetime

import duckdb
import pytest

from pieces_lsp.config import LibraryPaths
from pieces_lsp.errors import CorruptLibraryError, SchemaTooNewError
from pieces_lsp.model import SnippetDraft
from pieces_lsp.storage import Database
from pieces_lsp.storage.database import LATEST_SCHEMA
from tests.conftest import make_library

OLD_ID = "0b6f1d7e-9a57-4c1e-8f3e-2d7f6b1a9c01"


def _v1_file(home):
    """A file exactly as version 1 of the schema left it, with a row written by v1."""
    paths = LibraryPaths(home, "default")
    paths.profile_dir.mkdir(parents=True)
    conn = duckdb.connect(str(paths.database))
    Database(paths).migrate(conn, target=1)
    conn.execute(
        "INSERT INTO snippets VALUES (?, 'Old title', 'from v1', 'old_code = 1', 'python', "
        "['legacy'], ?, ?, 'legacyhash')",
        [OLD_ID, datetime(2024, 1, 2, 3, 4, 5), datetime(2024, 1, 2, 3, 4, 5)],
    )
    assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == 1
    conn.close()
    return paths


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_old_schema_is_upgraded_and_data_kept(home):
    paths = _v1_file(home)
    lib = make_library(home)
    old = lib.get(OLD_ID)
    assert (old.title, old.content, old.tags, old.language) == (
        "Old title",
        "old_code = 1",
        ["legacy"],
        "python",
    )
    assert old.inserted_count == 0 and old.frameworks == [] and old.secrets == []
    lib.record_use(OLD_ID)
    lib.save(SnippetDraft(content="new_code = 2"))
    lib.db.close()
    conn = duckdb.connect(str(paths.database), read_only=True)
    versions = [
        r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
    ]
    conn.close()
    assert versions == list(range(1, LATEST_SCHEMA + 1))
    assert make_library(home).count() == 2


def test_newer_schema_is_refused_and_not_modified(home):
    lib = make_library(home)
    lib.save(SnippetDraft(content="x = 1"))
    lib.db.close()
    db = lib.db.paths.database
    conn = duckdb.connect(str(db))
    conn.execute("INSERT INTO schema_version VALUES (99, '0099_future.sql', now()::TIMESTAMP)")
    conn.execute("CHECKPOINT")
    conn.close()
    before = _sha(db)
    fresh = make_library(home)
    with pytest.raises(SchemaTooNewError, match="newer pieces-lsp"):
        fresh.count()
    with pytest.raises(SchemaTooNewError):
        fresh.save(SnippetDraft(content="y = 2"))
    assert _sha(db) == before


def test_foreign_duckdb_file_is_refused(home):
    paths = LibraryPaths(home, "default")
    paths.profile_dir.mkdir(parents=True)
    conn = duckdb.connect(str(paths.database))
    conn.execute("CREATE TABLE invoices (n INTEGER)")
    conn.close()
    with pytest.raises(CorruptLibraryError, match="not a pieces-lsp library"):
        make_library(home).count()


def test_garbage_file_is_refused(home):
    paths = LibraryPaths(home, "default")
    paths.profile_dir.mkdir(parents=True)
    paths.database.write_bytes(b"this is not a database" * 200)
    with pytest.raises(CorruptLibraryError):
        make_library(home).count()
    assert paths.database.read_bytes().startswith(b"this is not a database")
