"""Stay-in-touch cadences: rules per tag, per company and a default, and the next-contact dates they imply.

The most specific cadence wins: the contact's own (`contact.cadence_days`), else the shortest of its
tags' rules, else its company's rule (`company:ID`), else the company's own `cadence_days`, else the
`default` rule. A contact's `next_contact_on` is materialised (indexed, read by `due`, the TUI and the
iCal feed); a date derived from a cadence is marked `next_contact_auto` and is recomputed here, in SQL,
whenever a rule changes. A date set by hand is never touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _
from minicrm.store.core import audit
from minicrm.store.core.db import Session

#: SQL: the effective cadence in days of the contact aliased `c` (NULL when none applies).
EFFECTIVE_CADENCE_SQL = (
    "COALESCE("
    "NULLIF(c.cadence_days, 0),"
    " (SELECT min(r.days) FROM contact_tag t JOIN cadence_rule r ON r.scope = 'tag:' || t.tag"
    "  WHERE t.contact_id = c.id),"
    " (SELECT r.days FROM cadence_rule r WHERE r.scope = 'company:' || c.company_id),"
    " (SELECT NULLIF(co.cadence_days, 0) FROM company co WHERE co.id = c.company_id),"
    " (SELECT r.days FROM cadence_rule r WHERE r.scope = 'default'))"
)


def day_of(session: Session, expr: str) -> str:
    """SQL: the calendar day of a DATE or DATETIME expression."""
    return session.dialect.day_of(expr)


def add_days(session: Session, day_expr: str, days_expr: str) -> str:
    """SQL: a day plus a number of days (NULL when the number is NULL)."""
    return session.dialect.add_days(day_expr, days_expr)


def days_between(session: Session, later_expr: str, earlier_expr: str) -> str:
    """SQL: whole days from the day of `earlier_expr` to the day of `later_expr`."""
    return session.dialect.days_between(later_expr, earlier_expr)


def cadence_date_sql(session: Session) -> str:
    """SQL: the cadence-derived next day of contact `c`: last interaction (or creation) + effective cadence."""
    base = day_of(session, "COALESCE(c.last_interaction_at, c.created_at)")
    return add_days(session, base, EFFECTIVE_CADENCE_SQL)


def next_date_sql(session: Session) -> str:
    """SQL: contact `c`'s next-contact day: the stored one, else the one its cadence implies."""
    return f"COALESCE(c.next_contact_on, {cadence_date_sql(session)})"


def fill_cadence_dates(session: Session, *, where: str = "1 = 1", params: Sequence[Any] = ()) -> int:
    """Store the cadence-derived next day of the contacts matching `where` that have no next day yet.

    The invariant every reader relies on: a contact with a cadence always has `next_contact_on`, so `due`,
    `forgotten`, the feed and the dashboard read one indexed column. Every write that can give a contact a
    cadence (creation, tags, company, `next --clear`, imports) calls this for the contacts it touched; rule
    changes go through `reschedule`. Not audited: the date is the one the cadence already implied.
    """
    cur = session.execute(
        f"UPDATE contact AS c SET next_contact_on = {cadence_date_sql(session)}, next_contact_auto = ?"
        f" WHERE c.next_contact_on IS NULL AND ({where}) AND {EFFECTIVE_CADENCE_SQL} IS NOT NULL",
        [True, *params],
    )
    changed: int = cur.rowcount
    return changed


def fill_cadence_dates_of(session: Session, contact_ids: Iterable[int]) -> int:
    """`fill_cadence_dates` for these contacts."""
    return sum(fill_cadence_dates(session, where=where, params=ids) for where, ids in id_chunks(contact_ids))


