"""Users: who owns a record and who logged it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput, Conflict, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.core.text import fold
from minicrm.store.people import rights
from minicrm.store.people.rights import Identity


def find_user(session: Session, name: str) -> int | None:
    user_id: int | None = session.scalar("SELECT id FROM app_user WHERE name_key = ?", (fold(name),))
    return user_id


def resolve_user(session: Session, name: str) -> int:
    user_id = find_user(session, name)
    if user_id is None:
        raise NotFound(_("no user named '{name}' (add one with: minicrm user add NAME)").format(name=name))
    return user_id


def ensure_user(session: Session, name: str, *, now: datetime, email: str | None = None) -> int:
    """The id of user `name`, created on first use (a freelancer never has to add themself)."""
    user_id = find_user(session, name)
    if user_id is not None:
        return check_active(session, user_id, name)
    clean = " ".join(name.split())
    if not clean or clean.lower() in ("me", "all"):
        raise BadInput(_("invalid user name '{name}'").format(name=name))
    with session.write():
        # Not audited: the first write of a new user creates them implicitly (its own audit row names them).
        return session.insert(
            "INSERT INTO app_user (name, name_key, email, active, created_at) VALUES (?, ?, ?, ?, ?)",
            (clean, fold(clean), email, True, now),
        )


def check_active(session: Session, user_id: int, name: str) -> int:
    if session.scalar("SELECT active FROM app_user WHERE id = ?", (user_id,)) in (False, 0):
        raise Conflict(
            _("user '{name}' is deactivated (reactivate with: minicrm user activate {name})").format(name=name)
        )
    return user_id


@dataclass
class User:
    id: int
    name: str
    email: str | None
    active: bool
    created_at: datetime
    role: str = "manager"
    pg_role: str | None = None
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
            "role": self.role,
            "pg_role": self.pg_role,
            "contacts": self.contacts,
            "companies": self.companies,
            "open_deals": self.open_deals,
            "open_tasks": self.open_tasks,
        }


@dataclass
class NewUser:
    id: int
    login: str | None = None  # the PostgreSQL login role it connects as
    password: str | None = None  # the generated password of a login role created just now (shown once)


def add_user(
    session: Session,
    name: str,
    *,
    now: datetime,
    email: str | None = None,
    user_id: int | None = None,
    role: str = "manager",
    pg_role: str | None = None,
    actor: Identity | None = None,
) -> NewUser:
    """A new user with a role; the name must be new (case and accents ignored).

    On PostgreSQL with rights (admins only) the user gets a login role: `pg_role` when given (created if it
    does not exist, mapped if it does), else one named after the user, created with a generated password.
    """
    clean = " ".join(name.split())
    if not clean or clean.lower() in ("me", "all"):
        raise BadInput(_("invalid user name '{name}'").format(name=name))
    role = rights.check_role(role)
    if email is not None:
        from minicrm.store.people.fields import check_email

        email = check_email(email)
    prefix = rights.group_prefix(session)
    if pg_role is not None and prefix is None:
        raise BadInput(_("--pg-role needs a PostgreSQL database with access rights set up (README: Team setup)"))
    if actor is not None:
        rights.require(actor, _("adding a user"), "admin")
    with session.write():
        existing = session.one("SELECT name FROM app_user WHERE name_key = ?", (fold(clean),))
        if existing is not None:
            raise Conflict(_("a user named '{name}' already exists").format(name=existing["name"]))
        login = password = None
        if prefix is not None:
            login = rights.check_login(pg_role) if pg_role is not None else rights.default_login(clean)
            taken = session.scalar("SELECT name FROM app_user WHERE pg_role = ?", (login,))
            if taken is not None:
                raise Conflict(_("the login '{login}' is already user '{taken}'").format(login=login, taken=taken))
            password = rights.provision_login(session, prefix, login, role)
        new_id = session.insert(
            "INSERT INTO app_user (name, name_key, email, active, created_at, role, pg_role)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (clean, fold(clean), email, True, now, role, login),
        )
        changes: dict[str, tuple[Any, Any]] = {"name": (None, clean), "role": (None, role)}
        changes |= {"email": (None, email)} if email else {}
        changes |= {"pg_role": (None, login)} if login else {}
        audit.record(
            session, entity="user", entity_id=new_id, action="create", now=now, user_id=user_id, changes=changes
        )
    return NewUser(new_id, login, password)


def give_login(
    session: Session,
    name: str,
    *,
    now: datetime,
    pg_role: str | None = None,
    user_id: int | None = None,
    actor: Identity | None = None,
) -> NewUser:
    """PostgreSQL: give an existing user (one from before access rights, say) a login role, created or mapped as
    `add_user` does, with the group of their role."""
    prefix = rights.group_prefix(session)
    if prefix is None:
        raise BadInput(_("database logins need a PostgreSQL database with access rights set up (README: Team setup)"))
    if actor is not None:
        rights.require(actor, _("giving a user a login"), "admin")
    with session.write():
        target = resolve_user(session, name)
        row: Any = session.one("SELECT name, role, pg_role FROM app_user WHERE id = ?", (target,))
        login = rights.check_login(pg_role) if pg_role is not None else rights.default_login(row["name"])
        if row["pg_role"] == login:
            return NewUser(target, login)
        taken = session.scalar("SELECT name FROM app_user WHERE pg_role = ?", (login,))
        if taken is not None:
            raise Conflict(_("the login '{login}' is already user '{taken}'").format(login=login, taken=taken))
        if row["pg_role"]:
            for group in rights.ROLES:
                session.dialect.set_member(session, row["pg_role"], f"{prefix}_{group}", False)
        password = rights.provision_login(session, prefix, login, row["role"])
        session.execute("UPDATE app_user SET pg_role = ? WHERE id = ?", (login, target))
        audit.record(session, entity="user", entity_id=target, action="update", now=now, user_id=user_id,
                     changes={"pg_role": (row["pg_role"], login)})  # fmt: skip
    return NewUser(target, login, password)


def set_role(
    session: Session, name: str, role: str, *, now: datetime, user_id: int | None = None, actor: Identity | None = None
) -> str:
    """Give a user another role (on PostgreSQL: their login changes group in the same transaction); the old role."""
    role = rights.check_role(role)
    if actor is not None:
        rights.require(actor, _("changing a user's role"), "admin")
    with session.write():
        target = resolve_user(session, name)
        row: Any = session.one("SELECT role, pg_role FROM app_user WHERE id = ?", (target,))
        old: str = row["role"]
        prefix = rights.group_prefix(session)
        if prefix is not None and row["pg_role"]:
            rights.set_login_role(session, prefix, row["pg_role"], role)
        if old != role:
            session.execute("UPDATE app_user SET role = ? WHERE id = ?", (role, target))
            audit.record(session, entity="user", entity_id=target, action="update", now=now, user_id=user_id,
                         changes={"role": (old, role)})  # fmt: skip
    return old


def set_active(
    session: Session,
    name: str,
    active: bool,
    *,
    now: datetime,
    user_id: int | None = None,
    actor: Identity | None = None,
) -> int:
    """Deactivate (or reactivate) a user: their records stay, but they can no longer act or own new ones; on
    PostgreSQL their login role can no longer log in (NOLOGIN)."""
    if actor is not None:
        rights.require(actor, _("reactivating a user") if active else _("deactivating a user"), "admin")
    with session.write():
        target = resolve_user(session, name)
        row: Any = session.one("SELECT active, pg_role FROM app_user WHERE id = ?", (target,))
        old = bool(row["active"])
        if row["pg_role"] and rights.group_prefix(session) is not None:
            session.dialect.set_login_rights(session, row["pg_role"], can_login=active)
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
    sql = "SELECT id, name, email, active, created_at, role, pg_role FROM app_user"
    params: list[Any] = []
    if not include_inactive:
        sql += " WHERE active = ?"
        params.append(True)
    users = {
        r["id"]: User(r["id"], r["name"], r["email"], bool(r["active"]), r["created_at"], r["role"], r["pg_role"])
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
