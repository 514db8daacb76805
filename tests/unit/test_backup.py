"""Encrypted backup and restore against a real DuckDB library in a temp home.

Every refusal must leave the library exactly as it was, so those tests snapshot the full
canonical dict of every snippet before and after.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import stat
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest

from pieces_lsp.app import build_services
from pieces_lsp.config import resolve_config
from pieces_lsp.errors import (
    BackupError,
    TamperedBackupError,
    TruncatedBackupError,
    UnsafeArchiveError,
    ValidationError,
    WrongPassphraseError,
)
from pieces_lsp.library.service import LibraryService
from pieces_lsp.model import SnippetDraft
from pieces_lsp.portability.backup import (
    FORMAT_NAME,
    build_archive,
    read_backup,
    restore_backup,
    write_backup,
)
from pieces_lsp.portability.backup_crypto import (
    HEADER_LEN,
    MAGIC,
    KdfParams,
    decrypt_bytes,
    encrypt_bytes,
)

PASS = "correct horse battery staple"
MARKER = "UNIQUE_PLAINTEXT_MARKER_7f3a9c"
CHEAP = KdfParams(log2_n=10)
"""Crafted archives are about the archive checks, not the KDF; the cost is in the header."""


def make_library(home: Path) -> LibraryService:
    return build_services(resolve_config({"home": str(home)}, env={})).library


def snapshot(lib: LibraryService) -> list[dict[str, Any]]:
    return [s.to_dict() for s in lib.iter_snippets()]


def ids_contents(lib: LibraryService) -> list[tuple[str, str]]:
    return sorted((s.id, s.content) for s in lib.iter_snippets())


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> LibraryService:
    """Shared read-only: creating a DuckDB library is the slow part of these tests."""
    lib = make_library(tmp_path_factory.mktemp("src"))
    lib.save(SnippetDraft(content=f"print('{MARKER}')\n", language="python", tags=["demo"]))
    lib.save(SnippetDraft(content='fn main() {\r\n    println!("héllo ✓");\r\n}\r\n'))
    lib.save(SnippetDraft(content="SELECT 1;", title="one"))
    return lib


@pytest.fixture(scope="module")
def backup_bytes(tmp_path_factory: pytest.TempPathFactory, source: LibraryService) -> bytes:
    path = tmp_path_factory.mktemp("bak") / "lib.plbak"
    assert write_backup(path, source.iter_snippets(), PASS, profile=source.profile) == 3
    return path.read_bytes()


@pytest.fixture
def backup(tmp_path: Path, backup_bytes: bytes) -> Path:
    """A private copy each test may damage."""
    path = tmp_path / "lib.plbak"
    path.write_bytes(backup_bytes)
    return path


@pytest.fixture
def target(tmp_path: Path) -> LibraryService:
    lib = make_library(tmp_path / "dst")
    lib.save(SnippetDraft(content="echo existing"))
    return lib


@pytest.fixture(scope="module")
def victim(tmp_path_factory: pytest.TempPathFactory) -> LibraryService:
    """Shared by the refusal tests: each one proves it left this library unchanged, so sharing
    it is sound (and it also catches a refusal that damages state a later test would see)."""
    lib = make_library(tmp_path_factory.mktemp("victim"))
    lib.save(SnippetDraft(content="echo existing"))
    lib.save(SnippetDraft(content="SELECT 1;"))  # also in the backup: merge would skip it
    return lib


Member = tuple[tarfile.TarInfo, bytes | None]


def archive(members: list[Member]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return out.getvalue()


def member(name: str, data: bytes | None = b"", kind: bytes = tarfile.REGTYPE) -> Member:
    info = tarfile.TarInfo(name)
    info.type = kind
    if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
        info.linkname = "/etc/passwd"
    return info, data


def good_members(source: LibraryService) -> list[Member]:
    data, _ = build_archive(source.iter_snippets(), profile="default")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return [(m, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]


def seal(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "crafted.plbak"
    path.write_bytes(encrypt_bytes(data, PASS, params=CHEAP))
    return path


# -- round trips ---------------------------------------------------------------------------------


def test_roundtrip_into_empty_profile_is_identical(
    tmp_path: Path, source: LibraryService, backup: Path
) -> None:
    empty = make_library(tmp_path / "empty")
    result = restore_backup(empty, backup, PASS)
    assert (result.restored, result.skipped) == (3, 0)
    assert snapshot(empty) == snapshot(source)
    for a, b in zip(empty.iter_snippets(), source.iter_snippets(), strict=True):
        assert a.content.encode("utf-8") == b.content.encode("utf-8")


def test_read_backup_manifest(backup: Path, source: LibraryService) -> None:
    from pieces_lsp import __version__

    contents = read_backup(backup, PASS)
    m = contents.manifest
    assert m["format"] == FORMAT_NAME and m["format_version"] == 1
    assert m["app_version"] == __version__ and m["profile"] == source.profile
    assert m["count"] == 3 and isinstance(m["schema_version"], int) and m["created_at"]
    assert [s.id for s in contents.snippets] == [s.id for s in source.iter_snippets()]


def test_merge_skips_duplicates(tmp_path: Path, source: LibraryService, backup: Path) -> None:
    lib = make_library(tmp_path / "partial")
    lib.save(SnippetDraft(content="SELECT 1;"))  # same code as one in the backup
    lib.save(SnippetDraft(content="only here"))
    result = restore_backup(lib, backup, PASS, mode="merge")
    assert (result.restored, result.skipped) == (2, 1)
    contents = {s.content for s in lib.iter_snippets()}
    assert contents == {s.content for s in source.iter_snippets()} | {"only here"}
    assert lib.count() == 4


def test_replace_removes_snippets_not_in_backup(
    source: LibraryService, backup: Path, target: LibraryService
) -> None:
    result = restore_backup(target, backup, PASS, mode="replace")
    assert (result.restored, result.skipped) == (3, 0)
    assert snapshot(target) == snapshot(source)


def test_empty_library_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "empty.plbak"
    assert write_backup(path, [], PASS, profile="default") == 0
    assert read_backup(path, PASS).snippets == []


def test_progress_reports_running_totals(tmp_path: Path, source: LibraryService) -> None:
    seen: list[int] = []
    write_backup(
        tmp_path / "p.plbak", source.iter_snippets(), PASS, profile="x", on_progress=seen.append
    )
    assert seen == [3]
    many = [dataclasses.replace(s, id=str(uuid.uuid4())) for s in source.iter_snippets()] * 900
    seen.clear()
    build_archive(many, profile="x", on_progress=seen.append)
    assert seen == [1000, 2000, 2700]
    seen.clear()
    restore_backup(
        make_library(tmp_path / "r"), tmp_path / "p.plbak", PASS, on_progress=seen.append
    )
    assert seen == [3]


def test_unicode_passphrase_is_normalised(tmp_path: Path, source: LibraryService) -> None:
    path = tmp_path / "u.plbak"
    write_backup(path, source.iter_snippets(), "caf\u00e9", profile="default")  # NFC
    assert len(read_backup(path, "cafe\u0301").snippets) == 3  # NFD, same passphrase


# -- the file itself ---------------------------------------------------------------------------


def test_file_is_private_starts_with_magic_and_has_no_plaintext(
    tmp_path: Path, source: LibraryService
) -> None:
    backup = tmp_path / "out" / "lib.plbak"
    write_backup(backup, source.iter_snippets(), PASS, profile="default")
    blob = backup.read_bytes()
    assert blob.startswith(MAGIC)
    assert MARKER.encode() not in blob
    assert b"manifest.json" not in blob and b"snippets.jsonl" not in blob
    if os.name == "posix":
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in backup.parent.iterdir()] == [backup.name]  # no temp file left


def test_overwrite_is_atomic_replacement(backup: Path, source: LibraryService) -> None:
    before = backup.read_bytes()
    write_backup(backup, source.iter_snippets(), PASS, profile="default")
    assert backup.read_bytes() != before  # fresh salt and nonce
    assert len(read_backup(backup, PASS).snippets) == 3


def test_encrypt_bytes_roundtrip_and_fresh_randomness() -> None:
    a, b = encrypt_bytes(b"data", PASS), encrypt_bytes(b"data", PASS)
    assert a != b
    assert decrypt_bytes(a, PASS) == decrypt_bytes(b, PASS) == b"data"


# -- argument validation -------------------------------------------------------------------------


def test_empty_passphrase_refused(tmp_path: Path, source: LibraryService, backup: Path) -> None:
    with pytest.raises(ValidationError) as exc:
        write_backup(tmp_path / "x.plbak", source.iter_snippets(), "", profile="default")
    assert exc.value.field == "passphrase"
    assert not (tmp_path / "x.plbak").exists()
    with pytest.raises(ValidationError) as exc:
        restore_backup(source, backup, "")
    assert exc.value.field == "passphrase"


def test_bad_mode_refused(backup: Path, target: LibraryService) -> None:
    before = snapshot(target)
    with pytest.raises(ValidationError) as exc:
        restore_backup(target, backup, PASS, mode="overwrite")
    assert exc.value.field == "mode"
    assert snapshot(target) == before


# -- refusals leave the library unchanged ----------------------------------------------------


def refused(victim: LibraryService, path: Path, error: type[BackupError], mode: str) -> str:
    before, before_pairs = snapshot(victim), ids_contents(victim)
    with pytest.raises(error) as exc:
        restore_backup(victim, path, PASS, mode=mode)
    assert snapshot(victim) == before
    assert ids_contents(victim) == before_pairs
    message = str(exc.value)
    assert message and "\n" not in message and MARKER not in message
    return message


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_wrong_passphrase(backup: Path, victim: LibraryService, mode: str) -> None:
    before = snapshot(victim)
    with pytest.raises(WrongPassphraseError, match="wrong passphrase"):
        restore_backup(victim, backup, PASS + "!", mode=mode)
    assert snapshot(victim) == before


@pytest.mark.parametrize("mode", ["merge", "replace"])
@pytest.mark.parametrize("where", ["ciphertext-start", "ciphertext-middle", "tag"])
def test_tampered_ciphertext(backup: Path, victim: LibraryService, mode: str, where: str) -> None:
    blob = bytearray(backup.read_bytes())
    index = {
        "ciphertext-start": HEADER_LEN,
        "ciphertext-middle": (HEADER_LEN + len(blob)) // 2,
        "tag": len(blob) - 1,
    }[where]
    blob[index] ^= 0x01
    backup.write_bytes(bytes(blob))
    assert "modified or corrupted" in refused(victim, backup, TamperedBackupError, mode)


# offsets inside the header: kdf id, log2 n, r, salt, nonce, key check, length, checksum
@pytest.mark.parametrize("offset", [10, 11, 13, 16, 35, 50, 80, 84, HEADER_LEN - 1])
def test_tampered_header(backup: Path, victim: LibraryService, offset: int) -> None:
    blob = bytearray(backup.read_bytes())
    blob[offset] ^= 0x01
    backup.write_bytes(bytes(blob))
    refused(victim, backup, TamperedBackupError, "replace")


def test_header_rewritten_with_valid_checksum_still_refused(
    backup: Path, victim: LibraryService
) -> None:
    """The checksum is not what protects the header: GCM's AAD is."""
    import hashlib

    from pieces_lsp.portability.backup_crypto import _FIELDS

    blob = bytearray(backup.read_bytes())
    blob[40] ^= 0x01  # nonce
    blob[_FIELDS.size : HEADER_LEN] = hashlib.sha256(bytes(blob[: _FIELDS.size])).digest()
    backup.write_bytes(bytes(blob))
    refused(victim, backup, TamperedBackupError, "replace")


