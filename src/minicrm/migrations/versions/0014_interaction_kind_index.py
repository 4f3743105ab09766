"""an index of interactions by kind: the orders `report lost` counts as purchases

`report lost` (#20) counts an interaction of the kind `order` as a purchase: it reads every order's day and
client. `interaction(kind, happened_at, company_id, contact_id)` gives them from a range of the index alone,
instead of reading the whole interaction table (a million rows on a big database). No row is changed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_interaction_kind_at", "interaction", ["kind", "happened_at", "company_id", "contact_id"])


def downgrade() -> None:
    op.drop_index("ix_interaction_kind_at", table_name="interaction")
