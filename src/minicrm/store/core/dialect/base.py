"""The dialect interface, the row type both backends return, and what the two share (constants, URL masking)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from minicrm.errors import MinicrmError

BUSY_TIMEOUT_MS = 15_000
#: PostgreSQL advisory lock taken by every write transaction ("minicrm" in ASCII, as a number).
WRITE_LOCK_KEY = 0x6D696E69_63726D
POSTGRES_SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")
#: Full-text tables (SQLite FTS5 virtual tables; plain tables with a tsvector on PostgreSQL).
SEARCH_TABLES = ("contact_fts", "company_fts", "interaction_fts")
#: Russian ё is written е by most people: the search folds both (FTS5 `remove_diacritics` keeps ё). Ukrainian
#: writers type the apostrophe as ', ’ or ʼ; FTS5 splits words at the first two but keeps ʼ (a letter) inside one.
_FOLDS = str.maketrans({"ё": "е", "Ё": "Е", "ʼ": "'"})


def fold_search(text: str | None) -> str | None:
    """The text as the SQLite search tables hold it (and the query is folded the same way)."""
    return text.translate(_FOLDS) if text else text


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


def mask_url(url: str) -> str:
    """Hide the password of a database URL for every message we print."""
    url = re.sub(r"(://[^:/@\s]+:)[^/\s]*@", r"\1***@", url)  # the userinfo ends before the path
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
        """Open the one-writer transaction (readers never wait); a StoreError on a database opened read-only."""
        raise NotImplementedError

    def read_only_reason(self, path: Path) -> str | None:
        """Why the database file at `path` can be read but not written (a file database only), else None."""
        return None

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

    def indexed_by(self, index: str) -> str:
        """After a table in FROM: look rows up through `index` whatever the statistics say (SQLite's INDEXED BY).

        For probes keyed on a column that may be NULL everywhere (tasks without a company): after ANALYZE, SQLite
        would scan the whole table once per probe. Empty elsewhere (PostgreSQL's estimates keep the index).
        """
        return ""

    def skip_locked(self, alias: str) -> str:
        """After a SELECT inside a write transaction: lock the rows read of `alias` (only: a joined table may not be
        writable) and pass over rows another transaction holds. PostgreSQL's `FOR UPDATE OF alias SKIP LOCKED`;
        empty on SQLite, whose `BEGIN IMMEDIATE` admits one writer."""
        return ""

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
    def database_size(self, session: Any) -> int:
        """Bytes the database takes (`minicrm doctor`): the SQLite file's pages, PostgreSQL's database."""
        raise NotImplementedError

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

    # -- database logins (PostgreSQL's roles, #21; a file database has none) ----------------------------
    def current_login(self, session: Any) -> tuple[str, bool] | None:
        """(the connection's login role, whether it owns minicrm's tables); None where there are no logins."""
        return None

    def rights_prefix(self, session: Any) -> str | None:
        """The prefix of the group roles the server's access rights use (migration 0012), None without them."""
        return None

    def login_exists(self, session: Any, login: str) -> bool:
        """Whether a login role of that name exists on the server."""
        raise NotImplementedError

    def create_login(self, session: Any, login: str, password: str) -> None:
        """Create a login role with this password (inside the current transaction)."""
        raise NotImplementedError

    def set_member(self, session: Any, login: str, group: str, member: bool, *, admin: bool = False) -> None:
        """Grant (with ADMIN OPTION when `admin`) or revoke membership of `login` in the group role `group`."""
        raise NotImplementedError

    def set_login_rights(
        self, session: Any, login: str, *, can_login: bool | None = None, create_role: bool | None = None
    ) -> None:
        """LOGIN/NOLOGIN and CREATEROLE/NOCREATEROLE of a login role (None: unchanged)."""
        raise NotImplementedError
