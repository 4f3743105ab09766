"""store the next-contact day that a cadence implies for every contact that has none

From 0004 on, `due`, `forgotten`, the feed and the dashboard read only `contact.next_contact_on` (indexed);
databases made before kept some cadence-derived days implicit. `ix_contact_next` gains `archived`, so the
due backlog is counted from the index alone; indexes for the pipeline (probability), lost deals and one-off dates.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The cadence rule as it stands at 0004 (store.cadence.EFFECTIVE_CADENCE_SQL), written out so that a later
# change to the rule cannot change what this migration does: most specific wins (contact, tags, company, default).
CADENCE = (
    "COALESCE(NULLIF(c.cadence_days, 0),"
    " (SELECT min(r.days) FROM contact_tag t JOIN cadence_rule r ON r.scope = 'tag:' || t.tag"
    "  WHERE t.contact_id = c.id),"
    " (SELECT r.days FROM cadence_rule r WHERE r.scope = 'company:' || c.company_id),"
    " (SELECT NULLIF(co.cadence_days, 0) FROM company co WHERE co.id = c.company_id),"
    " (SELECT r.days FROM cadence_rule r WHERE r.scope = 'default'))"
)
SINCE = "COALESCE(c.last_interaction_at, c.created_at)"
NEXT_DAY = {  # last contact (or creation) + cadence, per dialect
    "sqlite": f"date(date({SINCE}), '+' || ({CADENCE}) || ' days')",
    "postgresql": f"(CAST(CAST({SINCE} AS date) AS date) + ({CADENCE}))",
}


def upgrade() -> None:
    op.execute(
        f"UPDATE contact AS c SET next_contact_on = {NEXT_DAY[op.get_bind().dialect.name]}, next_contact_auto = TRUE"
        f" WHERE c.next_contact_on IS NULL AND {CADENCE} IS NOT NULL"
    )
    op.drop_index("ix_contact_next", table_name="contact")
    op.create_index("ix_contact_next", "contact", ["next_contact_on", "archived"])
    op.drop_index("ix_deal_stage_currency_amount", table_name="deal")
    op.create_index("ix_deal_stage_currency_amount", "deal", ["stage_id", "currency", "amount_minor", "probability"])
    op.create_index("ix_deal_lost_on", "deal", ["lost_on"])
    op.create_index("ix_contact_date_yearly_value", "contact_date", ["yearly", "value"])


def downgrade() -> None:
    """The stored days stay (they are the ones the cadences implied); the index goes back."""
    op.drop_index("ix_contact_date_yearly_value", table_name="contact_date")
    op.drop_index("ix_deal_lost_on", table_name="deal")
    op.drop_index("ix_deal_stage_currency_amount", table_name="deal")
    op.create_index("ix_deal_stage_currency_amount", "deal", ["stage_id", "currency", "amount_minor"])
    op.drop_index("ix_contact_next", table_name="contact")
    op.create_index("ix_contact_next", "contact", ["next_contact_on"])
