"""Encrypted backup and restore of one profile.

A backup is a *logical* export (a tar.gz with `manifest.json` and `snippets.jsonl`), never a copy
of the DuckDB file: opening a database file from elsewhere is unsafe, and a logical export stays
readable across schema versions. The archive is sealed by `backup_crypto` with a passphrase.

Restore reads, decrypts and validates the *whole* backup before touching the library, so every
refusal (wrong passphrase, tampering, truncation, an unsafe or malformed archive) leaves the
library exactly as it was.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from pieces_lsp.errors import (
    BackupError,
    PiecesError,
    UnsafeArchiveError,
    ValidationError,
)
from pieces_lsp.model import Snippet, utcnow
from pieces_lsp.portability.backup_crypto import check_passphrase, decrypt_bytes, encrypt_bytes

if TYPE_CHECKING:
    from pieces_lsp.library.service import LibraryService

FORMAT_NAME = "pieces-lsp-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SNIPPETS = "snippets.jsonl"
_MEMBERS = (MANIFEST, SNIPPETS)
_MAX_MANIFEST_BYTES = 1024 * 1024
_MAX_SNIPPETS_BYTES = 2**31
"""Bounds on what a member may claim to hold, so a crafted archive cannot exhaust memory."""
_PROGRESS_EVERY = 1000


@dataclass(slots=True)
class BackupContents:
    manifest: dict[str, Any]
    snippets: list[Snippet]


@dataclass(slots=True)
class RestoreResult:
    restored: int
    skipped: int


# -- archive ---------------------------------------------------------------------------------


def build_archive(
    snippets: Iterable[Snippet],
    *,
    profile: str,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """Build the tar.gz in memory (plaintext never touches the disk); returns (bytes, count).
    `on_progress(done)` receives the running total, what a progress bar's `completed` wants."""
    from pieces_lsp import __version__
    from pieces_lsp.storage.database import LATEST_SCHEMA

    lines = io.BytesIO()
    count = 0
    for s in snippets:
        lines.write(json.dumps(s.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
        if on_progress and count % _PROGRESS_EVERY == 0:
            on_progress(count)
    if on_progress and count % _PROGRESS_EVERY:
        on_progress(count)
    now = utcnow()
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "created_at": now.isoformat().replace("+00:00", "Z"),
        "app_version": __version__,
        "profile": profile,
        "count": count,
        "schema_version": LATEST_SCHEMA,
    }
    manifest_bytes = json.dumps(manifest, indent=2).encode("utf-8") + b"\n"
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in ((MANIFEST, manifest_bytes), (SNIPPETS, lines.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            info.mtime = int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue(), count


def _check_member(member: tarfile.TarInfo, seen: set[str]) -> None:
    name = member.name
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or name.startswith("\\"):
        raise UnsafeArchiveError(f"backup archive has a member with an absolute path: {name!r}")
    if ".." in posix.parts or ".." in windows.parts:
        raise UnsafeArchiveError(f"backup archive has a member that escapes with '..': {name!r}")
    if member.issym() or member.islnk():
        raise UnsafeArchiveError(f"backup archive has a link member: {name!r}")
    if not member.isreg():
        raise UnsafeArchiveError(
            f"backup archive has a member that is not a regular file: {name!r}"
        )
    if name not in _MEMBERS:
        raise UnsafeArchiveError(f"backup archive has an unexpected member: {name!r}")
    if name in seen:
        raise UnsafeArchiveError(f"backup archive has {name!r} twice")
    limit = _MAX_MANIFEST_BYTES if name == MANIFEST else _MAX_SNIPPETS_BYTES
    if member.size > limit:
        raise UnsafeArchiveError(f"backup archive member {name!r} is implausibly large")
    seen.add(name)


def _read_members(data: bytes) -> dict[str, bytes]:
    """Read the two members into memory after vetting every header; nothing is extracted to
    disk, but unsafe members are still refused: they mean the file was not written by us."""
    found: dict[str, bytes] = {}
    seen: set[str] = set()
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                _check_member(member, seen)
                f = tar.extractfile(member)
                if f is None:  # pragma: no cover - regular files always have data
                    raise UnsafeArchiveError(f"backup archive member {member.name!r} is empty")
                found[member.name] = f.read()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"backup archive is unreadable ({type(exc).__name__})") from None
    return found


def _parse_manifest(raw: bytes | None) -> dict[str, Any]:
    if raw is None:
        raise BackupError(f"backup archive has no {MANIFEST}")
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"backup {MANIFEST} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise BackupError(f"backup {MANIFEST} does not describe a {FORMAT_NAME} archive")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {version!r} is not supported (this pieces-lsp reads "
            f"version {FORMAT_VERSION}); upgrade pieces-lsp"
        )
    if not isinstance(manifest.get("count"), int) or isinstance(manifest.get("count"), bool):
        raise BackupError(f"backup {MANIFEST} has no snippet count")
    return manifest


def _parse_snippets(raw: bytes | None) -> list[Snippet]:
    if raw is None:
        raise BackupError(f"backup archive has no {SNIPPETS}")
    out: list[Snippet] = []
    ids: set[str] = set()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BackupError(f"backup {SNIPPETS} is not UTF-8") from None
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            snippet = Snippet.from_dict(json.loads(line))
        except json.JSONDecodeError:
            raise BackupError(f"backup {SNIPPETS} line {lineno}: not valid JSON") from None
        except PiecesError as exc:
            raise BackupError(f"backup {SNIPPETS} line {lineno}: {exc.message}") from None
        except (TypeError, ValueError, KeyError, AttributeError):
            raise BackupError(f"backup {SNIPPETS} line {lineno}: malformed snippet") from None
        if snippet.id in ids:
            raise BackupError(f"backup {SNIPPETS} line {lineno}: duplicate id {snippet.id}")
        ids.add(snippet.id)
        out.append(snippet)
    return out


def parse_archive(data: bytes) -> BackupContents:
    """Validate a decrypted archive completely; any problem raises a BackupError."""
    members = _read_members(data)
    manifest = _parse_manifest(members.get(MANIFEST))
    snippets = _parse_snippets(members.get(SNIPPETS))
    if manifest["count"] != len(snippets):
        raise BackupError(
            f"backup manifest promises {manifest['count']} snippets but holds {len(snippets)}"
        )
    return BackupContents(manifest=manifest, snippets=snippets)


# -- files -----------------------------------------------------------------------------------


def _write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same folder + os.replace: a crash leaves the old backup or the new one,
    never half of one. mkstemp already creates the file 0o600 (it holds ciphertext, but the
    passphrase strength is the only thing protecting it, so keep it private anyway)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if os.name == "posix":
        with contextlib.suppress(OSError):
            dfd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)


