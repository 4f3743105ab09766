"""Copy a whole database to another backend (SQLite <-> PostgreSQL), verified by row counts.

Runs rarely, so it may load the schema (SQLAlchemy) to get the tables in foreign-key order.
"""

from __future__ import annotations

from dataclasses import dataclass

from minicrm.errors import Conflict
from minicrm.i18n import _
from minicrm.store.core.db import Database, Session
from minicrm.store.core.migrate import ensure_schema
from minicrm.store.people import search

BATCH = 2000


@dataclass
class Copied:
    table: str
    source: int
    target: int


def _tables() -> list[str]:
    from sqlmodel import SQLModel

    import minicrm.store.core.schema  # noqa: F401  (registers the tables)

    return [t.name for t in SQLModel.metadata.sorted_tables]


#: Tables that hold the user's data (a new database has seeded stages, kinds and meta, nothing here).
DATA_TABLES = ("app_user", "company", "contact", "interaction", "deal", "task", "campaign", "service_request")


def _data_rows(session: Session, tables: list[str]) -> int:
    return sum(session.scalar(f'SELECT count(*) FROM "{t}"') for t in tables if t in DATA_TABLES)


def copy_database(source: Database, target: Database) -> list[Copied]:
    """Copy every row of `source` into the empty `target` (created and migrated if needed), in one transaction."""
    tables = _tables()
    src = source.connect(create=False)
    dst = target.connect()
    try:
        ensure_schema(source, src)
        ensure_schema(target, dst)
        if _data_rows(dst, tables):
            raise Conflict(
                _("{label} already holds data; migrate-to copies into an empty database only").format(
                    label=target.label
                )
            )
        with dst.write():
            for table in tables:
                dst.execute(f'DELETE FROM "{table}"')  # the seeded stages, kinds and meta come from the source
                cursor = src.execute(f'SELECT * FROM "{table}"')
                names = [d[0] for d in cursor.description]
                columns = ", ".join(f'"{n}"' for n in names)
                marks = ", ".join("?" * len(names))
                while rows := cursor.fetchmany(BATCH):
                    values = [tuple(r) for r in rows]
                    dst.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', values)
            dst.dialect.restore_sequences(dst, src.dialect.sequences(src))
        search.rebuild(dst)
        report = [
            Copied(t, src.scalar(f'SELECT count(*) FROM "{t}"'), dst.scalar(f'SELECT count(*) FROM "{t}"'))
            for t in tables
        ]
        broken = [c.table for c in report if c.source != c.target]
        if broken:
            raise Conflict(_("row counts differ after the copy in: {tables}").format(tables=", ".join(broken)))
        return report
    finally:
        src.close()
        dst.close()
