"""deal values stored per contact and company, and the indexes `forgotten` walks

From 0008 `contact.deal_value_minor` and `company.deal_value_minor` hold the won + open deal amount of that
contact (company): `sum(deal.amount_minor)` over its deals in a won or open stage, NULL when it has none. Every
deal write keeps them (store.sales.deal_values). `forgotten` ranks by value x days silent: with the value
stored and indexed it walks the most valuable rows first and stops, instead of adding up every deal of every
contact and company on each run.

New indexes: the two values; `contact(company_id, last_interaction_at, archived, next_contact_on, created_at)`:
a company's last contact and its contacts' next-contact days, and the count of the silent contacts, read from
the index alone; `contact(created_at)`, the longest anyone can have been silent. `deal(next_step_on)` becomes
`deal(next_step_on, stage_id, contact_id, company_id)`: the open steps planned from a day on, and whose they
are, read from the index alone (remind counts them). This upgrade fills the values from the deals; no other row
is changed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule as it stands at 0008 (store.sales.deal_values.VALUE_SQL), written out so that a later change to the
# code cannot change what this migration does.
VALUE = (
    "(SELECT sum(d.amount_minor) FROM deal d WHERE d.{column} = o.id"
    " AND d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome IN ('won', 'open')))"
)


def upgrade() -> None:
    for table, column in (("contact", "contact_id"), ("company", "company_id")):
        op.add_column(table, sa.Column("deal_value_minor", sa.BigInteger(), nullable=True))
        op.execute(
            f"UPDATE {table} AS o SET deal_value_minor = {VALUE.format(column=column)}"
            f" WHERE o.id IN (SELECT d.{column} FROM deal d)"
        )
        op.create_index(f"ix_{table}_deal_value", table, ["deal_value_minor"])
    op.create_index("ix_contact_company_last", "contact",
                    ["company_id", "last_interaction_at", "archived", "next_contact_on", "created_at"])  # fmt: skip
    op.create_index("ix_contact_created_at", "contact", ["created_at"])
    op.create_index("ix_deal_next_step", "deal", ["next_step_on", "stage_id", "contact_id", "company_id"])
    op.drop_index("ix_deal_next_step_on", table_name="deal")


def downgrade() -> None:
    op.create_index("ix_deal_next_step_on", "deal", ["next_step_on"])
    op.drop_index("ix_deal_next_step", table_name="deal")
    op.drop_index("ix_contact_created_at", table_name="contact")
    op.drop_index("ix_contact_company_last", table_name="contact")
    for table in ("company", "contact"):
        op.drop_index(f"ix_{table}_deal_value", table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("deal_value_minor")
