"""Users: who owns a record and who logged it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput, Conflict, NotFound
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.core.text import fold


def find_user(session: Session, name: str) -> int | None:
    user_id: int | None = session.scalar("SELECT id FROM app_user WHERE name_key = ?", (fold(name),))
    return user_id


def resolve_user(session: Session, name: str) -> int:
    user_id = find_user(session, name)
    if user_id is None:
        raise NotFound(f"no user named '{name}' (add one with: minicrm user add NAME)")
    return user_id


def ensure_user(session: Session, name: str, *, now: datetime, email: str | None = None) -> int:
    """The id of user `name`, created on first use (a freelancer never has to add themself)."""
    user_id = find_user(session, name)
    if user_id is not None:
        return check_active(session, user_id, name)
    clean = " ".join(name.split())
    if not clean or clean.lower() in ("me", "all"):
        raise BadInput(f"invalid user name '{name}'")
    with session.write():
        # Not audited: the first write of a new user creates them implicitly (its own audit row names them).
        return session.insert(
            "INSERT INTO app_user (name, name_key, email, active, created_at) VALUES (?, ?, ?, ?, ?)",
            (clean, fold(clean), email, True, now),
        )


def check_active(session: Session, user_id: int, name: str) -> int:
    if session.scalar("SELECT active FROM app_user WHERE id = ?", (user_id,)) in (False, 0):
        raise Conflict(f"user '{name}' is deactivated (reactivate with: minicrm user activate {name})")
    return user_id


@dataclass
class User:
    id: int
    name: str
    email: str | None
    active: bool
    created_at: datetime
    contacts: int = 0
    companies: int = 0
    open_deals: int = 0
    open_tasks: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "active": self.active,
            "created_at": iso(self.created_at),
            "contacts": self.contacts,
            "companies": self.companies,
            "open_deals": self.open_deals,
            "open_tasks": self.open_tasks,
        }


def add_user(
    session: Session, name: str, *, now: datetime, email: str | None = None, user_id: int | None = None
) -> int:
    """A new user; the name must be new (case and accents ignored)."""
    clean = " ".join(name.split())
    if not clean or clean.lower() in ("me", "all"):
        raise BadInput(f"invalid user name '{name}'")
    if email is not None:
        from minicrm.store.people.fields import check_email

        email = check_email(email)
    with session.write():
        existing = session.one("SELECT name FROM app_user WHERE name_key = ?", (fold(clean),))
        if existing is not None:
            raise Conflict(f"a user named '{existing['name']}' already exists")
        new_id = session.insert(
            "INSERT INTO app_user (name, name_key, email, active, created_at) VALUES (?, ?, ?, ?, ?)",
            (clean, fold(clean), email, True, now),
        )
        audit.record(
            session,
            entity="user",
            entity_id=new_id,
            action="create",
            now=now,
            user_id=user_id,
            changes={"name": (None, clean), **({"email": (None, email)} if email else {})},
        )
    return new_id


def set_active(session: Session, name: str, active: bool, *, now: datetime, user_id: int | None = None) -> int:
    """Deactivate (or reactivate) a user: their records stay, but they can no longer act or own new ones."""
    with session.write():
        target = resolve_user(session, name)
        old = bool(session.scalar("SELECT active FROM app_user WHERE id = ?", (target,)))
        if old != active:
            session.execute("UPDATE app_user SET active = ? WHERE id = ?", (active, target))
            audit.record(
                session,
                entity="user",
                entity_id=target,
                action="update",
                now=now,
                user_id=user_id,
                changes={"active": (old, active)},
            )
    return target


def list_users(session: Session, *, include_inactive: bool = True) -> list[User]:
    """Users with what they own: contacts, companies, open deals and open tasks (one grouped query each)."""
    sql = "SELECT id, name, email, active, created_at FROM app_user"
    params: list[Any] = []
    if not include_inactive:
        sql += " WHERE active = ?"
        params.append(True)
    users = {
        r["id"]: User(r["id"], r["name"], r["email"], bool(r["active"]), r["created_at"])
        for r in session.all(sql + " ORDER BY name_key", params)
    }
    counts = {
        "contacts": (
            "SELECT owner_id AS uid, count(*) AS n FROM contact WHERE owner_id IS NOT NULL GROUP BY owner_id",
            (),
        ),
        "companies": (
            "SELECT owner_id AS uid, count(*) AS n FROM company WHERE owner_id IS NOT NULL GROUP BY owner_id",
            (),
        ),
        "open_deals": (
            "SELECT d.owner_id AS uid, count(*) AS n FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE d.owner_id IS NOT NULL AND s.outcome = 'open' GROUP BY d.owner_id",
            (),
        ),
        "open_tasks": (
            "SELECT assignee_id AS uid, count(*) AS n FROM task WHERE assignee_id IS NOT NULL AND done = ?"
            " GROUP BY assignee_id",
            (False,),
        ),
    }
    for attr, (query, qparams) in counts.items():
        for r in session.all(query, qparams):
            if r["uid"] in users:
                setattr(users[r["uid"]], attr, r["n"])
    return list(users.values())
