"""store the next-contact day that a cadence implies for every contact that has none

From 0004 on, `due`, `forgotten`, the feed and the dashboard read only `contact.next_contact_on` (indexed);
databases made before kept some cadence-derived days implicit. Data only: no table changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from types import SimpleNamespace

from alembic import op

from minicrm.store.cadence import EFFECTIVE_CADENCE_SQL, cadence_date_sql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = SimpleNamespace(dialect=op.get_bind().dialect.name)  # what the SQL helpers look at
    op.execute(
        f"UPDATE contact AS c SET next_contact_on = {cadence_date_sql(dialect)}, next_contact_auto = TRUE"
        f" WHERE c.next_contact_on IS NULL AND {EFFECTIVE_CADENCE_SQL} IS NOT NULL"
    )


def downgrade() -> None:
    """Nothing to undo: the stored days are the ones the cadences implied."""
