"""search folds the Ukrainian apostrophe ʼ to ' on SQLite

Ukrainian writers type the apostrophe of `Марʼяна` as ', ’ or ʼ (U+02BC, what the Ukrainian keyboard layout
gives). FTS5 splits words at ' and ’ but reads ʼ as a letter, so `мар'яна` did not find "Марʼяна" on SQLite
(PostgreSQL's parser splits at all three). From 0011 the text put into the SQLite search tables has ʼ written '
(the query is folded the same way); this migration re-indexes the existing rows that hold one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APOSTROPHE = str.maketrans({"ʼ": "'"})


def _fold(text):  # as store.dialect.fold_search at 0011 (ё was folded by 0005), copied so it cannot change
    return text.translate(_APOSTROPHE) if text else text


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    sqlite = bind.connection.driver_connection
    assert sqlite is not None  # the open connection Alembic runs upgrade() on has its sqlite3 connection
    sqlite.create_function("minicrm_fold_0011", 1, _fold, deterministic=True)
    for table, columns in (
        ("contact_fts", ("name", "emails", "phones", "company", "notes", "tags")),
        ("company_fts", ("name", "industry", "city", "website", "notes", "tags")),
        ("interaction_fts", ("summary", "body")),
    ):
        names = ", ".join(columns)
        folded = ", ".join(f"minicrm_fold_0011({c})" for c in columns)
        has_it = " OR ".join(f"instr({c}, 'ʼ')" for c in columns)
        rows = bind.exec_driver_sql(f"SELECT rowid, {folded} FROM {table} WHERE {has_it}").fetchall()
        marks = ", ".join("?" * (len(columns) + 1))
        for row in rows:
            bind.exec_driver_sql(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
            bind.exec_driver_sql(f"INSERT INTO {table} (rowid, {names}) VALUES ({marks})", tuple(row))


def downgrade() -> None:
    pass  # folded search text finds what it found before
