"""Database access: a small DB-API session over sqlite3 (or psycopg for PostgreSQL).

Service functions write portable SQL with `?` placeholders and run it through `Session`. SQLite runs
in WAL mode with a busy timeout; every write is one `BEGIN IMMEDIATE` transaction (`session.write()`),
so the TUI, cron and a shell can share one file without "database is locked" errors.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from minicrm.errors import StoreError

BUSY_TIMEOUT_MS = 15_000
#: PostgreSQL advisory lock taken by every write transaction ("minicrm" in ASCII, as a number).
WRITE_LOCK_KEY = 0x6D696E69_63726D
POSTGRES_SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")


def _adapt_datetime(value: datetime) -> str:
    return value.isoformat(" ", "seconds")


def _convert_date(raw: bytes) -> date | None:
    text = raw.decode()
    return date.fromisoformat(text[:10]) if text else None


def _convert_datetime(raw: bytes) -> datetime | None:
    text = raw.decode()
    return datetime.fromisoformat(text) if text else None


sqlite3.register_adapter(date, date.isoformat)
sqlite3.register_adapter(datetime, _adapt_datetime)
sqlite3.register_converter("DATE", _convert_date)
sqlite3.register_converter("DATETIME", _convert_datetime)
sqlite3.register_converter("BOOLEAN", lambda raw: raw not in (b"0", b""))


def mask_url(url: str) -> str:
    """Hide the password of a database URL for every message we print."""
    url = re.sub(r"(://[^:/@\s]+:)\S*@", r"\1***@", url)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", url)


class Database:
    """Where the data lives: a SQLite file or a PostgreSQL URL."""

    def __init__(self, target: str | Path):
        target = str(target)
        if target.startswith("sqlite://"):
            target = target.split("sqlite:///", 1)[-1] if target.startswith("sqlite:///") else ":memory:"
        if "://" in target:
            scheme, _, rest = target.partition("://")
            if scheme not in POSTGRES_SCHEMES:
                raise StoreError(
                    f"unsupported database URL '{mask_url(target)}' (a file path, sqlite:///PATH or"
                    " postgresql+psycopg://USER@HOST/DB)"
                )
            self.dialect = "postgresql"
            self.url = f"postgresql+psycopg://{rest}"
            self.path: Path | None = None
        else:
            self.dialect = "sqlite"
            self.path = Path(target).expanduser()
            self.url = f"sqlite:///{self.path}"

    @property
    def label(self) -> str:
        return str(self.path) if self.path else mask_url(self.url)

    def exists(self) -> bool:
        return self.path is None or (self.path.exists() and self.path.stat().st_size > 0)

    def connect(self, *, create: bool = True) -> Session:
        if self.dialect == "sqlite":
            return Session(self._connect_sqlite(create), "sqlite")
        return Session(self._connect_postgres(), "postgresql")

    def _connect_sqlite(self, create: bool) -> sqlite3.Connection:
        from minicrm.paths import create_private_file

        assert self.path is not None
        if not self.path.exists():
            if not create:
                raise StoreError(f"no database at {self.path}")
            try:
                create_private_file(self.path)
            except OSError as exc:
                raise StoreError(f"cannot create database {self.path}: {exc.strerror}") from None
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                detect_types=sqlite3.PARSE_DECLTYPES,
                check_same_thread=False,
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal" and os.access(self.path, os.W_OK):
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from None
        return conn

    def _connect_postgres(self):
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'minicrm[postgres]'") from None
        url = self.url.replace("postgresql+psycopg://", "postgresql://", 1)
        try:
            return psycopg.connect(url, autocommit=True, row_factory=dict_row)
        except psycopg.Error as exc:
            message = mask_url(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            raise StoreError(f"cannot connect to {mask_url(self.url)}: {message}") from None


class Session:
    """One connection. Reads run as they come; writes go in `with session.write():`."""

    def __init__(self, conn: Any, dialect: str):
        self.conn = conn
        self.dialect = dialect
        self._depth = 0

    # -- statements -------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        if self.dialect == "sqlite":
            return sql
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(self._sql(sql), tuple(params))
        except sqlite3.OperationalError as exc:
            raise _store_error(exc) from None
        except Exception as exc:
            if self.dialect == "sqlite" or not _is_postgres_operational(exc):
                raise
            raise _postgres_error(exc) from None

    def executemany(self, sql: str, rows: Any) -> None:
        cur = self.conn.cursor()
        try:
            cur.executemany(self._sql(sql), rows)
        except sqlite3.OperationalError as exc:
            raise _store_error(exc) from None
        except Exception as exc:
            if self.dialect == "sqlite" or not _is_postgres_operational(exc):
                raise
            raise _postgres_error(exc) from None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        if row is None:
            return None
        return row[0] if self.dialect == "sqlite" else next(iter(row.values()))

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT and return the new row's id."""
        return self.scalar(sql + " RETURNING id", params)

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (`BEGIN IMMEDIATE` on SQLite); nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        if self.dialect == "sqlite":
            self.execute("BEGIN IMMEDIATE")
        else:
            # The same semantics as SQLite's BEGIN IMMEDIATE: one writer at a time (readers never wait),
            # so the services' read-then-write steps see the latest data on PostgreSQL too.
            self.execute("BEGIN")
            try:
                self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise _store_error(exc) from None
        except Exception as exc:
            if self.dialect == "sqlite" or not _is_postgres_operational(exc):
                raise
            raise _postgres_error(exc) from None

    def _rollback(self) -> None:
        """Roll back what is left: SQLite may already have done it itself (disk full, I/O error)."""
        if self.dialect == "sqlite" and not self.conn.in_transaction:
            return
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _store_error(exc: sqlite3.OperationalError) -> StoreError:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return StoreError("the database is read-only (check the file's permissions)")
    if "disk" in text and "full" in text:
        return StoreError("the disk is full: nothing was written")
    if "locked" in text or "busy" in text:
        return StoreError("the database is busy (another minicrm kept it locked too long); try again")
    return StoreError(f"database error: {text}")


def _is_postgres_operational(exc: Exception) -> bool:
    """A server/connection problem (not a bug in our SQL): lost connection, lock timeout, read-only, disk full."""
    import psycopg

    return isinstance(exc, psycopg.OperationalError | psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.DiskFull)


def _postgres_error(exc: Exception) -> StoreError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(f"database error: {mask_url(first)}")
