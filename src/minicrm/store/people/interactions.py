"""Interactions (calls, e-mails, meetings...) and the next-contact date they move."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core import audit, events
from minicrm.store.core.db import Session
from minicrm.store.core.limits import limited
from minicrm.store.core.records import Interaction
from minicrm.store.people import search
from minicrm.store.people.cadence import fill_cadence_dates_of, id_chunks, reschedule

DIRECTIONS = ("in", "out")

#: SQL: the newest interaction with the client of contact `c`: internal kinds (a note) are not contact with the
#: client. One parameter: False.
LAST_CONTACT_SQL = (
    "(SELECT max(i.happened_at) FROM interaction i JOIN interaction_kind k ON k.name = i.kind"
    " WHERE i.contact_id = c.id AND k.internal = ?)"
)


@dataclass
class Kind:
    """An interaction kind; `internal` ones (a note) are not contact with the client."""

    name: str
    internal: bool = False
    recomputed: int = 0  # contacts whose last contact moved when the flag changed

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "internal": self.internal}


def kinds(session: Session) -> list[str]:
    return [r["name"] for r in session.all("SELECT name FROM interaction_kind ORDER BY position, name")]


def list_kinds(session: Session) -> list[Kind]:
    """Every kind, in their order, with whether it is internal."""
    return [
        Kind(r["name"], bool(r["internal"]))
        for r in session.all("SELECT name, internal FROM interaction_kind ORDER BY position, name")
    ]


def _find_kind(session: Session, kind: str) -> Kind:
    key = kind.strip().lower()
    row = session.one("SELECT name, internal FROM interaction_kind WHERE name = ?", (key,))
    if row is None:
        raise BadInput(
            _("unknown interaction kind '{kind}' (one of: {choices}; add one with: minicrm kind add NAME)").format(
                kind=kind, choices=", ".join(kinds(session))
            )
        )
    return Kind(row["name"], bool(row["internal"]))


def check_kind(session: Session, kind: str) -> str:
    return _find_kind(session, kind).name


def add_kind(
    session: Session,
    name: str,
    internal: bool | None = None,
    *,
    now: datetime | None = None,
    user_id: int | None = None,
) -> str:
    """Add a kind (internal when `internal`); an existing one is kept, its flag changed only when `internal` is given.

    Changing the flag of a kind already in use recomputes its contacts' last contact (see `set_kind_internal`).
    """
    key = name.strip().lower()
    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise BadInput(_("invalid kind '{name}' (letters, digits, - and _)").format(name=name))
    now = now or datetime.now().replace(microsecond=0)
    with session.write():
        old = session.one("SELECT internal FROM interaction_kind WHERE name = ?", (key,))
        if old is None:
            position = session.scalar("SELECT coalesce(max(position), 0) + 1 FROM interaction_kind")
            session.execute(
                "INSERT INTO interaction_kind (name, position, internal) VALUES (?, ?, ?)",
                (key, position, bool(internal)),
            )
            audit.record(session, entity="interaction_kind", entity_id=0, action="create", now=now, user_id=user_id,
                         changes={"name": (None, key), "internal": (None, bool(internal))})  # fmt: skip
        elif internal is not None and bool(old["internal"]) != internal:
            set_kind_internal(session, key, internal, now=now, user_id=user_id)
    return key


def set_kind_internal(
    session: Session, name: str, internal: bool, *, now: datetime, user_id: int | None = None
) -> Kind:
    """Make a kind internal (not contact with the client) or not, and recompute the last contact (and the
    cadence-derived next day) of every contact with an interaction of that kind."""
    with session.write():
        kind = _find_kind(session, name)
        if kind.internal == internal:
            return kind
        session.execute("UPDATE interaction_kind SET internal = ? WHERE name = ?", (internal, kind.name))
        audit.record(session, entity="interaction_kind", entity_id=0, action="update", now=now, user_id=user_id,
                     changes={"name": (kind.name, kind.name), "internal": (kind.internal, internal)})  # fmt: skip
        used = session.all(
            "SELECT DISTINCT contact_id FROM interaction WHERE kind = ? AND contact_id IS NOT NULL", (kind.name,)
        )
        ids = [r["contact_id"] for r in used]
        moved = recompute_last_contact(session, ids, now=now, user_id=user_id)
        recompute_company_last(session, kind=kind.name)
    return Kind(kind.name, internal, moved)


#: SQL: the newest interaction with company `co` itself (no person), internal kinds left out. One parameter: False.
COMPANY_LAST_SQL = (
    "(SELECT max(i.happened_at) FROM interaction i JOIN interaction_kind k ON k.name = i.kind"
    " WHERE i.company_id = co.id AND i.contact_id IS NULL AND k.internal = ?)"
)


def recompute_company_last(session: Session, *, kind: str | None = None) -> None:
    """Set `company.last_interaction_at` from the interactions logged with the company itself (of `kind` only
    when given: the companies whose interactions of that kind may have moved it)."""
    where, params = "", []
    if kind is not None:
        where = " WHERE co.id IN (SELECT i.company_id FROM interaction i WHERE i.kind = ? AND i.contact_id IS NULL)"
        params = [kind]
    with session.write():
        session.execute(f"UPDATE company AS co SET last_interaction_at = {COMPANY_LAST_SQL}{where}", [False, *params])


def recompute_last_contact(
    session: Session, contact_ids: Iterable[int], *, now: datetime, user_id: int | None = None
) -> int:
    """Set these contacts' `last_interaction_at` to their newest non-internal interaction (NULL when none) and
    recompute the cadence-derived next day of those whose last contact moved; returns how many moved."""
    moved: list[int] = []
    with session.write():
        for where, chunk in id_chunks(contact_ids):
            moved += [
                r["id"]
                for r in session.all(
                    f"SELECT c.id FROM contact c WHERE {where}"
                    f" AND c.last_interaction_at IS DISTINCT FROM {LAST_CONTACT_SQL}",
                    [*chunk, False],
                )
            ]
        for where, chunk in id_chunks(moved):
            session.execute(
                f"UPDATE contact AS c SET last_interaction_at = {LAST_CONTACT_SQL}, updated_at = ?,"
                f" revision = revision + 1 WHERE {where}",
                [False, now, *chunk],
            )
            reschedule(session, where=where, params=chunk, now=now, user_id=user_id, reason="last contact recomputed")
    return len(moved)


def count_notes_as_internal(session: Session, *, now: datetime) -> int:
    """What migration 0006 did to the data, for rows loaded from before it (`import json` of an older export):
    `note` is internal, and the last contacts notes had moved are recomputed. Returns how many moved."""
    with session.write():
        session.execute("UPDATE interaction_kind SET internal = ? WHERE name = 'note'", (True,))
        ids = [
            r["contact_id"]
            for r in session.all(
                "SELECT DISTINCT i.contact_id FROM interaction i JOIN interaction_kind k ON k.name = i.kind"
                " WHERE k.internal = ? AND i.contact_id IS NOT NULL",
                (True,),
            )
        ]
        return recompute_last_contact(session, ids, now=now)


def effective_cadence(session: Session, contact_id: int) -> int | None:
    """Stay-in-touch days: the contact's own, else its tags' (the shortest), else its company's, else the default."""
    from minicrm.store.people.cadence import effective_cadence as _effective

    return _effective(session, contact_id)


