"""typed custom fields, and interactions with a company itself

From 0017:
- `field_definition` names the typed custom fields (text, number, date, choice) of contacts or companies;
- `contact_field` and `company_field` gain `value_key` (the value folded: case- and accent-blind, for text
  comparisons) and `number` (a number field's value, compared and binned in SQL), each indexed with the key.
  This upgrade fills `value_key` for every stored value; no field is typed yet, so `number` stays empty;
- `interaction.contact_id` may be NULL: an interaction logged with a company and no person
  (`log --company`), whose `company_id` says whose it is;
- `company.last_interaction_at` keeps the newest such interaction with the company itself (its contacts' are on
  them), so a company's silence counts it. Empty after the upgrade: no such interaction existed.

No row is added or removed. On SQLite the interaction table is rebuilt to drop its NOT NULL (AUTOINCREMENT kept,
so ids are never reused). On PostgreSQL with the rights of 0012 set up, every group reads `field_definition` and
heads and admins write it (like segments), and a manager sees an interaction with a company alone when they see
the company (before, only through its contact).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELD_TABLES = ("contact_field", "company_field")


_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """store.core.text.fold as it stands at 0017: casefold, strip combining marks, apostrophes as ', spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def upgrade() -> None:
    op.create_table(
        "field_definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("choices", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_field_definition_entity_name", "field_definition", ["entity", "name"], unique=True)
    bind = op.get_bind()
    for table in FIELD_TABLES:
        op.add_column(table, sa.Column("value_key", sa.String(), nullable=True))
        op.add_column(table, sa.Column("number", sa.Float(), nullable=True))
        values = [row[0] for row in bind.execute(sa.text(f"SELECT DISTINCT value FROM {table}"))]
        update = sa.text(f"UPDATE {table} SET value_key = :key WHERE value = :value")
        for start in range(0, len(values), 1000):
            bind.execute(update, [{"key": fold(v), "value": v} for v in values[start : start + 1000]])
        op.create_index(f"ix_{table}_key_value_key", table, ["key", "value_key"])
        op.create_index(f"ix_{table}_key_number", table, ["key", "number"])
    op.add_column("company", sa.Column("last_interaction_at", sa.DateTime(timezone=False), nullable=True))
    with op.batch_alter_table("interaction", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column("contact_id", existing_type=sa.Integer(), nullable=True)
    if bind.dialect.name == "postgresql":
        rights(bind)


#: The manager's rule on `interaction` from here on: through its contact, or its company for one with it alone.
INTERACTION_RULE = (
    "contact_id IN (SELECT id FROM contact) OR (contact_id IS NULL AND company_id IN (SELECT id FROM company))"
)


def rights(bind: sa.engine.Connection) -> None:
    """Grants on the new table and the interaction policy, where 0012 set the rights up (meta.role_prefix)."""
    prefix = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'role_prefix'")).scalar()
    if not prefix:
        return
    group = {role: f'"{prefix}_{role}"' for role in ("admin", "head", "manager", "viewer")}
    op.execute(f"GRANT SELECT ON field_definition TO {', '.join(group.values())}")
    op.execute(f"GRANT INSERT, UPDATE, DELETE ON field_definition TO {group['admin']}, {group['head']}")
    op.execute('DROP POLICY IF EXISTS minicrm_own ON "interaction"')
    op.execute(f'CREATE POLICY minicrm_own ON "interaction" TO {group["manager"]} USING ({INTERACTION_RULE})'
               f" WITH CHECK ({INTERACTION_RULE})")  # fmt: skip


def downgrade() -> None:
    """Interactions with a company alone go (a person is required again); the typed definitions go."""
    op.execute("DELETE FROM interaction WHERE contact_id IS NULL")
    with op.batch_alter_table("interaction", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.alter_column("contact_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("last_interaction_at")
    for table in reversed(FIELD_TABLES):
        op.drop_index(f"ix_{table}_key_number", table_name=table)
        op.drop_index(f"ix_{table}_key_value_key", table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("number")
            batch_op.drop_column("value_key")
    op.drop_index("ix_field_definition_entity_name", table_name="field_definition")
    op.drop_table("field_definition")
