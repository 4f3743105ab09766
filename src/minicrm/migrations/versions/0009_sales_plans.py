"""sales plans: targets per user (or for the team) and period

From 0009 `sales_plan` holds what `minicrm plan set` records: for one user (or the whole team, `user_id` NULL)
and one calendar month, quarter or year, the targets for revenue (in one currency), deals won, new clients,
calls, meetings and interactions. `report plan` and `report team` set them against the facts. A new, empty
table: no existing row is touched.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostgreSQL: foreign keys DEFERRABLE INITIALLY IMMEDIATE, as 0005 made every other one (import json and
    # restore check them once at the end)
    postgres = op.get_bind().dialect.name == "postgresql"
    deferrable, initially = (True, "IMMEDIATE") if postgres else (None, None)
    op.create_table(
        "sales_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("revenue_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("deals", sa.Integer(), nullable=True),
        sa.Column("new_clients", sa.Integer(), nullable=True),
        sa.Column("calls", sa.Integer(), nullable=True),
        sa.Column("meetings", sa.Integer(), nullable=True),
        sa.Column("interactions", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], ondelete="CASCADE", deferrable=deferrable, initially=initially
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], ondelete="SET NULL", deferrable=deferrable, initially=initially
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sales_plan", schema=None) as batch_op:
        batch_op.create_index("ix_sales_plan_period_user", ["period", "user_id"], unique=True)
        batch_op.create_index("ix_sales_plan_days", ["starts_on", "ends_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_sales_plan_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sales_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plan_user_id"))
        batch_op.drop_index("ix_sales_plan_days")
        batch_op.drop_index("ix_sales_plan_period_user")
    op.drop_table("sales_plan")