@dataclass
class Logged:
    id: int
    next_contact_on: date | None
    next_contact_goal: str | None
    next_changed: bool


@limited
def log_interaction(
    session: Session,
    *,
    contact_id: int | None,
    kind: str,
    summary: str,
    happened_at: datetime,
    now: datetime,
    user_id: int | None = None,
    direction: str | None = None,
    body: str | None = None,
    outcome: str | None = None,
    duration_min: int | None = None,
    deal_id: int | None = None,
    campaign_id: int | None = None,
    next_on: date | None = None,
    next_time: time | None = None,
    goal: str | None = None,
    mail_message_id: int | None = None,
    company_id: int | None = None,
) -> Logged:
    """Record an interaction, keep `last_interaction_at` and move the next-contact date.

    With `contact_id=None` the interaction is with company `company_id` itself (no person known): it moves the
    company's own `last_interaction_at` (its silence) and no contact's dates.

    The next date becomes, in order: `next_on` if given; else, for the newest interaction, the
    interaction + cadence, unless a pending hand-set date comes earlier; a hand-set date on or before
    the interaction is done by it and is cleared when no cadence applies. An interaction of an internal
    kind (a note) is not contact with the client: it is recorded but moves neither `last_interaction_at`
    nor the next date (only an explicit `next_on`).
    """
    summary = summary.strip()
    if not summary:
        raise BadInput(_("an interaction needs a summary"))
    if direction is not None and direction not in DIRECTIONS:
        raise BadInput(_("unknown direction '{direction}' (in or out)").format(direction=direction))
    if duration_min is not None and duration_min < 0:
        raise BadInput(_("negative duration '{minutes}'").format(minutes=duration_min))
    events.check(session, "interaction.logged", change={"contact_id": contact_id, "company_id": company_id,
                 "kind": kind, "summary": summary, "happened_at": happened_at, "direction": direction, "body": body,
                 "outcome": outcome, "duration_min": duration_min, "deal_id": deal_id,
                 "campaign_id": campaign_id})  # fmt: skip
    if contact_id is None:
        if company_id is None:
            raise BadInput(_("an interaction needs a contact or a company"))
        if next_on is not None or goal is not None:
            raise BadInput(
                _("a next-contact date belongs to a person: --next and --goal need a contact, not --company")
            )
        return _log_with_company(session, company_id=company_id, kind=kind, summary=summary, happened_at=happened_at,
                                 now=now, user_id=user_id, direction=direction, body=body, outcome=outcome,
                                 duration_min=duration_min, deal_id=deal_id, campaign_id=campaign_id,
                                 mail_message_id=mail_message_id)  # fmt: skip
    with session.write():
        found = _find_kind(session, kind)
        kind = found.name
        contact = session.one(
            "SELECT company_id, last_interaction_at, next_contact_on, next_contact_goal, next_contact_auto,"
            " next_contact_time FROM contact WHERE id = ?",
            (contact_id,),
        )
        assert contact is not None  # callers pass the id of an existing contact
        _check_links(session, deal_id, campaign_id)
        interaction_id = session.insert(
            "INSERT INTO interaction (contact_id, company_id, kind, direction, happened_at, summary, body, outcome,"
            " duration_min, deal_id, campaign_id, logged_by, created_at, mail_message_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                contact_id,
                contact["company_id"],
                kind,
                direction,
                happened_at,
                summary,
                body,
                outcome,
                duration_min,
                deal_id,
                campaign_id,
                user_id,
                now,
                mail_message_id,
            ),
        )
        search.index_interaction(session, interaction_id, summary, body)
        last = contact["last_interaction_at"]
        newest = not found.internal and (last is None or happened_at >= last)
        sets: dict[str, Any] = {}
        if newest:
            sets["last_interaction_at"] = happened_at
        old_next = (contact["next_contact_on"], contact["next_contact_goal"])
        if next_on is not None:
            sets.update(
                next_contact_on=next_on,
                next_contact_time=next_time.strftime("%H:%M") if next_time else None,
                next_contact_goal=goal,
                next_contact_auto=False,
            )
        elif newest:
            sets.update(_next_after(session, contact_id, contact, happened_at.date()))
        if sets:
            sets["updated_at"] = now
            session.execute(
                f"UPDATE contact SET {', '.join(f'{k} = ?' for k in sets)}, revision = revision + 1 WHERE id = ?",
                [*sets.values(), contact_id],
            )
        audit.record(
            session,
            entity="interaction",
            entity_id=interaction_id,
            action="create",
            now=now,
            user_id=user_id,
            changes={"contact_id": (None, contact_id), "kind": (None, kind), "summary": (None, summary)},
        )
        events.emit(session, "interaction.logged", lambda: get_interaction(session, interaction_id).to_json())
        new_next = (sets.get("next_contact_on", old_next[0]), sets.get("next_contact_goal", old_next[1]))
    return Logged(interaction_id, new_next[0], new_next[1], new_next != old_next)


