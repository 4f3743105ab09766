"""Posting the outbox: claim a due delivery, POST it signed, record the attempt; retries with back-off.

At least once, never twice at the same time: a row is claimed in a short write transaction (`BEGIN IMMEDIATE` on
SQLite, `FOR UPDATE OF d SKIP LOCKED` on PostgreSQL) that stamps it with a claim id and a lease (`claimed_until`), then
posted with no transaction open, then recorded only by the claim that posted it. Two `hook deliver` runs (or a
command and a cron job) never post the same row together; a process killed while posting leaves its claim to expire,
after which the row is posted once more.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from minicrm.i18n import _
from minicrm.store.core.db import Session

#: Seconds to wait after the Nth failed attempt; after the last one the delivery is given up ('failed').
BACKOFF = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 24 * 3600, 24 * 3600)
MAX_ATTEMPTS = len(BACKOFF)
#: How long a claim lasts beyond the request's own timeout.
LEASE_MARGIN = 60
SIGNATURE_HEADER = "X-Minicrm-Signature-256"


def signature(secret: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of the body (the scheme of GitHub's X-Hub-Signature-256)."""
    import hashlib
    import hmac

    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Claim:
    id: int
    token: str
    event: str
    url: str
    secret_env: str | None
    body: bytes
    attempt: int


@dataclass
class Result:
    status: int | None = None
    error: str | None = None
    ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> str:
        return f"HTTP {self.status}" if self.status is not None and not self.error else (self.error or "")


@dataclass
class Summary:
    delivered: int = 0
    failed: int = 0  # attempts that failed (the row is retried later or given up)
    gave_up: int = 0
    problems: list[str] = field(default_factory=list)
    results: list[tuple[Claim, Result]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"delivered": self.delivered, "failed": self.failed, "gave_up": self.gave_up}


def claim(session: Session, *, now: datetime, timeout: float, delivery_id: int | None = None) -> Claim | None:
    """Claim one due delivery (the given one only, when due and free), or None."""
    sql = (
        "SELECT d.id, d.event, d.payload, d.attempts, w.url, w.secret_env FROM webhook_delivery d"
        " JOIN webhook w ON w.id = d.webhook_id WHERE d.status = 'pending' AND d.next_attempt_at <= ?"
        " AND (d.claimed_until IS NULL OR d.claimed_until < ?)"
    )
    params: list[Any] = [now, now]
    if delivery_id is not None:
        sql, params = sql + " AND d.id = ?", [*params, delivery_id]
    with session.write():
        row = session.one(sql + " ORDER BY d.next_attempt_at, d.id LIMIT 1" + session.dialect.skip_locked("d"), params)
        if row is None:
            return None
        import secrets

        token = secrets.token_hex(8)
        until = now + timedelta(seconds=timeout + LEASE_MARGIN)
        session.execute(
            "UPDATE webhook_delivery SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1 WHERE id = ?",
            (token, until, row["id"]),
        )
    return Claim(row["id"], token, row["event"], row["url"], row["secret_env"], row["payload"].encode(),
                 row["attempts"] + 1)  # fmt: skip


def post(item: Claim, *, timeout: float) -> Result:
    """POST the body; any answer but 2xx, and any network problem, is a failed attempt."""
    import urllib.error
    import urllib.request

    from minicrm import __version__

    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"minicrm/{__version__}",
        "X-Minicrm-Event": item.event,
        "X-Minicrm-Delivery": str(item.id),
        "X-Minicrm-Attempt": str(item.attempt),
    }
    if item.secret_env:
        secret = os.environ.get(item.secret_env)
        if not secret:
            return Result(error=_("the secret variable {var} is not set").format(var=item.secret_env))
        headers[SIGNATURE_HEADER] = signature(secret, item.body)
    request = urllib.request.Request(item.url, data=item.body, headers=headers, method="POST")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        return Result(exc.code, f"HTTP {exc.code}", _ms(start))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Result(error=f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__,
                      ms=_ms(start))  # fmt: skip
    return Result(status, None if 200 <= status < 300 else f"HTTP {status}", _ms(start))


def _ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def record(session: Session, item: Claim, result: Result, *, now: datetime) -> bool:
    """Log the attempt and move the row on (delivered, next try, or given up); True when it gave up."""
    gave_up = False
    with session.write():
        session.execute(
            "INSERT INTO webhook_attempt (delivery_id, at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?)",
            (item.id, now, result.status, result.error, result.ms),
        )
        if result.ok:
            session.execute(
                "UPDATE webhook_delivery SET status = 'delivered', delivered_at = ?, claimed_by = NULL,"
                " claimed_until = NULL, last_error = NULL WHERE id = ? AND claimed_by = ?",
                (now, item.id, item.token),
            )
        else:
            gave_up = item.attempt >= MAX_ATTEMPTS
            later = now + timedelta(seconds=BACKOFF[min(item.attempt, MAX_ATTEMPTS) - 1])
            session.execute(
                "UPDATE webhook_delivery SET status = ?, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL,"
                " last_error = ? WHERE id = ? AND claimed_by = ?",
                ("failed" if gave_up else "pending", later, result.error, item.id, item.token),
            )
    return gave_up


def deliver(
    session: Session,
    *,
    now: Callable[[], datetime],
    timeout: float,
    ids: list[int] | None = None,
    limit: int | None = None,
    stop_on_failure: bool = False,
) -> Summary:
    """Deliver the due rows (only `ids` when given), one claim at a time, until none is left or `limit` is reached.

    `stop_on_failure`: after the first failed attempt, leave the rest to `hook deliver` (a command's own delivery
    must stay short even when the receiver is down)."""
    summary = Summary()
    queue: list[int | None] = list(ids) if ids is not None else []
    while limit is None or summary.delivered + summary.failed < limit:
        if ids is not None:
            if not queue:
                break
            item = claim(session, now=now(), timeout=timeout, delivery_id=queue.pop(0))
            if item is None:
                continue  # already delivered or claimed by a `hook deliver` running meanwhile
        else:
            item = claim(session, now=now(), timeout=timeout)
            if item is None:
                break
        result = post(item, timeout=timeout)
        gave_up = record(session, item, result, now=now())
        summary.results.append((item, result))
        if result.ok:
            summary.delivered += 1
            continue
        summary.failed += 1
        summary.gave_up += gave_up
        msg = (_("webhook {event} -> {url}: {problem} (given up)") if gave_up
               else _("webhook {event} -> {url}: {problem}"))  # fmt: skip
        summary.problems.append(msg.format(event=item.event, url=item.url, problem=result.describe()))
        if stop_on_failure:
            break
    return summary
