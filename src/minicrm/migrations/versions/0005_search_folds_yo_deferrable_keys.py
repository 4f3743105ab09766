"""search folds Russian ё to е on SQLite; foreign keys deferrable on PostgreSQL

SQLite's FTS5 `remove_diacritics` leaves Cyrillic ё as it is, so `елка` did not find "Ёлка" (PostgreSQL's
`unaccent` folds it). From 0005 the text put into the SQLite search tables has ё written е (the query is
folded the same way), so both backends give the same hits; this migration re-indexes the existing rows.

On PostgreSQL every foreign key becomes DEFERRABLE (INITIALLY IMMEDIATE, so nothing changes for ordinary
writes), so a whole-database load (`import json`, `restore`) can check them at the end, as SQLite's
`PRAGMA defer_foreign_keys` does.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_YO = str.maketrans({"ё": "е", "Ё": "Е"})


def _fold(text):  # as store.dialect.fold_yo at 0005, copied so a later change cannot change this upgrade
    return text.translate(_YO) if text else text


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rows = bind.exec_driver_sql(
            "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c"
            " JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE c.contype = 'f' AND NOT c.condeferrable AND n.nspname = current_schema()"
        ).fetchall()
        for table, name in rows:
            bind.exec_driver_sql(f'ALTER TABLE {table} ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE')
        return
    sqlite = bind.connection.driver_connection
    assert sqlite is not None  # the open connection Alembic runs upgrade() on has its sqlite3 connection
    sqlite.create_function("minicrm_fold_0005", 1, _fold, deterministic=True)
    for table, columns in (
        ("contact_fts", ("name", "emails", "phones", "company", "notes", "tags")),
        ("company_fts", ("name", "industry", "city", "website", "notes", "tags")),
        ("interaction_fts", ("summary", "body")),
    ):
        names = ", ".join(columns)
        folded = ", ".join(f"minicrm_fold_0005({c})" for c in columns)
        has_yo = " OR ".join(f"instr({c}, 'ё') OR instr({c}, 'Ё')" for c in columns)
        rows = bind.exec_driver_sql(f"SELECT rowid, {folded} FROM {table} WHERE {has_yo}").fetchall()
        for row in rows:
            bind.exec_driver_sql(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
            marks = ", ".join("?" * (len(columns) + 1))
            bind.exec_driver_sql(f"INSERT INTO {table} (rowid, {names}) VALUES ({marks})", tuple(row))


def downgrade() -> None:
    pass  # folded search text finds what it found before; deferrable keys behave as before
