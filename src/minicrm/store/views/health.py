"""What `minicrm doctor` says about a database: its schema revision against this code's, its size, its records.

Reads only: it never creates, migrates or writes the database it looks at.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from minicrm.store.core.db import Database, Session
from minicrm.store.core.migrate import KNOWN_REVISIONS, SCHEMA_HEAD, current_revision

#: The records counted, in the order shown.
COUNTED = (
    ("contacts", "contact"),
    ("companies", "company"),
    ("interactions", "interaction"),
    ("deals", "deal"),
    ("tasks", "task"),
)


@dataclass
class DatabaseHealth:
    revision: str | None  # alembic_version, None for an empty (or foreign) database
    schema_head: str  # the revision this minicrm writes
    #: current | older (upgraded on next use, after a backup) | newer (upgrade minicrm) | empty | foreign
    schema: str
    size_bytes: int
    read_only: str | None  # why writes will fail, when they will
    records: dict[str, int] = field(default_factory=dict)
    foreign_tables: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def database_health(database: Database, session: Session) -> DatabaseHealth:
    """The schema, size and record counts of `database` (`session` is connected to it)."""
    read_only = database.dialect.read_only_reason(database.path) if database.path is not None else None
    revision = current_revision(session)
    foreign: list[str] = []
    if revision is None:
        foreign = session.dialect.data_tables(session)
        schema = "foreign" if foreign else "empty"
    elif revision == SCHEMA_HEAD:
        schema = "current"
    elif revision in KNOWN_REVISIONS:
        schema = "older"
    else:
        schema = "newer"
    records: dict[str, int] = {}
    if schema in ("current", "older"):
        for label, table in COUNTED:
            records[label] = int(session.scalar(f"SELECT count(*) FROM {table}"))
    return DatabaseHealth(
        revision=revision,
        schema_head=SCHEMA_HEAD,
        schema=schema,
        size_bytes=session.dialect.database_size(session),
        read_only=read_only,
        records=records,
        foreign_tables=foreign[:10],
    )
