"""Connections, locking, schema migrations and the change generation of one profile's file."""

from __future__ import annotations

import atexit
import os
import random
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from filelock import FileLock, Timeout

from pieces_lsp.errors import (
    CorruptLibraryError,
    LibraryBusyError,
    SchemaTooNewError,
    StorageError,
)

if TYPE_CHECKING:
    from pieces_lsp.config import LibraryPaths

# The library must never reach the network or any file but its own: no extension is installed or
# loaded behind our back, no file outside the database can be read or written by SQL, and the
# settings cannot be changed afterwards by a statement.
LOCKED_DOWN = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "enable_external_access": False,
    # Each connection lives for one operation: starting a thread per core for it costs more
    # than any single-row statement gains.
    "threads": 1,
    # Writers open and close the file for every operation; checkpointing the WAL into the file
    # on every close would double the cost of a save. Commits stay durable in the WAL (replayed
    # on open) and DuckDB folds it into the file once it passes this size.
    "checkpoint_threshold": "1MB",
}

_IDLE_RELEASE = 0.02
_WAL_FOLD_BYTES = 16 * 1024
_MAX_HOLD = 0.2
_YIELD = (0.002, 0.008)

_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every shipped migration, in order."""
    found = []
    for entry in resources.files("pieces_lsp.storage").joinpath("migrations").iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration numbering has a gap at {name}")
    return found


LATEST_SCHEMA = len(migrations())


def _is_lock_conflict(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting lock" in text or "resource temporarily" in text


@dataclass(slots=True)
class WriteTxn:
    """A write transaction: every row it touches is stamped with `seq`, the generation it
    will publish, so other processes can fetch exactly what changed."""

    conn: duckdb.DuckDBPyConnection
    seq: int


class Database:
    """One profile's DuckDB file, shared safely between processes."""

    def __init__(self, paths: LibraryPaths, lock_timeout: float = 30.0) -> None:
        self.paths = paths
        self.lock_timeout = lock_timeout
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(str(paths.lock), thread_local=False)
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._lease_start = 0.0
        self._last_used = 0.0
        self._yield_until = 0.0
        self._closer: threading.Thread | None = None
        self._token: str | None = None
        self._token_stat: tuple[int, int, int] | None = None
        self._shutting_down = False
        atexit.register(self.shutdown)

    # -- locking -----------------------------------------------------------------------------
    #
    # Opening a DuckDB file costs ~15-25 ms (a whole database instance) and closing it ~10 ms,
    # several times the cost of a one-row commit. So a process keeps its connection (and the
    # lock) as a short lease: reused while operations follow each other, closed after
    # _IDLE_RELEASE without use, and given up after _MAX_HOLD so other windows get their turn.

    def _acquire_file_lock(self, deadline: float, timeout: float) -> None:
        """Poll the advisory lock: a holder keeps it for milliseconds, so sleeping in short,
        jittered steps beats a blocking wait that cannot time out."""
        self.paths.profile_dir.mkdir(parents=True, exist_ok=True)
        while True:
            if self._shutting_down:
                raise LibraryBusyError("the process is exiting")
            try:
                self._file_lock.acquire(timeout=0, blocking=False)
                return
            except Timeout:
                if time.monotonic() >= deadline:
                    raise LibraryBusyError(
                        f"the library stayed locked by another process for {timeout:.0f}s; "
                        "try again"
                    ) from None
                time.sleep(random.uniform(0.0005, 0.003))

    def _release_lease(self, *, yield_after: bool = False) -> None:
        """Close the connection and let other processes in (caller holds the thread lock)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            # Every open replays the WAL; replaying ~1 KB per unfolded save made an editor's
            # save (which opens the file) cost 100+ ms. Fold it in before giving the file back.
            with suppress(OSError, duckdb.Error):
                if os.path.getsize(str(self.paths.database) + ".wal") > _WAL_FOLD_BYTES:
                    conn.execute("CHECKPOINT")
            conn.close()
        finally:
            self._file_lock.release()
        if yield_after:
            self._yield_until = time.monotonic() + random.uniform(*_YIELD)

    def _close_when_idle(self) -> None:
        while True:
            time.sleep(_IDLE_RELEASE / 2)
            with self._thread_lock:
                if self._conn is None:
                    return
                if time.monotonic() - self._last_used >= _IDLE_RELEASE:
                    self._release_lease()
                    return

    def close(self) -> None:
        """Give the file back now (erase, compaction, a profile switch)."""
        with self._thread_lock:
            self._release_lease()

    def shutdown(self) -> None:
        """At exit: refuse new work, then close. No thread may be inside DuckDB while the
        interpreter finalises (that aborts the process)."""
        self._shutting_down = True
        self.close()

    @contextmanager
    def _locked(self, timeout: float | None) -> Iterator[None]:
        """The lock without a DuckDB connection, for whole-file operations."""
        timeout = self.lock_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=max(timeout, 0.001)):
            raise LibraryBusyError("the library is busy in this process; try again")
        try:
            self._release_lease()
            self._acquire_file_lock(deadline, timeout)
            try:
                yield
            finally:
                self._file_lock.release()
        finally:
            self._thread_lock.release()

    def _connect(self, deadline: float) -> duckdb.DuckDBPyConnection:
        """Open the file; another program (not ours) may hold DuckDB's own lock, so retry."""
        delay = 0.002
        while True:
            try:
                conn = duckdb.connect(str(self.paths.database), config=dict(LOCKED_DOWN))
                conn.execute("PRAGMA disable_checkpoint_on_shutdown")
                conn.execute("SET lock_configuration = true")
                return conn
            except duckdb.IOException as exc:
                if not _is_lock_conflict(exc):
                    raise self._storage_error(exc) from None
                if time.monotonic() >= deadline:
                    raise LibraryBusyError(
                        "another program holds the library file open; close it and try again"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
            except duckdb.Error as exc:
                raise self._storage_error(exc) from None

    def _storage_error(self, exc: BaseException) -> StorageError:
        text = str(exc)
        if (
            "not a valid DuckDB database" in text
            or "Unable to open database" in text
            or ("version" in text.lower() and "storage" in text.lower())
        ):
            return CorruptLibraryError(
                f"{self.paths.database} is not a library this version can open "
                f"({text.splitlines()[0][:160]})"
            )
        return StorageError(f"the library could not be opened: {text.splitlines()[0][:160]}")

    @contextmanager
    def connection(
        self, timeout: float | None = None, *, linger: bool = True
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection on an up-to-date schema, holding the lock while it is used. With
        `linger=False` a connection opened for this call is closed right after it (a cache
        refresh should not keep writers out for the idle period)."""
        timeout = self.lock_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=max(timeout, 0.001)):
            raise LibraryBusyError("the library is busy in this process; try again")
        try:
            opened_here = self._conn is None
            if opened_here:
                pause = self._yield_until - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                self._acquire_file_lock(deadline, timeout)
                try:
                    conn = self._connect(deadline)
                    try:
                        self._ensure_schema(conn)
                    except BaseException:
                        conn.close()
                        raise
                except BaseException:
                    self._file_lock.release()
                    raise
                self._conn = conn
                self._lease_start = self._last_used = time.monotonic()
                if self._closer is None or not self._closer.is_alive():
                    self._closer = threading.Thread(
                        target=self._close_when_idle, name="pieces-db-lease", daemon=True
                    )
                    self._closer.start()
            try:
                yield self._conn
            except BaseException:
                # After a failure the connection's state is unknown: start afresh next time.
                self._release_lease()
                raise
            self._last_used = time.monotonic()
            if opened_here and not linger:
                self._release_lease()
            elif self._last_used - self._lease_start > _MAX_HOLD:
                self._release_lease(yield_after=True)
        finally:
            self._thread_lock.release()

    @contextmanager
    def write(self, timeout: float | None = None) -> Iterator[WriteTxn]:
        """One atomic write. Acknowledged (returned) means committed to the WAL, which DuckDB
        replays on the next open: a SIGKILL after this returns loses nothing."""
        with self.connection(timeout) as conn:
            conn.execute("BEGIN TRANSACTION")
            try:
                seq = self.generation(conn) + 1
                txn = WriteTxn(conn, seq)
                yield txn
                conn.execute(
                    "UPDATE library_meta SET value = ? WHERE key = 'generation'", [str(seq)]
                )
                conn.execute("COMMIT")
            except BaseException:
                with suppress(duckdb.Error):
                    conn.execute("ROLLBACK")
                raise
            self._publish(conn, seq)

    # -- schema --------------------------------------------------------------------------------

    def schema_version(self, conn: duckdb.DuckDBPyConnection) -> int:
        try:
            row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
            return int(row[0] or 0)
        except duckdb.CatalogException:
            pass
        if conn.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]:
            raise CorruptLibraryError(
                f"{self.paths.database} is a DuckDB file but not a pieces-lsp library"
            )
        return 0

    def _ensure_schema(self, conn: duckdb.DuckDBPyConnection) -> None:
        current = self.schema_version(conn)
        if current > LATEST_SCHEMA:
            raise SchemaTooNewError(
                f"this library was written by a newer pieces-lsp (schema v{current}; this "
                f"version reads up to v{LATEST_SCHEMA}); upgrade pieces-lsp. The file was not "
                "modified."
            )
        if current == LATEST_SCHEMA:
            return
        self.migrate(conn, target=LATEST_SCHEMA)

    def migrate(self, conn: duckdb.DuckDBPyConnection, target: int) -> None:
        """Apply pending migrations, each in its own transaction with its version row."""
        current = self.schema_version(conn)
        if current == 0:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL)"
            )
        for version, name, sql in migrations():
            if version <= current or version > target:
                continue
            conn.execute("BEGIN TRANSACTION")
            try:
                conn.execute(sql)
                conn.execute(
                    "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [version, name]
                )
                conn.execute("COMMIT")
            except BaseException:
                with suppress(duckdb.Error):
                    conn.execute("ROLLBACK")
                raise
        if target >= 2:
            self._publish(conn, self.generation(conn))

    # -- generation ------------------------------------------------------------------------------

    @staticmethod
    def generation(conn: duckdb.DuckDBPyConnection) -> int:
        row = conn.execute("SELECT value FROM library_meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def library_id(conn: duckdb.DuckDBPyConnection) -> str:
        row = conn.execute("SELECT value FROM library_meta WHERE key = 'library_id'").fetchone()
        return str(row[0]) if row else ""

    def _publish(self, conn: duckdb.DuckDBPyConnection, seq: int) -> None:
        """Tell other processes, without them opening the database, that the library moved."""
        token = f"{self.library_id(conn)}:{seq}"
        tmp = self.paths.generation.with_name(f".{self.paths.generation.name}.{os.getpid()}")
        tmp.write_text(token, encoding="ascii")
        os.replace(tmp, self.paths.generation)

    def current_token(self) -> str | None:
        """Changes whenever any process commits a write. Every read asks, so it costs one
        stat() while nothing changed: the file is replaced atomically, so a new token means a
        new inode or mtime."""
        try:
            st = os.stat(self.paths.generation)
        except OSError:
            self._token_stat = None
            return None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if key != self._token_stat or self._token is None:
            try:
                self._token = self.paths.generation.read_text(encoding="ascii").strip() or None
            except OSError:
                return None
            self._token_stat = key
        return self._token

    def offline_violations(self) -> list[str]:
        """What SQL on the library connection could reach beyond the file (must be nothing):
        `doctor` proves the lock-down by trying."""
        probes = {
            "read a file outside the library": "SELECT * FROM read_csv('/etc/hostname')",
            "install an extension": "INSTALL httpfs",
            "re-enable external access": "SET enable_external_access = true",
        }
        allowed = []
        with self.connection() as conn:
            for what, sql in probes.items():
                try:
                    conn.execute(sql)
                    allowed.append(what)
                except duckdb.Error:
                    pass
        return allowed

    # -- whole-file operations -----------------------------------------------------------------

    def exists(self) -> bool:
        return self.paths.database.exists()

    def size_bytes(self) -> int:
        total = 0
        for suffix in ("", ".wal"):
            with suppress(OSError):
                total += Path(str(self.paths.database) + suffix).stat().st_size
        return total

    def compact(self, timeout: float | None = None) -> None:
        """Rewrite the file so deleted rows are physically gone: DuckDB leaves freed blocks
        with their old bytes until reused, and "deleted" must mean deleted."""
        db = self.paths.database
        tmp = db.with_name(db.name + ".compact")
        with self._locked(timeout):
            if not db.exists():
                return
            for leftover in _with_sidecars(tmp):
                with suppress(FileNotFoundError):
                    leftover.unlink()
            conn = open_sandbox([*_with_sidecars(db), *_with_sidecars(tmp)])
            try:
                conn.execute(f"ATTACH '{_sql_str(db)}' AS old")
                conn.execute(f"ATTACH '{_sql_str(tmp)}' AS new")
                conn.execute("COPY FROM DATABASE old TO new")
                conn.execute("DETACH new")
                conn.execute("DETACH old")
            finally:
                conn.close()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, db)
            with suppress(FileNotFoundError):
                Path(str(db) + ".wal").unlink()

    def destroy(self, timeout: float | None = None) -> None:
        """Remove the profile's folder and everything in it."""
        with self._locked(timeout):
            for child in self.paths.profile_dir.iterdir():
                if child.name == self.paths.lock.name:
                    continue
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        with suppress(OSError):
            self.paths.lock.unlink()
        with suppress(OSError):
            self.paths.profile_dir.rmdir()


def _with_sidecars(db: Path) -> list[Path]:
    """A database file and the files DuckDB keeps beside it."""
    return [db, *(Path(str(db) + suffix) for suffix in (".wal", ".wal.checkpoint", ".tmp"))]


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def open_sandbox(allowed: list[Path]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that may touch only the listed files (Parquet export/import and
    compaction), with the same no-network guarantees as the library connection: no extension
    install or autoload, and the settings locked after the allow-list is set."""
    conn = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
        },
    )
    paths = ", ".join(f"'{_sql_str(Path(p).absolute())}'" for p in allowed)
    conn.execute(f"SET allowed_paths = [{paths}]")
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
    return conn
