"""Everything that differs between SQLite and PostgreSQL, in this one package (a test keeps it that way).

The service layer writes one SQL text with `?` placeholders and asks the session's `dialect` for the few
fragments that cannot be written portably: the day of a timestamp, days between two, month/quarter/week
keys, full-text matching, index hints. The session asks it how to connect, how to open the one-writer
transaction, how to classify a server error, and how to read the catalog (tables, columns, id sequences)
for the whole-database export, import and copy. Rows are one type on both backends: by name and by
position (`sqlite3.Row` on SQLite, `base.Row` on PostgreSQL).

Nothing outside this package compares backend names; ask for a fragment or a capability instead.

`base` holds the interface and the row type, `sqlite` and `postgres` the two implementations; this module
picks one for a database target.
"""

from __future__ import annotations

from pathlib import Path

from minicrm.errors import StoreError
from minicrm.i18n import _
from minicrm.store.core.dialect.base import (
    BUSY_TIMEOUT_MS,
    POSTGRES_SCHEMES,
    SEARCH_TABLES,
    WRITE_LOCK_KEY,
    Dialect,
    Row,
    fold_search,
    mask_url,
)
from minicrm.store.core.dialect.postgres import PostgresDialect
from minicrm.store.core.dialect.sqlite import SQLiteDialect

__all__ = [
    "BUSY_TIMEOUT_MS",
    "POSTGRES",
    "SEARCH_TABLES",
    "SQLITE",
    "WRITE_LOCK_KEY",
    "Dialect",
    "Row",
    "fold_search",
    "for_target",
    "mask_url",
]

SQLITE: Dialect = SQLiteDialect()
POSTGRES: Dialect = PostgresDialect()


def for_target(target: str) -> tuple[Dialect, str, Path | None]:
    """(dialect, SQLAlchemy URL, file path or None) of a database file path or URL."""
    if target.startswith("sqlite://"):
        target = target.split("sqlite:///", 1)[-1] if target.startswith("sqlite:///") else ":memory:"
    if "://" in target:
        scheme, _sep, rest = target.partition("://")
        if scheme not in POSTGRES_SCHEMES:
            raise StoreError(
                _(
                    "unsupported database URL '{url}' (a file path, sqlite:///PATH or"
                    " postgresql+psycopg://USER@HOST/DB)"
                ).format(url=mask_url(target))
            )
        return POSTGRES, f"postgresql+psycopg://{rest}", None
    path = Path(target).expanduser()
    return SQLITE, f"sqlite:///{path}", path