def id_chunks(contact_ids: Iterable[int]) -> Iterator[tuple[str, list[int]]]:
    """`c.id IN (...)` conditions over these ids, 500 at a time (a parameter count every backend accepts)."""
    ids = sorted(set(contact_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield f"c.id IN ({', '.join('?' * len(chunk))})", chunk


def effective_cadence(session: Session, contact_id: int) -> int | None:
    """Stay-in-touch days of a contact (most specific wins), or None."""
    days: int | None = session.scalar(f"SELECT {EFFECTIVE_CADENCE_SQL} FROM contact c WHERE c.id = ?", (contact_id,))
    return days


@dataclass
class CadenceRule:
    scope: str  # "tag:vip" | "company:12" | "default" | "contact:7"
    days: int
    target: str | None = None  # the tag, company or contact name
    contacts: int = 0  # non-archived contacts the scope covers
    rescheduled: int = 0  # next-contact dates recomputed by the last change

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "days": self.days,
            "target": self.target,
            "contacts": self.contacts,
            "rescheduled": self.rescheduled,
        }


@dataclass
class Scope:
    key: str  # as stored: tag:vip, company:12, default, contact:7
    kind: str  # tag | company | default | contact
    value: str | int | None
    target: str | None

    @property
    def record_id(self) -> int:
        """The company or contact id the scope names (0 for a tag or the default): the audit's entity id."""
        return self.value if isinstance(self.value, int) else 0


def parse_scope(session: Session, text: str) -> Scope:
    """`tag:NAME`, `company:REF`, `contact:REF` or `default` (REF: id or a unique name fragment)."""
    from minicrm.store.people.fields import normalize_tag
    from minicrm.store.people.refs import resolve_company, resolve_contact

    raw = text.strip()
    kind, sep, rest = raw.partition(":")
    kind = kind.strip().lower()
    if raw.lower() == "default":
        return Scope("default", "default", None, None)
    if not sep or not rest.strip():
        raise BadInput(
            _("invalid cadence scope '{text}' (tag:NAME, company:REF, contact:REF or default)").format(text=text)
        )
    if kind == "tag":
        tag = normalize_tag(rest)
        return Scope(f"tag:{tag}", "tag", tag, tag)
    if kind == "company":
        company_id = resolve_company(session, rest)
        name = session.scalar("SELECT name FROM company WHERE id = ?", (company_id,))
        return Scope(f"company:{company_id}", "company", company_id, name)
    if kind == "contact":
        contact_id = resolve_contact(session, rest)
        name = session.scalar("SELECT name FROM contact WHERE id = ?", (contact_id,))
        return Scope(f"contact:{contact_id}", "contact", contact_id, name)
    raise BadInput(
        _("invalid cadence scope '{text}' (tag:NAME, company:REF, contact:REF or default)").format(text=text)
    )


def _scope_filter(scope: Scope) -> tuple[str, list[Any]]:
    """SQL condition on contact `c` for the contacts a scope covers."""
    if scope.kind == "tag":
        return "EXISTS (SELECT 1 FROM contact_tag t WHERE t.contact_id = c.id AND t.tag = ?)", [scope.value]
    if scope.kind in ("company",):
        return "c.company_id = ?", [scope.value]
    if scope.kind == "contact":
        return "c.id = ?", [scope.value]
    return "1 = 1", []


def reschedule(
    session: Session, *, where: str, params: list[Any], now: datetime, user_id: int | None, reason: str
) -> int:
    """Recompute the cadence-derived (or empty) next-contact dates of the contacts matching `where`.

    Two statements, whatever the number of contacts: one audit row per changed contact, then the UPDATE.
    Returns how many contacts changed.
    """
    new = f"(CASE WHEN {EFFECTIVE_CADENCE_SQL} IS NULL THEN NULL ELSE {cadence_date_sql(session)} END)"
    cond = (
        f"(c.next_contact_auto = ? OR c.next_contact_on IS NULL) AND ({where})"
        f" AND c.next_contact_on IS DISTINCT FROM {new}"
    )
    cond_params = [True, *params]
    with session.write():
        session.execute(
            "INSERT INTO audit_log (at, user_id, entity, entity_id, action, changes)"
            " SELECT ?, ?, 'contact', c.id, 'update',"
            " '{\"next_contact_on\": [' || COALESCE('\"' || c.next_contact_on || '\"', 'null') || ', '"
            f" || COALESCE('\"' || {new} || '\"', 'null') || '], \"cadence\": [null, ' || ? || ']}}'"
            f" FROM contact c WHERE {cond}",
            [now, user_id, json.dumps(reason, ensure_ascii=False), *cond_params],
        )
        cur = session.execute(
            f"UPDATE contact AS c SET next_contact_on = {new}, next_contact_auto = ({new} IS NOT NULL),"
            " next_contact_time = NULL, next_contact_goal = NULL, updated_at = ?, revision = revision + 1"
            f" WHERE {cond}",
            [now, *cond_params],
        )
        changed: int = cur.rowcount
        return changed


def _count(session: Session, scope: Scope) -> int:
    where, params = _scope_filter(scope)
    count: int = session.scalar(f"SELECT count(*) FROM contact c WHERE c.archived = ? AND {where}", [False, *params])
    return count


def set_cadence(
    session: Session, scope_text: str, days: int, *, now: datetime, user_id: int | None = None
) -> CadenceRule:
    """Create or change a rule (or a contact's own cadence) and reschedule the contacts it covers."""
    if days < 1:
        raise BadInput(
            _("invalid cadence '{days}' days (at least 1 day; use `cadence unset` to remove one)").format(days=days)
        )
    with session.write():
        scope = parse_scope(session, scope_text)
        if scope.kind == "contact":
            old = session.scalar("SELECT cadence_days FROM contact WHERE id = ?", (scope.value,))
            session.execute(
                "UPDATE contact SET cadence_days = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
                (days, now, scope.value),
            )
            audit.record(session, entity="contact", entity_id=scope.record_id, action="update", now=now,
                         user_id=user_id, changes={"cadence_days": (old, days)})  # fmt: skip
        else:
            old = session.scalar("SELECT days FROM cadence_rule WHERE scope = ?", (scope.key,))
            if old is None:
                session.execute("INSERT INTO cadence_rule (scope, days) VALUES (?, ?)", (scope.key, days))
            else:
                session.execute("UPDATE cadence_rule SET days = ? WHERE scope = ?", (days, scope.key))
            audit.record(session, entity="cadence_rule", entity_id=scope.record_id,
                         action="create" if old is None else "update", now=now, user_id=user_id,
                         changes={"scope": (None, scope.key), "days": (old, days)})  # fmt: skip
        where, params = _scope_filter(scope)
        changed = reschedule(
            session, where=where, params=params, now=now, user_id=user_id, reason=f"{scope.key} every {days} days"
        )
        return CadenceRule(scope.key, days, scope.target, _count(session, scope), changed)


def unset_cadence(session: Session, scope_text: str, *, now: datetime, user_id: int | None = None) -> CadenceRule:
    """Remove a rule (or a contact's own cadence) and reschedule the contacts it covered."""
    with session.write():
        scope = parse_scope(session, scope_text)
        if scope.kind == "contact":
            old = session.scalar("SELECT cadence_days FROM contact WHERE id = ?", (scope.value,))
            if not old:
                raise NotFound(_("contact '{target}' has no cadence of its own").format(target=scope.target))
            session.execute(
                "UPDATE contact SET cadence_days = NULL, updated_at = ?, revision = revision + 1 WHERE id = ?",
                (now, scope.value),
            )
            audit.record(session, entity="contact", entity_id=scope.record_id, action="update", now=now,
                         user_id=user_id, changes={"cadence_days": (old, None)})  # fmt: skip
        else:
            old = session.scalar("SELECT days FROM cadence_rule WHERE scope = ?", (scope.key,))
            if old is None:
                raise NotFound(_("no cadence rule for '{key}' (see: minicrm cadence list)").format(key=scope.key))
            session.execute("DELETE FROM cadence_rule WHERE scope = ?", (scope.key,))
            audit.record(session, entity="cadence_rule", entity_id=scope.record_id,
                         action="delete", now=now, user_id=user_id,
                         changes={"scope": (scope.key, None), "days": (old, None)})  # fmt: skip
        where, params = _scope_filter(scope)
        changed = reschedule(
            session, where=where, params=params, now=now, user_id=user_id, reason=f"{scope.key} removed"
        )
        return CadenceRule(scope.key, old, scope.target, _count(session, scope), changed)


def list_cadences(session: Session, *, include_contacts: bool = False) -> list[CadenceRule]:
    """The rules, most specific first (tags, companies, default); optionally contacts' own cadences too."""
    rules = session.all(
        "SELECT r.scope, r.days, co.name AS company FROM cadence_rule r"
        " LEFT JOIN company co ON r.scope = 'company:' || co.id"
        " ORDER BY CASE WHEN r.scope LIKE 'tag:%' THEN 0 WHEN r.scope LIKE 'company:%' THEN 1 ELSE 2 END, r.scope"
    )
    out = []
    for r in rules:
        kind, _sep, value = r["scope"].partition(":")
        if kind == "tag":
            scope = Scope(r["scope"], "tag", value, value)
        elif kind == "company":
            scope = Scope(r["scope"], "company", int(value), r["company"])
        else:
            scope = Scope("default", "default", None, None)
        out.append(CadenceRule(r["scope"], r["days"], scope.target, _count(session, scope)))
    if include_contacts:
        for r in session.all(
            "SELECT id, name, cadence_days FROM contact WHERE cadence_days > 0 AND archived = ? ORDER BY name_key, id",
            (False,),
        ):
            out.append(CadenceRule(f"contact:{r['id']}", r["cadence_days"], r["name"], 1))
    return out
