"""Team work: hand a colleague's records over in one transaction, and read the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.people import rights
from minicrm.store.people.rights import Identity

#: What `handover` moves: (entity, table, owner column, extra condition).
HANDOVER = (
    ("contact", "contact", "owner_id", ""),
    ("company", "company", "owner_id", ""),
    ("deal", "deal", "owner_id", " AND stage_id IN (SELECT id FROM pipeline_stage WHERE outcome = 'open')"),
    ("task", "task", "assignee_id", " AND done = ?"),
)
COUNTS = {"contact": "contacts", "company": "companies", "deal": "deals", "task": "tasks"}
ENTITIES = ("contact", "company", "deal", "task", "interaction", "user")


@dataclass
class Handover:
    from_user: str
    to_user: str
    contacts: int = 0
    companies: int = 0
    deals: int = 0
    tasks: int = 0
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.from_user,
            "to": self.to_user,
            "contacts": self.contacts,
            "companies": self.companies,
            "deals": self.deals,
            "tasks": self.tasks,
            "dry_run": self.dry_run,
        }


def handover(
    session: Session,
    *,
    from_id: int,
    to_id: int,
    now: datetime,
    user_id: int | None = None,
    dry_run: bool = False,
    deactivate: bool = False,
    actor: Identity | None = None,
) -> Handover:
    """Give every contact, company, open deal and open task of one user to another, in one transaction.

    Set-based (one UPDATE and one audit INSERT ... SELECT per table), so it stays fast for thousands
    of records; each moved record gets a new revision (a stale edit elsewhere is detected) and an
    audit entry `owner_id: from -> to`.
    """
    if actor is not None:
        rights.require(actor, _("handover"), "head", "admin")
    if from_id == to_id:
        raise BadInput(_("--from and --to are the same user"))
    names = {
        r["id"]: r["name"] for r in session.all("SELECT id, name FROM app_user WHERE id IN (?, ?)", (from_id, to_id))
    }
    result = Handover(names[from_id], names[to_id], dry_run=dry_run)
    with session.write():
        for entity, table, column, extra in HANDOVER:
            params: list[Any] = [from_id, *([False] if "done" in extra else [])]
            where = f"{column} = ?{extra}"
            count = session.scalar(f"SELECT count(*) FROM {table} WHERE {where}", params)
            setattr(result, COUNTS[entity], count)
            if dry_run or not count:
                continue
            changes = json.dumps({column: [from_id, to_id]})
            session.execute(
                "INSERT INTO audit_log (at, user_id, entity, entity_id, action, changes)"
                f" SELECT ?, ?, ?, id, 'update', ? FROM {table} WHERE {where}",
                [now, user_id, entity, changes, *params],
            )
            session.execute(
                f"UPDATE {table} SET {column} = ?, updated_at = ?, revision = revision + 1 WHERE {where}",
                [to_id, now, *params],
            )
        if deactivate and not dry_run:
            from minicrm.store.people.users import set_active

            set_active(session, names[from_id], False, now=now, user_id=user_id, actor=actor)
    return result


@dataclass
class AuditEntry:
    id: int
    at: datetime
    user: str | None
    entity: str
    entity_id: int
    action: str
    changes: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),
            "user": self.user,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "action": self.action,
            "changes": {k: {"old": v[0], "new": v[1]} for k, v in self.changes.items()},
        }

    def summary(self) -> str:
        """`field: old → new; ...` for a table cell."""
        parts = []
        for key, (old, new) in self.changes.items():
            if self.action == "create":
                parts.append(f"{key}={_short(new)}")
            else:
                parts.append(f"{key}: {_short(old)} → {_short(new)}")
        return "; ".join(parts)


def _short(value: Any) -> str:
    if value is None:
        return "∅"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def check_entity(entity: str) -> str:
    key = entity.strip().lower()
    if key not in ENTITIES:
        raise BadInput(
            _("unknown entity '{entity}' (one of: {choices})").format(entity=entity, choices=", ".join(ENTITIES))
        )
    return key


def audit_entries(
    session: Session,
    *,
    entity: str | None = None,
    entity_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    action: str | None = None,
    limit: int | None = 100,
    oldest_first: bool = False,
) -> list[AuditEntry]:
    """Audit log entries matching every filter, newest first (indexed: entity+id, at, user)."""
    where: list[str] = []
    params: list[Any] = []
    if entity is not None:
        where.append("a.entity = ?")
        params.append(check_entity(entity))
    if entity_id is not None:
        where.append("a.entity_id = ?")
        params.append(entity_id)
    if user_id is not None:
        where.append("a.user_id = ?")
        params.append(user_id)
    if since is not None:
        where.append("a.at >= ?")
        params.append(since)
    if action is not None:
        if action not in ("create", "update", "delete"):
            raise BadInput(_("unknown action '{action}' (create, update or delete)").format(action=action))
        where.append("a.action = ?")
        params.append(action)
    sql = "SELECT a.*, u.name AS user_name FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.at, a.id" if oldest_first else " ORDER BY a.at DESC, a.id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [
        AuditEntry(
            r["id"],
            r["at"],
            r["user_name"],
            r["entity"],
            r["entity_id"],
            r["action"],
            json.loads(r["changes"]) if r["changes"] else {},
        )
        for r in session.all(sql, params)
    ]


def record_exists(session: Session, entity: str, entity_id: int) -> bool:
    table = {"user": "app_user"}.get(entity, entity)
    return session.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (entity_id,)) is not None
