"""The tables of hooks and webhooks (#22), registered on SQLModel.metadata by `store.core.schema`, which imports them.

`webhook`: `hook add EVENT --url URL` (`secret_env` names the variable holding the secret, never the secret).
`webhook_delivery`: the outbox, one row per event and webhook written in the change's transaction, claimed and
posted by store.core.hooks.delivery. `webhook_attempt`: one try at posting a delivery (`hook log`).
"""

from datetime import datetime
from typing import Optional

from sqlalchemy import DateTime, Index, Text
from sqlmodel import Field, SQLModel

NAIVE = DateTime(timezone=False)  # naive local time, as store.core.schema.NAIVE


class Webhook(SQLModel, table=True):
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Optional[int] = Field(default=None, primary_key=True)
    event: str = Field(index=True)
    url: str
    secret_env: Optional[str] = None
    created_by: Optional[int] = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=NAIVE)


class WebhookDelivery(SQLModel, table=True):
    """The outbox: one row per event and webhook, written in the change's transaction (store.core.hooks.delivery)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"), {"sqlite_autoincrement": True})
    id: Optional[int] = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", ondelete="CASCADE", index=True)
    event: str
    payload: str = Field(sa_type=Text)  # the exact JSON body posted (and signed) on every attempt
    status: str = "pending"  # pending | delivered | failed (gave up after the last attempt)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=NAIVE)
    claimed_by: Optional[str] = None
    claimed_until: Optional[datetime] = Field(default=None, sa_type=NAIVE)
    last_error: Optional[str] = None
    created_at: datetime = Field(sa_type=NAIVE)
    delivered_at: Optional[datetime] = Field(default=None, sa_type=NAIVE)


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Optional[int] = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", ondelete="CASCADE", index=True)
    at: datetime = Field(sa_type=NAIVE, index=True)
    status_code: Optional[int] = None
    error: Optional[str] = None
    duration_ms: int = 0
