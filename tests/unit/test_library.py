"""The library service against a real DuckDB file: CRUD, dedup, filters, profiles, erase."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from pieces_lsp.errors import NotFoundError, ValidationError
from pieces_lsp.model import ListQuery, Snippet, SnippetDraft, SnippetPatch, Source
from tests.conftest import make_library

PY = "def parse_config(path):\n    with open(path) as f:\n        return f.read()\n"


def test_save_get_update_delete(library):
    saved = library.save(SnippetDraft(content=PY, tags=["Config", "io"]))
    assert saved.created
    s = saved.snippet
    assert s.title == "Parse config with path"  # from the definition: name and parameter
    assert s.tags[:2] == ["config", "io"]
    assert library.get(s.id).content == PY

    updated = library.update(s.id, SnippetPatch(title="Read a config file", tags=["yaml"]))
    assert updated.title == "Read a config file"
    assert updated.tags == ["yaml"]
    assert updated.updated_at >= s.updated_at
    assert library.get(s.id).title == "Read a config file"

    library.delete(s.id)
    with pytest.raises(NotFoundError):
        library.get(s.id)
    with pytest.raises(NotFoundError):
        library.delete(s.id)


def test_language_from_source_uri_and_explicit(library):
    a = library.save(SnippetDraft(content="fn main() {}\n", source=Source(uri="file:///x/m.rs")))
    b = library.save(SnippetDraft(content="SELECT 1;", language="SQL"))
    c = library.save(SnippetDraft(content="just some words here"))
    assert (a.snippet.language, b.snippet.language, c.snippet.language) == (
        "rust",
        "sql",
        "plaintext",
    )


def test_identical_content_is_not_duplicated(library):
    first = library.save(SnippetDraft(content=PY))
    again = library.save(SnippetDraft(content=PY.replace("\n", "\r\n") + "\n\n"))
    assert not again.created
    assert again.snippet.id == first.snippet.id
    assert library.count() == 1
    # A fresh process (new service, empty cache) dedups through the database.
    other = make_library(library.db.paths.home)
    assert not other.save(SnippetDraft(content=PY)).created


def test_update_to_existing_content_is_refused(library):
    a = library.save(SnippetDraft(content="print(1)")).snippet
    b = library.save(SnippetDraft(content="print(2)")).snippet
    with pytest.raises(ValidationError, match="content"):
        library.update(b.id, SnippetPatch(content="print(1)"))
    assert library.get(b.id).content == "print(2)"
    assert library.get(a.id).content == "print(1)"


@pytest.mark.parametrize(
    ("content", "field"),
    [("", "content"), ("   \n", "content"), (None, "content"), ("a\x00b", "content")],
)
def test_bad_content_is_refused_by_name(library, content, field):
    with pytest.raises(ValidationError) as err:
        library.save(SnippetDraft(content=content))
    assert err.value.field == field
    assert library.count() == 0


def test_bad_ids(library):
    with pytest.raises(ValidationError, match="id"):
        library.get("not-a-uuid")
    with pytest.raises(NotFoundError):
        library.get("6f1c1c38-3b9b-4a8e-9e8e-2f1f4f1b0c11")


def test_list_filters_paging_and_stats(library):
    for i in range(12):
        lang = "python" if i % 2 else "go"
        library.save(SnippetDraft(content=f"value_{i} = {i}", language=lang, tags=[f"t{i % 3}"]))
    page = library.list(ListQuery(limit=5))
    assert page.total == 12 and len(page.items) == 5
    assert library.list(ListQuery(language="go")).total == 6
    assert library.list(ListQuery(tag="t0")).total == 4
    assert library.list(ListQuery(text="VALUE_1")).total == 3  # value_1, value_10, value_11
    assert library.list(ListQuery(limit=5, offset=10)).items
    assert library.list(ListQuery(limit=5, offset=100)).items == []
    stats = library.stats()
    assert stats.snippets == 12
    assert stats.languages == {"python": 6, "go": 6}
    assert stats.bytes > 0
    assert stats.path.endswith("profiles/default/library.duckdb")
    with pytest.raises(ValidationError, match="limit"):
        library.list(ListQuery(limit=-1))


def test_usage_counter(library):
    s = library.save(SnippetDraft(content=PY)).snippet
    assert s.inserted_count == 0 and s.last_used_at is None
    used = library.record_use(s.id)
    used = library.record_use(s.id)
    assert used.inserted_count == 2 and used.last_used_at is not None
    assert make_library(library.db.paths.home).get(s.id).inserted_count == 2


def test_secrets_are_stored_redacted_never_raw(library):
    key = "AKIA" + "Q3EGUWB7TRAPX5NE"
    s = library.save(SnippetDraft(content=f'aws_key = "{key}"\n')).snippet
    assert [f.rule for f in s.secrets] == ["aws-access-key"]
    assert s.secrets[0].line == 0
    assert key not in s.secrets[0].preview and "<redacted:aws-access-key>" in s.secrets[0].preview
    assert key not in s.title


def test_profiles_are_isolated(home):
    work = make_library(home, "work")
    personal = make_library(home, "personal")
    w = work.save(SnippetDraft(content="work_only = 1")).snippet
    personal.save(SnippetDraft(content="personal_only = 1"))
    assert work.count() == 1 and personal.count() == 1
    with pytest.raises(NotFoundError):
        personal.get(w.id)
    assert work.db.paths.database != personal.db.paths.database
    # Same content in two profiles is two snippets, one in each.
    assert personal.save(SnippetDraft(content="work_only = 1")).created


def _eventually(check, timeout: float = 10.0) -> None:
    """Another process's commit shows up within a lock slot or so, not necessarily at once:
    a busy file makes reads answer from the cache while a background refresh catches up."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "change never became visible"
        time.sleep(0.01)


