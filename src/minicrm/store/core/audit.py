"""Append-only audit log of every change (who, when, which record, old -> new)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.core.records import iso


def record(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    action: str,
    now: datetime,
    user_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    payload = (
        json.dumps({k: [iso(a), iso(b)] for k, (a, b) in changes.items()}, ensure_ascii=False) if changes else None
    )
    session.execute(
        "INSERT INTO audit_log (at, user_id, entity, entity_id, action, changes) VALUES (?, ?, ?, ?, ?, ?)",
        (now, user_id, entity, entity_id, action, payload),
    )


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose value changed, as {field: (old, new)}."""
    return {k: (old.get(k), v) for k, v in new.items() if old.get(k) != v}
