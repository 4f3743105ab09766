"""Resolve what the user typed (an id, an exact email, a name fragment) to exactly one record."""

from __future__ import annotations

from typing import Any

from minicrm.errors import Ambiguous, NotFound
from minicrm.i18n import _, ngettext
from minicrm.store.core.db import Session
from minicrm.store.core.text import fold, like_pattern

MAX_LISTED = 8


def as_id(ref: str) -> int | None:
    """The id REF names when it is all ASCII digits (`²` and `١٢` are digits to str.isdigit, not ids)."""
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():
        value = int(ref)
        return value if value < 2**63 else -1
    return None


def _no_match(what: str, ref: str) -> NotFound:
    text = _("no contact matches '{ref}'") if what == "contact" else _("no company matches '{ref}'")
    return NotFound(text.format(ref=ref))


def _pick(rows: list[Any], what: str, ref: str) -> int:
    if len(rows) == 1:
        found: int = rows[0]["id"]
        return found
    if not rows:
        raise _no_match(what, ref)
    listed = ", ".join(f"{r['id']} {r['name']}" for r in rows[:MAX_LISTED])
    n = len(rows)
    if n > MAX_LISTED:  # the list goes on: `1 Ann, 2 Anna... and 3 more`
        listed += _(" and {n} more").format(n=n - MAX_LISTED)
    if what == "contact":
        many = ngettext("'{ref}' matches {n} contact: {listed}; use the id or more of the name",
                        "'{ref}' matches {n} contacts: {listed}; use the id or more of the name", n)  # fmt: skip
    else:
        many = ngettext("'{ref}' matches {n} company: {listed}; use the id or more of the name",
                        "'{ref}' matches {n} companies: {listed}; use the id or more of the name", n)  # fmt: skip
    raise Ambiguous(many.format(ref=ref, n=n, listed=listed))


def _by_name(session: Session, table: str, what: str, ref: str) -> int:
    key = fold(ref)
    if not key:
        raise _no_match(what, ref)
    exact = session.all(f"SELECT id, name FROM {table} WHERE name_key = ? ORDER BY id LIMIT 20", (key,))
    if len(exact) == 1:
        found: int = exact[0]["id"]
        return found
    if exact:
        return _pick(exact, what, ref)
    rows = session.all(
        f"SELECT id, name FROM {table} WHERE name_key LIKE ? ESCAPE '\\' ORDER BY name_key, id LIMIT 50",
        (like_pattern(key),),
    )
    return _pick(rows, what, ref)


def resolve_contact(session: Session, ref: str) -> int:
    """Contact id for REF: its id, an exact email, or a name fragment matching exactly one."""
    ref = ref.strip()
    if (ident := as_id(ref)) is not None:
        if session.scalar("SELECT id FROM contact WHERE id = ?", (ident,)) is None:
            raise NotFound(_("no contact with id {id}").format(id=ref))
        return ident
    if "@" in ref:
        rows = session.all(
            "SELECT DISTINCT c.id, c.name FROM contact_email e JOIN contact c ON c.id = e.contact_id"
            " WHERE e.email_key = ? ORDER BY c.id",
            (ref.lower(),),
        )
        if rows:
            return _pick(rows, "contact", ref)
    return _by_name(session, "contact", "contact", ref)


def resolve_company(session: Session, ref: str) -> int:
    """Company id for REF: its id, or a name fragment matching exactly one."""
    ref = ref.strip()
    if (ident := as_id(ref)) is not None:
        if session.scalar("SELECT id FROM company WHERE id = ?", (ident,)) is None:
            raise NotFound(_("no company with id {id}").format(id=ref))
        return ident
    return _by_name(session, "company", "company", ref)


def find_company_by_name(session: Session, name: str) -> int | None:
    """Exact (case- and accent-insensitive) company name, for `--company` on create."""
    company_id: int | None = session.scalar("SELECT id FROM company WHERE name_key = ?", (fold(name),))
    return company_id