def test_other_process_changes_are_seen(home):
    a = make_library(home)
    b = make_library(home)
    assert b.count() == 0
    s = a.save(SnippetDraft(content="shared = 1")).snippet
    _eventually(lambda: b.count() == 1)
    assert b.get(s.id).content == "shared = 1"
    a.update(s.id, SnippetPatch(title="Shared value"))
    _eventually(lambda: b.get(s.id).title == "Shared value")
    a.delete(s.id, purge=False)
    _eventually(lambda: b.count() == 0)
    with pytest.raises(NotFoundError):
        b.get(s.id)


def test_reads_answer_from_cache_while_another_process_holds_the_file(home):
    reader = make_library(home)
    writer = make_library(home)
    s = writer.save(SnippetDraft(content="first = 1")).snippet
    _eventually(lambda: reader.count() == 1)
    # Hold the file as another process would (a long write), then change the token.
    with writer.db.write() as txn:
        writer.repo.insert(
            txn.conn,
            Snippet.from_dict({"content": "second = 2", "title": "second"}),
            txn.seq,
        )
        writer.db.paths.generation.write_text("moved:1")
        started = time.monotonic()
        assert reader.get(s.id).content == "first = 1"  # stale but immediate
        assert reader.count() == 1
        waited = time.monotonic() - started
    assert waited < writer.db.lock_timeout  # it did not wait for the lock
    _eventually(lambda: reader.count() == 2)


def test_delete_purges_content_from_disk(library):
    marker = "UNIQUE_MARKER_4f9a2c"
    s = library.save(SnippetDraft(content=f"x = '{marker}'")).snippet
    library.save(SnippetDraft(content="keep = 1"))
    db_file: Path = library.db.paths.database
    library.delete(s.id)
    assert marker.encode() not in db_file.read_bytes()
    wal = Path(str(db_file) + ".wal")
    assert not wal.exists() or marker.encode() not in wal.read_bytes()
    assert library.count() == 1
    assert make_library(library.db.paths.home).count() == 1


def test_erase_profile_removes_files(home):
    lib = make_library(home, "scratch")
    keep = make_library(home, "keep")
    keep.save(SnippetDraft(content="kept = 1"))
    for i in range(3):
        lib.save(SnippetDraft(content=f"gone = {i}"))
    folder = lib.db.paths.profile_dir
    assert lib.erase() == 3
    assert not folder.exists()
    assert lib.count() == 0
    assert keep.count() == 1
    # The profile is usable again afterwards.
    assert lib.save(SnippetDraft(content="fresh = 1")).created


def test_library_sql_cannot_reach_files_or_extensions(library):
    library.save(SnippetDraft(content="x = 1"))
    with library.db.connection() as conn:
        for sql in (
            "SELECT * FROM read_csv('/etc/hostname')",
            "INSTALL httpfs",
            "SET enable_external_access = true",
            "SET autoinstall_known_extensions = true",
        ):
            with pytest.raises(duckdb.Error):
                conn.execute(sql)


def test_own_writes_move_the_view_token_even_when_the_generation_cannot() -> None:
    """A save whose sequence is not the cache's next one (another window wrote in between and
    the lock is busy, so the cache cannot catch up yet) still changes what indexes follow:
    the search index must see our own snippet at once (seen as a race in CI)."""
    from pieces_lsp.library.cache import SnippetCache

    cache = SnippetCache()
    cache.reset("lib", 3, [])
    before_token, before_view = cache.token, cache.view_token
    from pieces_lsp.model import utcnow

    now = utcnow()
    s = Snippet("a", "t", "x = 1\n", "python", "h", created_at=now, updated_at=now)
    cache.put_own(s, 5)  # seq 4 was another window's: not caught up yet
    assert cache.token == before_token  # the generation stays: a refresh must still happen
    assert cache.view_token != before_view
    assert "a" in cache.by_id