def write_backup(
    path: str | os.PathLike[str],
    snippets: Iterable[Snippet],
    passphrase: str,
    *,
    profile: str,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write an encrypted backup of `snippets` to `path`; returns how many were written."""
    check_passphrase(passphrase)  # fail before doing any work
    target = Path(path)
    archive, count = build_archive(snippets, profile=profile, on_progress=on_progress)
    try:
        _write_atomic(target, encrypt_bytes(archive, passphrase))
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
    return count


def read_backup(path: str | os.PathLike[str], passphrase: str) -> BackupContents:
    """Decrypt and fully validate a backup; nothing is written anywhere."""
    check_passphrase(passphrase)
    source = Path(path)
    try:
        blob = source.read_bytes()
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror or exc}") from None
    return parse_archive(decrypt_bytes(blob, passphrase, name=str(source)))


def restore_backup(
    library: LibraryService,
    path: str | os.PathLike[str],
    passphrase: str,
    mode: str = "merge",
    *,
    on_progress: Callable[[int], None] | None = None,
) -> RestoreResult:
    """Restore into `library`. "merge" adds what is missing (by content hash) and keeps the
    rest; "replace" swaps the whole library for the backup in one transaction. `on_progress`
    gets running totals, as for `write_backup`.

    Snippets are restored as saved (ids, timestamps, counters, secret findings): the backup is
    authenticated by the user's own passphrase, unlike a foreign import, so nothing is
    re-enriched."""
    if mode not in ("merge", "replace"):
        raise ValidationError("mode", 'must be "merge" or "replace"')
    contents = read_backup(path, passphrase)
    if mode == "replace":
        restored = library.replace_all(contents.snippets)
        if on_progress:
            on_progress(len(contents.snippets))
        return RestoreResult(restored=restored, skipped=len(contents.snippets) - restored)
    done = 0

    def step(batch: int) -> None:  # merge reports increments; callers get running totals
        nonlocal done
        done += batch
        if on_progress:
            on_progress(done)

    merged = library.merge(contents.snippets, on_progress=step)
    return RestoreResult(restored=merged.imported, skipped=merged.skipped)
