"""Webhooks and their outbox: subscriptions, one delivery row per event and webhook, the attempt log.

Deliveries are written by `enqueue` inside the transaction of the change (so a crash after the commit cannot lose
one) and claimed, posted and recorded by `store.core.hooks.delivery`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Webhook:
    id: int
    event: str
    url: str
    secret_env: str | None
    pending: int = 0
    failed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "event": self.event, "url": self.url, "secret_env": self.secret_env,
                "pending": self.pending, "failed": self.failed}  # fmt: skip


def check_url(url: str) -> str:
    from urllib.parse import urlsplit

    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(_("invalid --url '{url}' (an http:// or https:// address)").format(url=url))
    return url


def check_env_name(name: str) -> str:
    if not _ENV_NAME.fullmatch(name):
        msg = _("invalid --secret-env '{name}' (the name of an environment variable, e.g. CHAT_SECRET)")
        raise BadInput(msg.format(name=name))
    return name


def subscriptions(session: Session) -> dict[str, list[int]]:
    """Event name -> ids of its webhooks (one small query; the events module caches it per session)."""
    found: dict[str, list[int]] = {}
    for row in session.all("SELECT id, event FROM webhook ORDER BY id"):
        found.setdefault(row["event"], []).append(row["id"])
    return found


def add_webhook(
    session: Session, event: str, url: str, *, secret_env: str | None, now: datetime, user_id: int | None = None
) -> int:
    url = check_url(url)
    if secret_env is not None:
        secret_env = check_env_name(secret_env)
    with session.write():
        if session.scalar("SELECT 1 FROM webhook WHERE event = ? AND url = ?", (event, url)) is not None:
            raise BadInput(_("{event} already posts to {url}").format(event=event, url=url))
        webhook_id = session.insert(
            "INSERT INTO webhook (event, url, secret_env, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            (event, url, secret_env, user_id, now),
        )
        audit.record(session, entity="webhook", entity_id=webhook_id, action="create", now=now, user_id=user_id,
                     changes={"event": (None, event), "url": (None, url)})  # fmt: skip
    return webhook_id


def remove_webhooks(
    session: Session, event: str, *, url: str | None = None, now: datetime, user_id: int | None = None
) -> int:
    """Remove the webhooks of `event` (only the one posting to `url` when given), with their undelivered rows."""
    with session.write():
        sql, params = "SELECT id, url FROM webhook WHERE event = ?", [event]
        if url is not None:
            sql, params = sql + " AND url = ?", [event, url.strip()]
        rows = session.all(sql, params)
        if not rows:
            msg = _("no webhook for {event} posting to {url}") if url else _("no webhook for {event}")
            raise NotFound(msg.format(event=event, url=url))
        for row in rows:
            session.execute("DELETE FROM webhook WHERE id = ?", (row["id"],))
            audit.record(session, entity="webhook", entity_id=row["id"], action="delete", now=now, user_id=user_id,
                         changes={"url": (row["url"], None)})  # fmt: skip
    return len(rows)


def list_webhooks(session: Session, event: str | None = None) -> list[Webhook]:
    where, params = ("WHERE w.event = ?", [event]) if event else ("", [])
    rows = session.all(
        "SELECT w.id, w.event, w.url, w.secret_env,"
        " (SELECT count(*) FROM webhook_delivery d WHERE d.webhook_id = w.id AND d.status = 'pending') AS pending,"
        " (SELECT count(*) FROM webhook_delivery d WHERE d.webhook_id = w.id AND d.status = 'failed') AS failed"
        f" FROM webhook w {where} ORDER BY w.event, w.id",
        params,
    )
    return [Webhook(r["id"], r["event"], r["url"], r["secret_env"], r["pending"], r["failed"]) for r in rows]


def enqueue(session: Session, webhook_ids: list[int], event: str, body: str, *, now: datetime) -> list[int]:
    """One outbox row per webhook, in the caller's transaction; returns their ids."""
    return [
        session.insert(
            "INSERT INTO webhook_delivery (webhook_id, event, payload, status, attempts, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, 'pending', 0, ?, ?)",
            (webhook_id, event, body, now, now),
        )
        for webhook_id in webhook_ids
    ]


def attempt_log(session: Session, *, event: str | None = None, limit: int | None = 50) -> list[dict[str, Any]]:
    """The latest delivery attempts, newest first, with their delivery's state."""
    where, params = ("WHERE d.event = ?", [event]) if event else ("", [])
    rows = session.all(
        "SELECT a.at, a.delivery_id, d.event, w.url, a.status_code, a.error, a.duration_ms, d.status, d.attempts,"
        " d.next_attempt_at FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id"
        f" JOIN webhook w ON w.id = d.webhook_id {where} ORDER BY a.at DESC, a.id DESC" + (" LIMIT ?" if limit else ""),
        [*params, limit] if limit else params,
    )
    return [
        {
            "at": iso(r["at"]),
            "delivery": r["delivery_id"],
            "event": r["event"],
            "url": r["url"],
            "result": r["status_code"] if r["status_code"] is not None else None,
            "error": r["error"],
            "ms": r["duration_ms"],
            "state": r["status"],
            "attempts": r["attempts"],
            "next_attempt_at": iso(r["next_attempt_at"]) if r["status"] == "pending" else None,
        }
        for r in rows
    ]


def retry_failed(session: Session, *, now: datetime) -> int:
    """Put the deliveries that gave up back in the queue, due now."""
    with session.write():
        count: int = session.scalar("SELECT count(*) FROM webhook_delivery WHERE status = 'failed'")
        session.execute(
            "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE status = 'failed'",
            (now,),
        )
    return count
