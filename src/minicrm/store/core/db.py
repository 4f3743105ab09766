"""Database access: a small DB-API session over sqlite3 (or psycopg for PostgreSQL).

Service functions write portable SQL with `?` placeholders and run it through `Session`; what differs
between the backends is asked of `session.dialect` (store/core/dialect.py). SQLite runs in WAL mode with a
busy timeout; every write is one `BEGIN IMMEDIATE` transaction (`session.write()`), so the TUI, cron and
a shell can share one file without "database is locked" errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from minicrm.store.core.dialect import BUSY_TIMEOUT_MS, WRITE_LOCK_KEY, Dialect, for_target, mask_url

__all__ = ["BUSY_TIMEOUT_MS", "WRITE_LOCK_KEY", "Database", "Session", "mask_url"]


class Database:
    """Where the data lives: a SQLite file or a PostgreSQL URL."""

    def __init__(self, target: str | Path, *, read_only: bool = False):
        """`read_only`: open it so that every write fails (`--read-only`, a viewer of a shared file)."""
        self.dialect: Dialect
        self.path: Path | None
        self.dialect, self.url, self.path = for_target(str(target))
        self.read_only = read_only

    @property
    def label(self) -> str:
        return str(self.path) if self.path else mask_url(self.url)

    def exists(self) -> bool:
        return self.path is None or (self.path.exists() and self.path.stat().st_size > 0)

    def connect(self, *, create: bool = True) -> Session:
        if self.path is not None:
            conn = self.dialect.connect(self.path, create=create and not self.read_only, read_only=self.read_only)  # type: ignore[attr-defined]
        else:
            conn = self.dialect.connect(self.url, read_only=self.read_only)  # type: ignore[attr-defined]
        return Session(conn, self.dialect)


class Session:
    """One connection. Reads run as they come; writes go in `with session.write():`."""

    def __init__(self, conn: Any, dialect: Dialect):
        self.conn = conn
        self.dialect = dialect
        self._depth = 0
        self._held = False  # between hold() and finish(): write blocks become savepoints of one transaction
        self._held_open = False
        #: why this session may not write (a viewer, #21): every write block then raises PermissionDenied
        self.writes_denied: str | None = None
        self._on_commit: list[Callable[[], None]] = []  # run once after the current transaction commits

    # -- statements -------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.conn.execute(self.dialect.sql(sql), tuple(params))
        except Exception as exc:
            error = self.dialect.store_error(exc)
            if error is None:
                raise
            raise error from None

    def executemany(self, sql: str, rows: Any) -> None:
        cur = self.conn.cursor()
        try:
            cur.executemany(self.dialect.sql(sql), rows)
        except Exception as exc:
            error = self.dialect.store_error(exc)
            if error is None:
                raise
            raise error from None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        rows: list[Any] = self.execute(sql, params).fetchall()
        return rows

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT and return the new row's id."""
        new_id: int = self.scalar(sql + " RETURNING id", params)
        return new_id

    # -- transactions -----------------------------------------------------------------------
    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the current transaction has committed (dropped if it is rolled back).

        Used by `store.core.events` to run hooks and deliver webhooks only after the change is durable."""
        self._on_commit.append(callback)

    def in_write(self) -> bool:
        """Whether a write transaction is open on this session (its write lock held)."""
        return bool(self._depth or self._held_open)

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
        if self.writes_denied is not None:
            from minicrm.errors import PermissionDenied

            raise PermissionDenied(self.writes_denied)
        if self._held:
            with self._savepoint():
                yield self
            return
        self._run(self.dialect.begin_write)
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        self._commit()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read-only transaction: every read inside sees one consistent state of the database."""
        if self._held_open:  # already inside the command's transaction, which is consistent
            yield self
            return
        self._run(self.dialect.begin_snapshot)
        try:
            yield self
        finally:
            self._rollback()

    def hold(self) -> None:
        """From now until `finish()`, every write is part of one transaction, begun at the first write.

        The CLI holds each command's session, so a command that fails after a first write (a user created on
        first use, then a refused value) leaves the database as it was. Each `write()` block inside becomes a
        savepoint: a block that fails is undone on its own, as it was when it was its own transaction.
        """
        self._held = True

    def finish(self, *, commit: bool) -> None:
        """End what `hold()` started: commit it, or roll every write of it back."""
        was_open, self._held, self._held_open = self._held_open, False, False
        if not was_open:
            return
        if not commit:
            self._rollback()
            return
        self._commit()

    def _commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except Exception as exc:
            self._rollback()
            error = self.dialect.store_error(exc)
            if error is None:
                raise
            raise error from None
        callbacks, self._on_commit = self._on_commit, []
        for callback in callbacks:
            callback()

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        if not self._held_open:
            self._run(self.dialect.begin_write)
            self._held_open = True
        self._run(lambda conn: conn.execute("SAVEPOINT minicrm_write"))
        self._depth = 1
        pending = len(self._on_commit)
        try:
            yield
        except BaseException:
            self._depth = 0
            del self._on_commit[pending:]  # the block's events are undone with it
            if self.dialect.in_transaction(self.conn):
                self.conn.execute("ROLLBACK TO SAVEPOINT minicrm_write")
                self.conn.execute("RELEASE SAVEPOINT minicrm_write")
            else:  # SQLite rolled the whole transaction back itself (disk full, I/O error)
                self._held_open = False
                self._on_commit.clear()
            raise
        self._depth = 0
        self._run(lambda conn: conn.execute("RELEASE SAVEPOINT minicrm_write"))

    def _run(self, step: Any) -> None:
        try:
            step(self.conn)
        except Exception as exc:
            error = self.dialect.store_error(exc)
            if error is None:
                raise
            raise error from None

    def _rollback(self) -> None:
        """Roll back what is left: SQLite may already have done it itself (disk full, I/O error)."""
        self._on_commit.clear()
        if not self.dialect.in_transaction(self.conn):
            return
        try:
            self.conn.execute("ROLLBACK")
        except Exception:
            pass

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
