"""Users: who owns a record and who logged it."""

from __future__ import annotations

from datetime import datetime

from minicrm.errors import NotFound
from minicrm.store.db import Session
from minicrm.store.text import fold


def find_user(session: Session, name: str) -> int | None:
    return session.scalar("SELECT id FROM app_user WHERE name_key = ?", (fold(name),))


def resolve_user(session: Session, name: str) -> int:
    user_id = find_user(session, name)
    if user_id is None:
        raise NotFound(f"no user named '{name}' (add one with: minicrm user add NAME)")
    return user_id


def ensure_user(session: Session, name: str, *, now: datetime, email: str | None = None) -> int:
    """The id of user `name`, created on first use (a freelancer never has to add themself)."""
    user_id = find_user(session, name)
    if user_id is not None:
        return user_id
    with session.write():
        return session.insert(
            "INSERT INTO app_user (name, name_key, email, active, created_at) VALUES (?, ?, ?, ?, ?)",
            (name.strip(), fold(name), email, True, now),
        )