@pytest.mark.parametrize("keep", [0.5, "header", 20, 5, 1])
def test_truncated(backup: Path, victim: LibraryService, keep: float | str) -> None:
    blob = backup.read_bytes()
    if keep == "header":
        n = HEADER_LEN
    elif isinstance(keep, float):
        n = int(len(blob) * keep)
    else:
        n = keep
    backup.write_bytes(blob[:n])
    assert "truncated" in refused(victim, backup, TruncatedBackupError, "replace")


def test_trailing_garbage(backup: Path, victim: LibraryService) -> None:
    backup.write_bytes(backup.read_bytes() + b"x")
    refused(victim, backup, TamperedBackupError, "replace")


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00...", b"DUCK" * 100])
def test_not_a_backup(tmp_path: Path, victim: LibraryService, content: bytes) -> None:
    path = tmp_path / "foreign.duckdb"
    path.write_bytes(content)
    assert "is not a pieces-lsp backup" in refused(victim, path, BackupError, "replace")


def test_real_duckdb_file_is_not_a_backup(source: LibraryService, victim: LibraryService) -> None:
    path = source.db.paths.database
    assert path.exists()
    assert "is not a pieces-lsp backup" in refused(victim, path, BackupError, "replace")


def test_missing_file(tmp_path: Path, victim: LibraryService) -> None:
    assert "cannot read" in refused(victim, tmp_path / "nope.plbak", BackupError, "merge")


