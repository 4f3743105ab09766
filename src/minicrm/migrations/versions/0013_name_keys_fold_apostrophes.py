"""name keys fold the Ukrainian apostrophes ’ and ʼ to '

`contact Мар'яна` did not find "Марʼяна Коваль": the name key (REF look-up, uniqueness of company, user, segment
and campaign names) kept whichever apostrophe the name was typed with. From 0013 `store.core.text.fold` writes all
three as '; this migration recomputes the keys of the rows whose name holds ’ or ʼ. Where two companies (users,
segments, campaigns) would then share a key, the newer keeps its old key, so no row is lost or merged.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
_TABLES = (("contact", False), ("company", True), ("app_user", True), ("saved_segment", True), ("campaign", True))


def _fold(text: str) -> str:  # store.core.text.fold at 0013, copied so a later change cannot change this upgrade
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def upgrade() -> None:
    bind = op.get_bind()
    for table, unique in _TABLES:
        rows = bind.execute(
            sa.text(f"SELECT id, name FROM {table} WHERE name LIKE :a OR name LIKE :b ORDER BY id"),
            {"a": "%’%", "b": "%ʼ%"},
        ).fetchall()
        for row_id, name in rows:
            key = {"key": _fold(name), "id": row_id}
            taken = sa.text(f"SELECT 1 FROM {table} WHERE name_key = :key AND id <> :id")
            if unique and bind.execute(taken, key).first():
                continue
            bind.execute(sa.text(f"UPDATE {table} SET name_key = :key WHERE id = :id"), key)


def downgrade() -> None:
    pass  # the folded keys find what the old ones found
