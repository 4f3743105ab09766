"""interaction kinds say whether they count as contact with the client; `note` does not

From 0006 an interaction of an internal kind (`interaction_kind.internal`, `note` out of the box) is kept in
the timeline but is not contact with the client: it does not move `contact.last_interaction_at`, the
cadence-derived next-contact day or the forgotten list. Before, a note moved them like a call. This upgrade
gives every contact whose stored last contact came from an internal interaction (one at or after it) the
newest non-internal one instead (NULL when there is none: silence then counts from its creation), and moves
the cadence-derived (`next_contact_auto`) day with it; next days set by hand stay. No row is added or removed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The rules as they stand at 0006 (store.people.cadence.EFFECTIVE_CADENCE_SQL, store.people.interactions),
# written out so that a later change to the code cannot change what this migration does.
CADENCE = (
    "COALESCE(NULLIF(c.cadence_days, 0),"
    " (SELECT min(r.days) FROM contact_tag t JOIN cadence_rule r ON r.scope = 'tag:' || t.tag"
    "  WHERE t.contact_id = c.id),"
    " (SELECT r.days FROM cadence_rule r WHERE r.scope = 'company:' || c.company_id),"
    " (SELECT NULLIF(co.cadence_days, 0) FROM company co WHERE co.id = c.company_id),"
    " (SELECT r.days FROM cadence_rule r WHERE r.scope = 'default'))"
)
#: The newest interaction with the client of contact `c` (NULL when it only has internal ones, or none).
LAST_CONTACT = (
    "(SELECT max(i.happened_at) FROM interaction i JOIN interaction_kind k ON k.name = i.kind"
    " WHERE i.contact_id = c.id AND k.internal = FALSE)"
)
SINCE = f"COALESCE({LAST_CONTACT}, c.created_at)"
NEXT_DAY = {  # new last contact (or creation) + cadence, per dialect
    "sqlite": f"date(date({SINCE}), '+' || ({CADENCE}) || ' days')",
    "postgresql": f"(CAST({SINCE} AS date) + ({CADENCE}))",
}
#: Contact `c`'s stored last contact is an internal interaction's (or older than one): it must be recomputed.
MOVED_BY_INTERNAL = (
    "EXISTS (SELECT 1 FROM interaction i JOIN interaction_kind k ON k.name = i.kind"
    " WHERE i.contact_id = c.id AND k.internal = TRUE AND i.happened_at >= c.last_interaction_at)"
)


def upgrade() -> None:
    op.add_column("interaction_kind", sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE interaction_kind SET internal = TRUE WHERE name = 'note'")
    next_day = NEXT_DAY[op.get_bind().dialect.name]
    # One statement: every SET expression reads the row as it was, so the new day is computed from the new
    # last contact directly. A cadence-derived day follows it (or goes, if no cadence applies any more).
    op.execute(
        f"UPDATE contact AS c SET last_interaction_at = {LAST_CONTACT},"
        " next_contact_on = CASE WHEN c.next_contact_auto = TRUE"
        f" THEN (CASE WHEN {CADENCE} IS NULL THEN NULL ELSE {next_day} END) ELSE c.next_contact_on END,"
        f" next_contact_auto = (c.next_contact_auto = TRUE AND {CADENCE} IS NOT NULL)"
        f" WHERE c.last_interaction_at IS NOT NULL AND {MOVED_BY_INTERNAL}"
    )


def downgrade() -> None:
    """The recomputed last contacts stay (the notes did not count as contact); the column goes."""
    with op.batch_alter_table("interaction_kind") as batch_op:
        batch_op.drop_column("internal")
