"""a manager again sees and logs the interactions of their companies that have no person

0017 let an interaction belong to a company alone and gave managers a policy on `interaction` that allows it;
0018 then rewrote every detail table's manager policy as `EXISTS (... contact ...)` for speed, and with it
dropped the company half, so `log --company` by a manager was refused on PostgreSQL. This revision writes the
interaction policy once more, in 0018's EXISTS form, with both halves. Nothing changes on SQLite.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RULE = (
    "EXISTS (SELECT 1 FROM contact p WHERE p.id = interaction.contact_id)"
    " OR (interaction.contact_id IS NULL AND EXISTS (SELECT 1 FROM company p WHERE p.id = interaction.company_id))"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    roles = bind.execute(
        sa.text(
            "SELECT array_to_string(roles, ',') FROM pg_policies WHERE schemaname = current_schema()"
            " AND tablename = 'contact' AND policyname = 'minicrm_own'"
        )
    ).scalar()
    if not roles or not roles.endswith("_manager"):
        return  # no rights set up (0012 skipped them)
    manager = f'"{roles.removesuffix("_manager")}_manager"'
    op.execute('DROP POLICY IF EXISTS minicrm_own ON "interaction"')
    op.execute(f'CREATE POLICY minicrm_own ON "interaction" TO {manager} USING ({RULE}) WITH CHECK ({RULE})')


def downgrade() -> None:
    pass  # the policy with both halves is as right for 0018's schema