def _check_links(session: Session, deal_id: int | None, campaign_id: int | None) -> None:
    if deal_id is not None and session.scalar("SELECT 1 FROM deal WHERE id = ?", (deal_id,)) is None:
        raise BadInput(_("no deal with id {id}").format(id=deal_id))
    if campaign_id is not None and session.scalar("SELECT 1 FROM campaign WHERE id = ?", (campaign_id,)) is None:
        raise BadInput(_("no campaign with id {id}").format(id=campaign_id))


def _log_with_company(session: Session, *, company_id: int, kind: str, summary: str, happened_at: datetime,
                      now: datetime, user_id: int | None, **values: Any) -> Logged:  # fmt: skip
    """An interaction with the company itself: contact_id NULL; moves `company.last_interaction_at`."""
    with session.write():
        found = _find_kind(session, kind)
        last = session.one("SELECT last_interaction_at FROM company WHERE id = ?", (company_id,))
        assert last is not None  # callers pass the id of an existing company
        _check_links(session, values["deal_id"], values["campaign_id"])
        columns = {"contact_id": None, "company_id": company_id, "kind": found.name, "happened_at": happened_at,
                   "summary": summary, **values, "logged_by": user_id, "created_at": now}  # fmt: skip
        interaction_id = session.insert(
            f"INSERT INTO interaction ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()),
        )
        search.index_interaction(session, interaction_id, summary, values["body"])
        previous = last["last_interaction_at"]
        if not found.internal and (previous is None or happened_at >= previous):
            session.execute("UPDATE company SET last_interaction_at = ? WHERE id = ?", (happened_at, company_id))
        audit.record(
            session,
            entity="interaction",
            entity_id=interaction_id,
            action="create",
            now=now,
            user_id=user_id,
            changes={"company_id": (None, company_id), "kind": (None, found.name), "summary": (None, summary)},
        )
        events.emit(session, "interaction.logged", lambda: get_interaction(session, interaction_id).to_json())
    return Logged(interaction_id, None, None, False)


