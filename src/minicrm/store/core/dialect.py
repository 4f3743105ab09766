"""Everything that differs between SQLite and PostgreSQL, in one module (a test keeps it that way).

The service layer writes one SQL text with `?` placeholders and asks the session's `dialect` for the few
fragments that cannot be written portably: the day of a timestamp, days between two, month/quarter/week
keys, full-text matching, index hints. The session asks it how to connect, how to open the one-writer
transaction, how to classify a server error, and how to read the catalog (tables, columns, id sequences)
for the whole-database export, import and copy. Rows are one type on both backends: by name and by
position (`sqlite3.Row` on SQLite, `Row` below on PostgreSQL).

Nothing outside this module compares backend names; ask for a fragment or a capability instead.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from minicrm.errors import MinicrmError, StoreError

BUSY_TIMEOUT_MS = 15_000
#: PostgreSQL advisory lock taken by every write transaction ("minicrm" in ASCII, as a number).
WRITE_LOCK_KEY = 0x6D696E69_63726D
POSTGRES_SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")
#: Full-text tables (SQLite FTS5 virtual tables; plain tables with a tsvector on PostgreSQL).
SEARCH_TABLES = ("contact_fts", "company_fts", "interaction_fts")
#: Russian ё is written е by most people: the search folds both (FTS5 `remove_diacritics` keeps ё).
_YO = str.maketrans({"ё": "е", "Ё": "Е"})


def fold_yo(text: str | None) -> str | None:
    return text.translate(_YO) if text else text


class Row:
    """A PostgreSQL row that behaves like `sqlite3.Row`: `row["name"]`, `row[0]`, `keys()`, iteration, `dict(row)`."""

    __slots__ = ("_index", "_names", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int], names: tuple[str, ...]):
        self._values = tuple(values)
        self._index = index  # the first column of each name, as sqlite3.Row finds it
        self._names = names

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                lowered = key.lower()
                for name, i in self._index.items():
                    if name.lower() == lowered:
                        return self._values[i]
                raise IndexError(f"No item with that key: {key}") from None
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values and self._names == other._names
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({list(zip(self._names, self._values, strict=True))!r})"


def _pg_row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    names = tuple(col.name for col in cursor.description or ())
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    return lambda values: Row(values, index, names)


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


def mask_url(url: str) -> str:
    """Hide the password of a database URL for every message we print."""
    url = re.sub(r"(://[^:/@\s]+:)\S*@", r"\1***@", url)
    return re.sub(r"(?i)(password=)[^&\s]*", r"\1***", url)


class Dialect:
    """The interface; `SQLITE` and `POSTGRES` below are the two implementations."""

    name: str
    #: True when the database is one local file (file modes, the file backup API, copies beside it).
    is_file: bool
    #: The cheapest value to bind to a BOOLEAN column in bulk (sqlite3 binds an exact int without an adapter).
    false: Any = False

    # -- connection and statements --------------------------------------------------------------
    def sql(self, text: str) -> str:
        """Our `?`-placeholder SQL in the driver's style."""
        raise NotImplementedError

    def begin_write(self, conn: Any) -> None:
        """Open the one-writer transaction (readers never wait)."""
        raise NotImplementedError

    def begin_snapshot(self, conn: Any) -> None:
        """Open a read-only transaction that sees one consistent state of every table."""
        raise NotImplementedError

    def in_transaction(self, conn: Any) -> bool:
        raise NotImplementedError

    def store_error(self, exc: Exception) -> MinicrmError | None:
        """A clean StoreError for a server/file problem (locked, read-only, disk full, lost connection), else None."""
        raise NotImplementedError

    # -- SQL fragments ----------------------------------------------------------------------------
    def day_of(self, expr: str) -> str:
        """The calendar day (a DATE) of a DATE or timestamp expression."""
        raise NotImplementedError

    def day_key(self, expr: str) -> str:
        """The day of a timestamp as 'YYYY-MM-DD' text."""
        raise NotImplementedError

    def week_key(self, expr: str) -> str:
        """The Monday of a timestamp's week as 'YYYY-MM-DD' text."""
        raise NotImplementedError

    def month_key(self, expr: str) -> str:
        """'YYYY-MM' of a date or timestamp."""
        raise NotImplementedError

    def quarter_key(self, expr: str) -> str:
        """'YYYY-Qn' of a date or timestamp."""
        raise NotImplementedError

    def add_days(self, day_expr: str, days_expr: str) -> str:
        """A day plus a whole number of days (NULL when the number is NULL)."""
        raise NotImplementedError

    def days_between(self, later_expr: str, earlier_expr: str) -> str:
        """Whole days from the day of `earlier_expr` to the day of `later_expr`."""
        raise NotImplementedError

    def hours_between(self, later_expr: str, earlier_expr: str) -> str:
        """Hours (fractional) between two timestamps."""
        raise NotImplementedError

    def no_index(self, expr: str) -> str:
        """`expr` written so the planner will not pick an index on it (SQLite's unary +); as is elsewhere."""
        return expr

    def sort_key_no_index(self, expr: str) -> str:
        """An ORDER BY key that sorts like `expr` but keeps SQLite from walking `expr`'s index to avoid a sort."""
        return expr

    def fts_match(self, table: str, query: str, fts_query: str) -> tuple[str, list[str]]:
        """SQL selecting `fid, rank` (lower is better) of `table`'s rows matching every word of `query` as a prefix."""
        raise NotImplementedError

    def fts_text(self, expr: str) -> str:
        """An expression as it goes into a search table (folded the way `fts_match` folds the query)."""
        raise NotImplementedError

    # -- catalog (whole-database export, import and copy) -----------------------------------------
    def data_tables(self, session: Any) -> list[str]:
        """minicrm's tables holding data, sorted by name (no search tables, no Alembic's)."""
        raise NotImplementedError

    def columns(self, session: Any, table: str) -> tuple[list[str], list[str]]:
        """(columns in table order, primary-key columns)."""
        raise NotImplementedError

    def sequences(self, session: Any) -> dict[str, int]:
        """The last id given per table with an id sequence."""
        raise NotImplementedError

    def restore_sequences(self, session: Any, sequences: dict[str, int]) -> None:
        """Make every id sequence continue after `sequences` and after the ids present."""
        raise NotImplementedError

    def next_id(self, session: Any, table: str) -> int:
        """The id the next insert into `table` would get (bulk loads give ids themselves)."""
        raise NotImplementedError

    def ids_given(self, session: Any, table: str) -> None:
        """After inserting rows with explicit ids: let the table's id sequence continue past them."""

    def migration_engine(self, url: str) -> Any:
        """The SQLAlchemy engine Alembic migrates through (one transaction)."""
        from sqlalchemy import create_engine

        return create_engine(url)

    def check_migrated(self, conn: Any) -> None:
        """Checks to run after the migrations, before their commit (raise StoreError to roll back)."""

    def raw_column(self, column: str) -> str:
        """A column selected as stored (SQLite: `+col`, an expression, so sqlite3 skips the type converters)."""
        return column

    def defer_foreign_keys(self, session: Any) -> None:
        """Check foreign keys at the end of this transaction, not per statement (whole-database loads)."""
        raise NotImplementedError

    def foreign_key_problem(self, session: Any) -> str | None:
        """Check the deferred foreign keys now: a sentence naming the first broken one, or None."""
        raise NotImplementedError

    def plain_value(self, value: Any) -> Any:
        """A column value as the JSON export writes it (text dates, 0/1 booleans: the same on both backends)."""
        return value

    def typed_params(self, session: Any, table: str, columns: Sequence[str]) -> Callable[[Any], Any] | None:
        """For the JSON import: a converter of one row's values to what the column types accept (None: as is)."""
        return None


