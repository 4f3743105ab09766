"""postal addresses in parts (street, city, region, postcode, country) and the family name of a contact

From 0007 `contact.address` is the street part of the address and the city, region, postcode and country
have columns of their own (companies had city, region and country; they gain the postcode), so an address
book's ADR or Outlook's Business City comes in and goes out in its parts. `contact.family_name` keeps which
part of the name is the family name when a file said so (vCard N, a ФИО column), so "Иванов Иван Иванович"
is exported as N:Иванов;Иван;Иванович.

No row is added, removed or rewritten: an address stored before is one text, and it stays whole, in the street
part (splitting "12 Main St, Springfield, 62701" at its commas would guess, and a wrong guess loses nothing
less than a right one gains). Only new columns, all nullable: a quick ALTER TABLE on both backends.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTACT_COLUMNS = ("city", "region", "postcode", "country", "family_name")


def upgrade() -> None:
    for name in CONTACT_COLUMNS:
        op.add_column("contact", sa.Column(name, sa.String(), nullable=True))
    op.add_column("company", sa.Column("postcode", sa.String(), nullable=True))


def downgrade() -> None:
    """The parts go; the street stays in `address`."""
    with op.batch_alter_table("contact") as batch_op:
        for name in reversed(CONTACT_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("company") as batch_op:
        batch_op.drop_column("postcode")
