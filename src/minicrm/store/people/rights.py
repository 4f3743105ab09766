"""Who is acting and what their role allows (#21).

Roles: `admin` (users and settings, everything), `head` (sees and edits everything, hands over), `manager`
(the clients, companies, deals, tasks and requests they own or nobody owns) and `viewer` (reads everything,
writes nothing).

On PostgreSQL with the rights of migration 0012 set up, the server enforces them: each user is a login role,
member of one of the database's four group roles, and row-level security hides other managers' rows from every
statement, minicrm's or psql's. minicrm's user is then the login (`current_user`), never `--as`. The checks
here only turn what the server would refuse anyway into a clear `permission denied:` line before anything runs.
The schema's owner (who ran the migrations) bypasses the policies, as PostgreSQL lets a table's owner do.

On SQLite the file's permissions are the access control: `--as` names who is acting (attribution), a role is
a label, and `--read-only` opens the file so that every write fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from minicrm.errors import BadInput, PermissionDenied
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold

ROLES = ("admin", "head", "manager", "viewer")


@dataclass(frozen=True)
class Identity:
    """The acting user as the database sees them."""

    user_id: int | None
    name: str | None
    role: str | None
    login: str | None = None  # the PostgreSQL login role; None on SQLite
    enforced: bool = False  # PostgreSQL enforces the roles (rights set up, see migration 0012)
    owner: bool = False  # the login owns minicrm's tables: every right, no row-level security

    @property
    def sees_all(self) -> bool:
        """Whether every client is visible (not a manager's own ones only)."""
        return not self.enforced or self.owner or self.role != "manager"

    @property
    def scope(self) -> str:
        """'your clients' or 'all clients', as reports name what they count."""
        return _("all clients") if self.sees_all else _("your clients")

    def describe(self) -> str:
        if self.name is None:
            said = _("the login '{login}' owns the database") if self.owner else _("the login '{login}'")
            return said.format(login=self.login)
        return (_("{name} is an {role}") if self.role == "admin" else _("{name} is a {role}")).format(
            name=self.name, role=self.role
        )


def check_role(role: str) -> str:
    key = role.strip().lower()
    if key not in ROLES:
        raise BadInput(_("unknown role '{role}' (one of: {choices})").format(role=role, choices=", ".join(ROLES)))
    return key


def role_prefix(database: str) -> str:
    """The group roles' prefix for a database name (as migration 0012 computes it)."""
    return (re.sub(r"[^a-z0-9_]", "_", database.lower()) or "minicrm")[:50]


def group_prefix(session: Session) -> str | None:
    """The prefix of this database's group roles, or None when no rights are set up (SQLite, or no CREATEROLE)."""
    return session.dialect.rights_prefix(session)


def identify(session: Session, label: str | None, *, explicit: bool) -> Identity:
    """Who acts: the login on PostgreSQL with rights (`--as`/MINICRM_USER naming anyone else is refused; the
    config file's user is ignored there), else the user named by `label` (created on first write)."""
    login = session.dialect.current_login(session)
    if login is None or group_prefix(session) is None:
        return Identity(None, label, None)
    name, owner = login
    row = session.one("SELECT id, name, name_key, role, active FROM app_user WHERE pg_role = ?", (name,))
    if explicit and label and (row is None or fold(" ".join(label.split())) != row["name_key"]):
        you = _("user {user}, login '{login}'") if row is not None else _("the login '{login}'")
        raise PermissionDenied(
            _(
                "--as is refused on PostgreSQL: you act as the database login you connect with ({you});"
                " to act as a colleague, connect with their login"
            ).format(you=you.format(user=row["name"] if row is not None else "", login=name))
        )
    if row is None:
        if owner:
            return Identity(None, None, None, name, enforced=True, owner=True)
        raise PermissionDenied(
            _(
                "the database login '{login}' is not a minicrm user (an admin maps it with:"
                " minicrm user add NAME --role ROLE --pg-role {login})"
            ).format(login=name)
        )
    if not row["active"]:
        raise PermissionDenied(_("user '{name}' is deactivated (an admin reactivates it)").format(name=row["name"]))
    return Identity(row["id"], row["name"], row["role"], name, enforced=True, owner=owner)


def require(identity: Identity, action: str, *roles: str) -> None:
    """Refuse `action` unless the roles are not enforced here, the login owns the schema, or has one of `roles`."""
    if not identity.enforced or identity.owner or identity.role in roles:
        return
    said = (_("{action} needs the {role} role ({who})") if len(roles) == 1
            else _("{action} needs the {role} or the {other} role ({who})"))  # fmt: skip
    raise PermissionDenied(said.format(action=action, role=roles[0], other=roles[-1], who=identity.describe()))


def viewer_denial(identity: Identity) -> str | None:
    """Why a session of this identity may write nothing (a viewer on PostgreSQL), else None."""
    if identity.enforced and not identity.owner and identity.role == "viewer":
        return _("{name} is a viewer: a viewer reads everything and changes nothing").format(name=identity.name)
    return None


# -- login roles (PostgreSQL) ------------------------------------------------------------------------
def default_login(name: str) -> str:
    """The login role `user add NAME` creates: the name in lower case, accents removed, words joined by _."""
    login = re.sub(r"[^a-z0-9_]+", "_", fold(name)).strip("_")
    return login[:63] or "user"


def check_login(login: str) -> str:
    clean = login.strip()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.@-]{0,62}", clean):
        raise BadInput(_("invalid --pg-role '{login}' (letters, digits, _ . @ -, at most 63)").format(login=login))
    return clean


def provision_login(session: Session, prefix: str, login: str, role: str) -> str | None:
    """Make `login` a member of the role's group, creating it with a new password when it does not exist;
    returns that password (None for an existing role)."""
    import secrets

    password = None
    if not session.dialect.login_exists(session, login):
        password = secrets.token_urlsafe(18)
        session.dialect.create_login(session, login, password)
    set_login_role(session, prefix, login, role)
    return password


def set_login_role(session: Session, prefix: str, login: str, role: str) -> None:
    """The login's group membership for `role`: an admin gets every group with ADMIN OPTION and CREATEROLE (to
    add and deactivate colleagues), the others their one group."""
    dialect = session.dialect
    for group in ROLES:
        dialect.set_member(session, login, f"{prefix}_{group}", False)
    if role == "admin":
        for group in ROLES:
            dialect.set_member(session, login, f"{prefix}_{group}", True, admin=True)
    else:
        dialect.set_member(session, login, f"{prefix}_{role}", True)
    dialect.set_login_rights(session, login, create_role=role == "admin")