class _SQLite(Dialect):
    name = "sqlite"
    is_file = True
    false = 0

    def connect(self, path: Path, *, create: bool) -> sqlite3.Connection:
        import os

        from minicrm.paths import create_private_file

        if not path.exists():
            if not create:
                raise StoreError(f"no database at {path}")
            try:
                create_private_file(path)
            except OSError as exc:
                raise StoreError(f"cannot create database {path}: {exc.strerror}") from None
        try:
            conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                detect_types=sqlite3.PARSE_DECLTYPES,
                check_same_thread=False,
            )
            conn.row_factory = sqlite3.Row
            conn.create_function("minicrm_fts", 1, fold_yo, deterministic=True)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal" and os.access(path, os.W_OK):
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from None
        return conn

    def sql(self, text: str) -> str:
        return text

    def begin_write(self, conn: sqlite3.Connection) -> None:
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
            return StoreError("the database is read-only (check the file's permissions)")
        if "disk" in text and "full" in text:
            return StoreError("the disk is full: nothing was written")
        if "locked" in text or "busy" in text:
            return StoreError("the database is busy (another minicrm kept it locked too long); try again")
        return StoreError(f"database error: {text}")

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

    def sort_key_no_index(self, expr: str) -> str:
        return f"({expr} || '')"

    def fts_match(self, table: str, query: str, fts_query: str) -> tuple[str, list[str]]:
        return f"SELECT rowid AS fid, rank FROM {table} WHERE {table} MATCH ?", [fold_yo(fts_query) or ""]

    def fts_text(self, expr: str) -> str:
        return f"minicrm_fts({expr})"

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
            conn.create_function("minicrm_fts", 1, fold_yo, deterministic=True)

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def check_migrated(self, conn: Any) -> None:
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise StoreError(f"migration would break {len(broken)} foreign keys; rolled back")

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
            return f"{len(broken)} rows point at missing rows (first in table {broken[0][0]})"
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