def _next_after(session: Session, contact_id: int, contact: Any, day: date) -> dict[str, Any]:
    """The next-contact columns after an interaction on `day` (see log_interaction)."""
    cadence = effective_cadence(session, contact_id)
    current, auto = contact["next_contact_on"], bool(contact["next_contact_auto"])
    pending_by_hand = current is not None and not auto and current > day
    if cadence:
        due = day + timedelta(days=cadence)
        if pending_by_hand and current <= due:
            return {}
        return {"next_contact_on": due, "next_contact_time": None, "next_contact_goal": None, "next_contact_auto": True}
    if pending_by_hand or current is None:
        return {}
    return {"next_contact_on": None, "next_contact_time": None, "next_contact_goal": None, "next_contact_auto": False}


def set_next(
    session: Session,
    contact_id: int,
    *,
    on: date | None,
    at: time | None = None,
    goal: str | None = None,
    now: datetime,
    user_id: int | None = None,
) -> None:
    """Set (or with `on=None` clear) the next-contact date by hand."""
    with session.write():
        old = session.one("SELECT next_contact_on, next_contact_goal FROM contact WHERE id = ?", (contact_id,))
        assert old is not None  # callers pass the id of an existing contact
        session.execute(
            "UPDATE contact SET next_contact_on = ?, next_contact_time = ?, next_contact_goal = ?,"
            " next_contact_auto = ?, updated_at = ?, revision = revision + 1 WHERE id = ?",
            (on, at.strftime("%H:%M") if at else None, goal if on else None, False, now, contact_id),
        )
        if on is None:
            fill_cadence_dates_of(session, [contact_id])  # cleared: the cadence, if any, takes over
        audit.record(
            session,
            entity="contact",
            entity_id=contact_id,
            action="update",
            now=now,
            user_id=user_id,
            changes=audit.diff(dict(old), {"next_contact_on": on, "next_contact_goal": goal if on else None}),
        )


_SELECT = (
    "SELECT i.*, c.name AS contact, co.name AS company, u.name AS logged_by_name FROM interaction i"
    " LEFT JOIN contact c ON c.id = i.contact_id LEFT JOIN company co ON co.id = i.company_id"
    " LEFT JOIN app_user u ON u.id = i.logged_by"
)


def _record(r: Any) -> Interaction:
    return Interaction(
        id=r["id"],
        contact_id=r["contact_id"],
        contact=r["contact"],
        kind=r["kind"],
        happened_at=r["happened_at"],
        summary=r["summary"],
        company_id=r["company_id"],
        company=r["company"],
        direction=r["direction"],
        body=r["body"],
        outcome=r["outcome"],
        duration_min=r["duration_min"],
        deal_id=r["deal_id"],
        campaign_id=r["campaign_id"],
        logged_by=r["logged_by_name"],
        created_at=r["created_at"],
    )


def timeline(
    session: Session,
    *,
    contact_id: int | None = None,
    company_id: int | None = None,
    deal_id: int | None = None,
    kind: str | None = None,
    limit: int | None = 20,
) -> list[Interaction]:
    """Interactions of a contact, a company or a deal, newest first."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("i.contact_id", contact_id), ("i.company_id", company_id), ("i.deal_id", deal_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if kind:
        where.append("i.kind = ?")
        params.append(check_kind(session, kind))
    # Without a contact, SQLite would walk the whole happened_at index to avoid a sort (1.4 s on 1M rows for one
    # deal): `|| ''` keeps the order but makes it use the deal/company index and sort the few rows found.
    order = "i.happened_at" if contact_id is not None else session.dialect.sort_key_no_index("i.happened_at")
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY {order} DESC, i.id DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [_record(r) for r in session.all(sql, params)]


def get_interaction(session: Session, interaction_id: int) -> Interaction:
    row = session.one(_SELECT + " WHERE i.id = ?", (interaction_id,))
    if row is None:
        from minicrm.errors import NotFound

        raise NotFound(_("no interaction with id {id}").format(id=interaction_id))
    return _record(row)


def count_interactions(session: Session, *, contact_id: int) -> int:
    count: int = session.scalar("SELECT count(*) FROM interaction WHERE contact_id = ?", (contact_id,))
    return count