def test_unknown_container_version(backup: Path, victim: LibraryService) -> None:
    blob = bytearray(backup.read_bytes())
    blob[len(MAGIC) + 1] = 2
    backup.write_bytes(bytes(blob))
    assert "version 2" in refused(victim, backup, BackupError, "replace")


# -- crafted archives, sealed with the right passphrase ----------------------------------------


@pytest.mark.parametrize(
    ("evil", "error", "words"),
    [
        (member("/etc/passwd", b"x"), UnsafeArchiveError, "absolute"),
        (member("/manifest.json", b"x"), UnsafeArchiveError, "absolute"),
        (member("C:\\evil.txt", b"x"), UnsafeArchiveError, "absolute"),
        (member("../snippets.jsonl", b"x"), UnsafeArchiveError, ".."),
        (member("a/../../x", b"x"), UnsafeArchiveError, ".."),
        (member("..\\x", b"x"), UnsafeArchiveError, ".."),
        (member("link", None, tarfile.SYMTYPE), UnsafeArchiveError, "link"),
        (member("manifest.json", None, tarfile.LNKTYPE), UnsafeArchiveError, "link"),
        (member("dev", None, tarfile.CHRTYPE), UnsafeArchiveError, "not a regular file"),
        (member("fifo", None, tarfile.FIFOTYPE), UnsafeArchiveError, "not a regular file"),
        (member("dir", None, tarfile.DIRTYPE), UnsafeArchiveError, "not a regular file"),
        (member("notes.txt", b"hi"), UnsafeArchiveError, "unexpected member"),
    ],
)
def test_unsafe_archive_members(
    tmp_path: Path,
    source: LibraryService,
    victim: LibraryService,
    evil: Member,
    error: type[BackupError],
    words: str,
) -> None:
    for position in (0, 2):
        members = good_members(source)
        members.insert(position, evil)
        path = seal(tmp_path, archive(members))
        assert words in refused(victim, path, error, "replace")