class _Postgres(Dialect):
    name = "postgresql"
    is_file = False

    def connect(self, url: str) -> Any:
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'minicrm[postgres]'") from None
        libpq = url.replace("postgresql+psycopg://", "postgresql://", 1)
        try:
            return psycopg.connect(libpq, autocommit=True, row_factory=_pg_row_factory)
        except psycopg.Error as exc:
            message = mask_url(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
            raise StoreError(f"cannot connect to {mask_url(url)}: {message}") from None

    def sql(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s")

    def begin_write(self, conn: Any) -> None:
        # SQLite's BEGIN IMMEDIATE: one writer at a time (readers never wait), so the services'
        # read-then-write steps see the latest data on PostgreSQL too.
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def begin_snapshot(self, conn: Any) -> None:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def in_transaction(self, conn: Any) -> bool:
        from psycopg.pq import TransactionStatus

        return conn.info.transaction_status != TransactionStatus.IDLE

    def store_error(self, exc: Exception) -> MinicrmError | None:
        import psycopg

        if isinstance(exc, psycopg.DataError) and "NUL (0x00)" in str(exc):
            from minicrm.errors import BadInput

            return BadInput("the text holds a NUL character (\\x00), which the database cannot store")
        if not isinstance(
            exc, psycopg.OperationalError | psycopg.errors.ReadOnlySqlTransaction | psycopg.errors.DiskFull
        ):
            return None
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            return StoreError("the database is read-only (a read-only server or transaction)")
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return StoreError(f"database error: {mask_url(first)}")

    def day_of(self, expr: str) -> str:
        return f"CAST({expr} AS date)"

    def day_key(self, expr: str) -> str:
        return f"to_char({expr}, 'YYYY-MM-DD')"

    def week_key(self, expr: str) -> str:
        return f"to_char(date_trunc('week', {expr}), 'YYYY-MM-DD')"

    def month_key(self, expr: str) -> str:
        return f"to_char({expr}, 'YYYY-MM')"

    def quarter_key(self, expr: str) -> str:
        return f"to_char({expr}, 'YYYY-\"Q\"Q')"

    def add_days(self, day_expr: str, days_expr: str) -> str:
        return f"(CAST({day_expr} AS date) + ({days_expr}))"

    def days_between(self, later_expr: str, earlier_expr: str) -> str:
        return f"(CAST({later_expr} AS date) - CAST({earlier_expr} AS date))"

    def hours_between(self, later_expr: str, earlier_expr: str) -> str:
        return f"(extract(epoch from ({later_expr} - {earlier_expr})) / 3600.0)"

    def fts_match(self, table: str, query: str, fts_query: str) -> tuple[str, list[str]]:
        # minicrm_tsquery folds the words as the tsv column folds the text (migration 0002); only words count,
        # as in fts_query, so a control character (NUL, which PostgreSQL text cannot hold) is a separator
        words = " ".join(re.findall(r"\w+", query))
        return (
            f"SELECT rowid AS fid, -ts_rank(tsv, minicrm_tsquery(?)) AS rank FROM {table}"
            " WHERE tsv @@ minicrm_tsquery(?)",
            [words, words],
        )

    def fts_text(self, expr: str) -> str:
        return expr  # the generated tsv column folds it (unaccent maps ё to е)

    def data_tables(self, session: Any) -> list[str]:
        rows = session.all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        return [r[0] for r in rows if r[0] not in SEARCH_TABLES and r[0] != "alembic_version"]

    def columns(self, session: Any, table: str) -> tuple[list[str], list[str]]:
        columns = [
            r[0]
            for r in session.all(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name = ? ORDER BY ordinal_position",
                (table,),
            )
        ]
        pk = [
            r[0]
            for r in session.all(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary"
                " ORDER BY array_position(i.indkey, a.attnum)",
                (f'"{table}"',),
            )
        ]
        return columns, pk or columns

    def _id_tables(self, session: Any) -> list[tuple[str, str]]:
        rows = session.all(
            "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id') AS seq"
            " FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'id'"
            " ORDER BY table_name"
        )
        return [(r[0], r[1]) for r in rows if r[1] and r[0] not in SEARCH_TABLES]

    def sequences(self, session: Any) -> dict[str, int]:
        out = {}
        for table, seq in self._id_tables(session):
            row = session.one(f"SELECT last_value, is_called FROM {seq}")
            if row[1]:
                out[table] = row[0]
        return out

    def restore_sequences(self, session: Any, sequences: dict[str, int]) -> None:
        for table, seq in self._id_tables(session):
            top = session.scalar(f'SELECT max(id) FROM "{table}"') or 0
            last = max(int(sequences.get(table) or 0), top)
            session.execute("SELECT setval(?, ?, ?)", (seq, max(last, 1), last > 0))

    def next_id(self, session: Any, table: str) -> int:
        seq = session.scalar("SELECT pg_get_serial_sequence(?, 'id')", (table,))
        row = session.one(f"SELECT last_value, is_called FROM {seq}")
        top = session.scalar(f'SELECT max(id) FROM "{table}"') or 0
        return max(row[0] if row[1] else row[0] - 1, top) + 1

    def ids_given(self, session: Any, table: str) -> None:
        top = f'(SELECT max(id) FROM "{table}")'
        session.execute(f"SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce({top}, 0) + 1, false)", (table,))

    def defer_foreign_keys(self, session: Any) -> None:
        session.execute("SET CONSTRAINTS ALL DEFERRED")  # every foreign key is DEFERRABLE (migration 0005)

    def foreign_key_problem(self, session: Any) -> str | None:
        import psycopg

        try:
            session.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except psycopg.errors.ForeignKeyViolation as exc:
            detail = (exc.diag.message_detail or "").strip()
            return f"rows point at missing rows (first in table {exc.diag.table_name}: {detail})"
        return None

    def plain_value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, datetime):
            return value.isoformat(" ", "seconds")  # as SQLite stores it
        if isinstance(value, date):
            return value.isoformat()
        return value

    def typed_params(self, session: Any, table: str, columns: Sequence[str]) -> Callable[[Any], Any] | None:
        types = {
            r[0]: r[1]
            for r in session.all(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?",
                (table,),
            )
        }
        booleans = [i for i, c in enumerate(columns) if types.get(c) == "boolean"]
        if not booleans:
            return None

        def convert(values: Any) -> tuple:
            out = list(values)
            for i in booleans:
                if out[i] is not None:
                    out[i] = bool(out[i])
            return tuple(out)

        return convert


SQLITE: Dialect = _SQLite()
POSTGRES: Dialect = _Postgres()


def for_target(target: str) -> tuple[Dialect, str, Path | None]:
    """(dialect, SQLAlchemy URL, file path or None) of a database file path or URL."""
    if target.startswith("sqlite://"):
        target = target.split("sqlite:///", 1)[-1] if target.startswith("sqlite:///") else ":memory:"
    if "://" in target:
        scheme, _, rest = target.partition("://")
        if scheme not in POSTGRES_SCHEMES:
            raise StoreError(
                f"unsupported database URL '{mask_url(target)}' (a file path, sqlite:///PATH or"
                " postgresql+psycopg://USER@HOST/DB)"
            )
        return POSTGRES, f"postgresql+psycopg://{rest}", None
    path = Path(target).expanduser()
    return SQLITE, f"sqlite:///{path}", path
