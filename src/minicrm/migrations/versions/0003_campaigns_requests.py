"""campaigns, saved segments, service requests; campaign_id on deal and interaction

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("budget_minor", sa.BigInteger(), nullable=True),
        sa.Column("cost_minor", sa.BigInteger(), nullable=True),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("target", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["segment_id"], ["saved_segment.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_channel_start", ["channel", "starts_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_segment_id"), ["segment_id"], unique=False)

    op.create_table(
        "campaign_member",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id", "contact_id"),
    )
    with op.batch_alter_table("campaign_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_member_contact_id"), ["contact_id"], unique=False)

    op.create_table(
        "service_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("subject_key", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(), nullable=True),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("service_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_request_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_request_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_request_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_service_request_opened", ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_request_resolved_at"), ["resolved_at"], unique=False)
        batch_op.create_index("ix_service_request_status_due", ["status", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_request_subject_key"), ["subject_key"], unique=False)

    op.create_table(
        "request_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["service_request.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("request_time", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_time_request_id"), ["request_id"], unique=False)
        batch_op.create_index("ix_request_time_spent_on", ["spent_on"], unique=False)

    # Batch mode: SQLite cannot add a foreign key with ALTER TABLE, so the table is copied (every row
    # and id kept; AUTOINCREMENT stated again because reflection does not see it).
    with op.batch_alter_table("deal", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_deal_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_deal_campaign_id_campaign", "campaign", ["campaign_id"], ["id"], ondelete="SET NULL"
        )

    # Batch mode: SQLite cannot add a foreign key with ALTER TABLE, so the table is copied (every row
    # and id kept; AUTOINCREMENT stated again because reflection does not see it).
    with op.batch_alter_table("interaction", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_interaction_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_interaction_campaign_id_campaign", "campaign", ["campaign_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("interaction", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint("fk_interaction_campaign_id_campaign", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_interaction_campaign_id"))
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("deal", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint("fk_deal_campaign_id_campaign", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_deal_campaign_id"))
        batch_op.drop_column("campaign_id")

    with op.batch_alter_table("request_time", schema=None) as batch_op:
        batch_op.drop_index("ix_request_time_spent_on")
        batch_op.drop_index(batch_op.f("ix_request_time_request_id"))

    op.drop_table("request_time")
    with op.batch_alter_table("service_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_request_subject_key"))
        batch_op.drop_index("ix_service_request_status_due")
        batch_op.drop_index(batch_op.f("ix_service_request_resolved_at"))
        batch_op.drop_index("ix_service_request_opened")
        batch_op.drop_index(batch_op.f("ix_service_request_contact_id"))
        batch_op.drop_index(batch_op.f("ix_service_request_company_id"))
        batch_op.drop_index(batch_op.f("ix_service_request_assignee_id"))

    op.drop_table("service_request")
    with op.batch_alter_table("campaign_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_member_contact_id"))

    op.drop_table("campaign_member")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_segment_id"))
        batch_op.drop_index("ix_campaign_channel_start")

    op.drop_table("campaign")
    op.drop_table("saved_segment")