def test_duplicate_member(tmp_path: Path, source: LibraryService, victim: LibraryService) -> None:
    members = good_members(source)
    path = seal(tmp_path, archive([*members, members[1]]))
    assert "twice" in refused(victim, path, UnsafeArchiveError, "replace")


def _manifest(**changes: Any) -> bytes:
    m = {"format": FORMAT_NAME, "format_version": 1, "count": 1, "profile": "default"}
    m.update(changes)
    return json.dumps({k: v for k, v in m.items() if v is not None}).encode()


_LINE = json.dumps({"id": "5f0c6f3e-4a57-4d3c-9a4e-0d3f4c0b8e11", "content": "x = 1"}).encode()


@pytest.mark.parametrize(
    ("manifest", "lines", "words"),
    [
        (None, _LINE, "no manifest.json"),
        (_manifest(), None, "no snippets.jsonl"),
        (_manifest(format_version=2), _LINE, "format version 2 is not supported"),
        (_manifest(format_version=None), _LINE, "format version None"),
        (_manifest(format="other"), _LINE, "does not describe"),
        (b"{not json", _LINE, "not valid JSON"),
        (b"[1, 2]", _LINE, "does not describe"),
        (_manifest(count=2), _LINE, "promises 2"),
        (_manifest(count="1"), _LINE, "no snippet count"),
        (_manifest(), b"{not json}\n", "line 1: not valid JSON"),
        (_manifest(count=2), _LINE + b"\n[1]\n", "line 2: snippet: must be a JSON object"),
        (_manifest(), b'{"content": ""}', "line 1: content: is empty"),
        (_manifest(), b'{"content": "a", "id": "nope"}', "line 1: id: must be a UUID"),
        (_manifest(), b'{"content": "a", "created_at": "yesterday"}', "line 1: created_at"),
        (_manifest(), b'{"content": "a", "inserted_count": "many"}', "line 1: malformed"),
        (_manifest(), b'{"content": "a", "secrets": [{"rule": 1}]}', "line 1: malformed"),
        (_manifest(), b"\xff\xfe", "not UTF-8"),
        (_manifest(count=2), _LINE + b"\n" + _LINE, "line 2: duplicate id"),
    ],
)
def test_malformed_archive_contents(
    tmp_path: Path,
    victim: LibraryService,
    manifest: bytes | None,
    lines: bytes | None,
    words: str,
) -> None:
    members = []
    if manifest is not None:
        members.append(member("manifest.json", manifest))
    if lines is not None:
        members.append(member("snippets.jsonl", lines))
    path = seal(tmp_path, archive(members))
    assert words in refused(victim, path, BackupError, "replace")


def test_crafted_valid_archive_is_accepted(tmp_path: Path, target: LibraryService) -> None:
    """Control for the tests above: the same crafting path with sound members restores."""
    path = seal(
        tmp_path,
        archive([member("manifest.json", _manifest()), member("snippets.jsonl", _LINE + b"\n")]),
    )
    result = restore_backup(target, path, PASS, mode="merge")
    assert (result.restored, result.skipped) == (1, 0)
    assert "x = 1" in {s.content for s in target.iter_snippets()}


@pytest.mark.parametrize("payload", [b"", b"not gzip at all", b"\x1f\x8b\x08\x00garbage"])
def test_sealed_garbage_is_refused(tmp_path: Path, victim: LibraryService, payload: bytes) -> None:
    path = seal(tmp_path, payload)
    msg = refused(victim, path, BackupError, "replace")
    assert "unreadable" in msg or "no manifest" in msg
