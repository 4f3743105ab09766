"""SQLite: the file database (WAL, busy timeout, BEGIN IMMEDIATE), its SQL fragments, FTS5 and its catalog."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from minicrm.errors import MinicrmError, StoreError
from minicrm.i18n import _, ngettext
from minicrm.store.core.dialect.base import BUSY_TIMEOUT_MS, Dialect, fold_search

# -- SQLite type adapters (registered once, on import) --------------------------------------------


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


def sqlite_reason(exc: Exception) -> str:
    """SQLite's reason for an error, in the user's language when it is a common one."""
    text = str(exc)
    reasons = {  # the English is SQLite's own
        "file is not a database": _("file is not a database"),
        "database disk image is malformed": _("database disk image is malformed"),
        "database is locked": _("database is locked"),
        "unable to open database file": _("unable to open database file"),
        "attempt to write a readonly database": _("attempt to write a readonly database"),
        "disk I/O error": _("disk I/O error"),
    }
    return reasons.get(text, text)


def _open(name: str | Path, *, uri: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(
        name,
        uri=uri,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        detect_types=sqlite3.PARSE_DECLTYPES,
        check_same_thread=False,
    )


def _open_read_only(path: Path, why: str) -> sqlite3.Connection:
    """A connection that reads a database minicrm cannot write, and refuses writes (`PRAGMA query_only`).

    `mode=ro` reads it as it is, -wal included, as long as SQLite can open or make the -shm file beside it. In a
    folder where it cannot (a read-only file system) and no -shm exists, nobody has the database open in WAL
    mode, so it is read as an `immutable` file, which needs no -shm. An unfinished -wal without its -shm holds
    changes only a writer can bring in: that is an error rather than showing the data without them.
    """
    from urllib.parse import quote

    base = f"file:{quote(str(path.absolute()), safe='/')}?mode=ro"
    conn = _open(base, uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if exc.sqlite_errorcode != sqlite3.SQLITE_CANTOPEN:
            raise
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(
                _(
                    "{path} is read-only ({why}) and its write-ahead log {wal} holds changes not yet in the"
                    " file: open it once where it can be written"
                ).format(path=path, why=why, wal=wal.name)
            ) from None
        conn = _open(base + "&immutable=1", uri=True)
    conn.execute("PRAGMA query_only=ON")
    return conn


class SQLiteDialect(Dialect):
    name = "sqlite"
    is_file = True
    false = 0

    def connect(self, path: Path, *, create: bool, read_only: bool = False) -> sqlite3.Connection:
        from minicrm.paths import create_private_file

        if path.is_dir():
            raise StoreError(_("{path} is a folder, not a database file").format(path=path))
        if not path.exists():
            if not create:
                raise StoreError(_("no database at {path}").format(path=path))
            from minicrm.paths import default_db_path

            if not path.parent.is_dir() and path.parent != default_db_path().parent:
                # only minicrm's own data folder is created; any other missing folder is probably a typo
                raise StoreError(
                    _("no folder {folder} for the database {name}: create it first").format(
                        folder=path.parent, name=path.name
                    )
                )
            try:
                create_private_file(path)
            except OSError as exc:
                raise StoreError(
                    _("cannot create database {path}: {reason}").format(path=path, reason=exc.strerror)
                ) from None
        why = self.read_only_reason(path) or (_("opened with --read-only") if read_only else None)
        read_only = why is not None
        try:
            conn = _open_read_only(path, why) if why else _open(path)
            conn.row_factory = sqlite3.Row
            conn.create_function("minicrm_fts", 1, fold_search, deterministic=True)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if not read_only and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                _("cannot open database {path}: {reason}").format(path=path, reason=sqlite_reason(exc))
            ) from None
        return conn

    def read_only_reason(self, path: Path) -> str | None:
        """Why the file can be read but not written: its file system, the file, or its folder (where SQLite
        keeps the -wal/-shm or -journal files a write needs), checked with the real permissions (root too)."""
        try:
            if hasattr(os, "statvfs") and os.statvfs(path).f_flag & os.ST_RDONLY:
                return _("read-only file system")
        except OSError:
            return None
        if not os.access(path, os.W_OK):
            return _("the file is not writable")
        if not os.access(path.parent, os.W_OK | os.X_OK):
            side = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
            if not all(os.access(p, os.W_OK) for p in side):
                return _("its folder is not writable")
        return None

    def sql(self, text: str) -> str:
        return text

    def begin_write(self, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA query_only").fetchone()[0]:  # opened read-only (see connect)
            file = Path(conn.execute("PRAGMA database_list").fetchone()[2])
            why = self.read_only_reason(file) or _("opened with --read-only")
            raise StoreError(_("{path} is read-only ({why}): nothing was changed").format(path=file, why=why))
        conn.execute("BEGIN IMMEDIATE")

    def begin_snapshot(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN")  # deferred: the first read fixes the snapshot (WAL)

    def in_transaction(self, conn: sqlite3.Connection) -> bool:
        return conn.in_transaction

    def store_error(self, exc: Exception) -> MinicrmError | None:
        if not isinstance(exc, sqlite3.OperationalError):
            return None
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            return StoreError(_("the database is read-only (check the file's permissions)"))
        if "disk" in text and "full" in text:
            return StoreError(_("the disk is full: nothing was written"))
        if "locked" in text or "busy" in text:
            return StoreError(_("the database is busy (another minicrm kept it locked too long); try again"))
        return StoreError(_("database error: {reason}").format(reason=sqlite_reason(exc)))

    def day_of(self, expr: str) -> str:
        return f"date({expr})"

    day_key = day_of

    def week_key(self, expr: str) -> str:
        return f"date({expr}, 'weekday 0', '-6 days')"  # SQLite 3.40 has no ISO week number

    def month_key(self, expr: str) -> str:
        return f"substr({expr}, 1, 7)"

    def quarter_key(self, expr: str) -> str:
        return f"(substr({expr}, 1, 4) || '-Q' || ((CAST(substr({expr}, 6, 2) AS INTEGER) + 2) / 3))"

    def add_days(self, day_expr: str, days_expr: str) -> str:
        return f"date({day_expr}, '+' || ({days_expr}) || ' days')"

    def days_between(self, later_expr: str, earlier_expr: str) -> str:
        return f"CAST(julianday({later_expr}) - julianday(date({earlier_expr})) AS INTEGER)"

    def hours_between(self, later_expr: str, earlier_expr: str) -> str:
        return f"((julianday({later_expr}) - julianday({earlier_expr})) * 24)"

    def no_index(self, expr: str) -> str:
        return f"+{expr}"

    def indexed_by(self, index: str) -> str:
        return f" INDEXED BY {index}"

    def sort_key_no_index(self, expr: str) -> str:
        return f"({expr} || '')"

    def fts_match(self, table: str, query: str, fts_query: str) -> tuple[str, list[str]]:
        return f"SELECT rowid AS fid, rank FROM {table} WHERE {table} MATCH ?", [fold_search(fts_query) or ""]

    def fts_text(self, expr: str) -> str:
        return f"minicrm_fts({expr})"

    def database_size(self, session: Any) -> int:
        return int(session.scalar("PRAGMA page_count")) * int(session.scalar("PRAGMA page_size"))

    def data_tables(self, session: Any) -> list[str]:
        rows = session.all(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        fts = {r["name"] for r in rows if "VIRTUAL TABLE" in (r["sql"] or "").upper()}
        return [
            r["name"]
            for r in rows
            if r["name"] not in fts
            and not any(r["name"].startswith(f + "_") for f in fts)
            and r["name"] != "alembic_version"
        ]

    def columns(self, session: Any, table: str) -> tuple[list[str], list[str]]:
        info = session.all(f'PRAGMA table_info("{table}")')
        columns = [r["name"] for r in info]
        pk = [r["name"] for r in sorted(info, key=lambda r: r["pk"]) if r["pk"]]
        return columns, pk or columns

    def sequences(self, session: Any) -> dict[str, int]:
        return {r["name"]: r["seq"] for r in session.all("SELECT name, seq FROM sqlite_sequence ORDER BY name")}

    def migration_engine(self, url: str) -> Any:
        from sqlalchemy import create_engine, event

        # foreign_keys must be OFF while Alembic's batch mode recreates a parent table, and it
        # cannot change inside a transaction; check_migrated() runs the check before the commit instead.
        engine = create_engine(url, connect_args={"isolation_level": None, "timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.create_function("minicrm_fts", 1, fold_search, deterministic=True)

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def check_migrated(self, conn: Any) -> None:
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise StoreError(
                ngettext(
                    "migration would break {n} foreign key; rolled back",
                    "migration would break {n} foreign keys; rolled back",
                    len(broken),
                ).format(n=len(broken))
            )

    def next_id(self, session: Any, table: str) -> int:
        seq = session.scalar("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)) or 0
        top = session.scalar(f"SELECT max(id) FROM {table}") or 0
        return max(seq, top) + 1

    def raw_column(self, column: str) -> str:
        return f"+{column}"

    def defer_foreign_keys(self, session: Any) -> None:
        session.execute("PRAGMA defer_foreign_keys = ON")

    def foreign_key_problem(self, session: Any) -> str | None:
        broken = session.all("PRAGMA foreign_key_check")
        if broken:
            return ngettext(
                "{n} row points at missing rows (first in table {table})",
                "{n} rows point at missing rows (first in table {table})",
                len(broken),
            ).format(n=len(broken), table=broken[0][0])
        return None

    def restore_sequences(self, session: Any, sequences: dict[str, int]) -> None:
        counted = {  # only AUTOINCREMENT tables have a counter (PostgreSQL has a sequence per id column)
            r[0]
            for r in session.all("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'")
        }
        session.execute("DELETE FROM sqlite_sequence")
        session.executemany(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
            [(name, seq) for name, seq in sequences.items() if name in counted],
        )

    def plain_value(self, value: Any) -> Any:
        return value  # read as stored (the export selects `+col`, which skips the type converters)
