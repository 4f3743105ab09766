"""webhooks: subscriptions, the outbox of deliveries and their attempts (#22)

`webhook` holds `minicrm hook add EVENT --url URL [--secret-env VAR]` (the secret itself is never stored, only the
name of the variable holding it). `webhook_delivery` is the outbox: every change that fires an event with a webhook
writes one row per webhook in its own transaction, so a crash after the commit loses no delivery; `hook deliver`
claims due rows (`claimed_by`, `claimed_until`), posts them, and records each try in `webhook_attempt`. New tables
only: no existing row changes. On PostgreSQL the foreign keys are DEFERRABLE like every other since 0005, and
where 0012 set up the access rights (`meta.role_prefix`), every group reads the three tables, admins manage the
webhooks, and the groups that write client data (managers, heads, admins) write the outbox and the attempts: their
changes fire events, and `hook deliver` records its posts.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    deferrable: dict[str, Any] = (
        {"deferrable": True, "initially": "IMMEDIATE"} if op.get_bind().dialect.name == "postgresql" else {}
    )
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("secret_env", sa.String(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"], ondelete="SET NULL", **deferrable),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("webhook", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_event"), ["event"], unique=False)

    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhook.id"], ondelete="CASCADE", **deferrable),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_delivery_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_delivery_webhook_id"), ["webhook_id"], unique=False)

    op.create_table(
        "webhook_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["webhook_delivery.id"], ondelete="CASCADE", **deferrable),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("webhook_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_attempt_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_attempt_delivery_id"), ["delivery_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _grants()


def _grants() -> None:
    """The rights of 0012's group roles on the new tables (none when 0012 could not set them up)."""
    bind = op.get_bind()
    prefix = bind.execute(sa.text("SELECT value FROM meta WHERE key = 'role_prefix'")).scalar()
    if not prefix:
        return
    exists = bind.execute(sa.text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": f"{prefix}_admin"})
    if not exists.scalar():
        return
    group = {role: f'"{prefix}_{role}"' for role in ("admin", "head", "manager", "viewer")}
    everyone = ", ".join(group.values())
    writers = ", ".join(group[r] for r in ("admin", "head", "manager"))
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {writers}')
    for table in ("webhook", "webhook_delivery", "webhook_attempt"):
        op.execute(f'GRANT SELECT ON "{table}" TO {everyone}')
    op.execute(f'GRANT INSERT, UPDATE, DELETE ON "webhook" TO {group["admin"]}')
    op.execute(f'GRANT INSERT, UPDATE, DELETE ON "webhook_delivery" TO {writers}')
    op.execute(f'GRANT INSERT ON "webhook_attempt" TO {writers}')


def downgrade() -> None:
    op.drop_table("webhook_attempt")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook")
