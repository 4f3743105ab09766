"""e-mail in the timeline: the messages logged (`mail_message`), the IMAP folders synced (`mail_folder`)

From 0010 `minicrm mail import | log | sync` log e-mails as interactions. `mail_message` holds one row per
message logged: its key (the Message-ID, or a hash of its headers when it has none) is unique, so a second run,
or a second copy of the message in another folder, logs nothing twice; `thread_key` (the Message-ID of the
thread's first message) links the replies of one thread. `interaction.mail_message_id` says which message an
interaction was logged from (NULL for everything typed in). `mail_folder` remembers, per IMAP account and
folder, its UIDVALIDITY and the last UID read, so `mail sync` fetches only what is new. No row is changed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_key", sa.String(), nullable=False),
        sa.Column("thread_key", sa.String(), nullable=False),
        sa.Column("parent_key", sa.String(), nullable=True),
        sa.Column("happened_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_mail_message_thread_key", "mail_message", ["thread_key"])
    op.create_index("ix_mail_message_parent_key", "mail_message", ["parent_key"])
    op.create_table(
        "mail_folder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("folder", sa.String(), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_mail_folder_account", "mail_folder", ["account", "folder"], unique=True)
    # Batch mode: SQLite cannot add a foreign key with ALTER TABLE, so the table is copied (every row and id
    # kept; AUTOINCREMENT stated again because reflection does not see it). On PostgreSQL the key is DEFERRABLE
    # like every other since 0005.
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("interaction", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.add_column(sa.Column("mail_message_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_interaction_mail_message_id", ["mail_message_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_interaction_mail_message_id_mail_message",
            "mail_message",
            ["mail_message_id"],
            ["id"],
            ondelete="SET NULL",
            deferrable=True if postgres else None,
            initially="IMMEDIATE" if postgres else None,
        )


def downgrade() -> None:
    with op.batch_alter_table("interaction", schema=None, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint("fk_interaction_mail_message_id_mail_message", type_="foreignkey")
        batch_op.drop_index("ix_interaction_mail_message_id")
        batch_op.drop_column("mail_message_id")
    op.drop_index("ux_mail_folder_account", table_name="mail_folder")
    op.drop_table("mail_folder")
    op.drop_index("ix_mail_message_parent_key", table_name="mail_message")
    op.drop_index("ix_mail_message_thread_key", table_name="mail_message")
    op.drop_table("mail_message")
