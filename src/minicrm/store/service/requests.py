"""Service requests (tickets): what a client asked, who handles it, how long it took, and the time spent.

Status flow: new -> open -> waiting -> resolved -> closed (any move is allowed; moving back to an open
status clears the resolved/closed timestamps). Open = new, open or waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _, pgettext
from minicrm.store.core import audit, events
from minicrm.store.core.db import Session
from minicrm.store.core.limits import limited
from minicrm.store.core.records import check_revision, iso
from minicrm.store.core.text import fold

STATUSES = ("new", "open", "waiting", "resolved", "closed")
OPEN_STATUSES = ("new", "open", "waiting")
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_ORDER = "CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
MAX_MINUTES = 100_000  # one time entry: about ten weeks of work; more is a typo


def status_label(status: str) -> str:
    """A request's status as people read it (JSON and CSV keep the English value)."""
    names = {"new": pgettext("request status", "new"), "open": pgettext("request status", "open"),
             "waiting": pgettext("request status", "waiting"), "resolved": pgettext("request status", "resolved"),
             "closed": pgettext("request status", "closed")}  # fmt: skip
    return names.get(status, status)


def priority_label(priority: str) -> str:
    """A request's priority as people read it (JSON and CSV keep the English value)."""
    names = {"low": pgettext("priority", "low"), "normal": pgettext("priority", "normal"),
             "high": pgettext("priority", "high"), "urgent": pgettext("priority", "urgent")}  # fmt: skip
    return names.get(priority, priority)


def normalize_status(status: str) -> str:
    key = status.strip().lower()
    if key not in STATUSES:
        raise BadInput(
            _("unknown request status '{status}' (one of: {choices})").format(
                status=status, choices=", ".join(STATUSES)
            )
        )
    return key


def normalize_priority(priority: str) -> str:
    key = priority.strip().lower()
    if key not in PRIORITIES:
        raise BadInput(
            _("unknown priority '{priority}' (one of: {choices})").format(
                priority=priority, choices=", ".join(PRIORITIES)
            )
        )
    return key


def check_minutes(minutes: int) -> int:
    if minutes < 0:
        raise BadInput(_("negative time '{minutes}m'").format(minutes=minutes))
    if minutes == 0:
        raise BadInput(_("no time given (0 minutes)"))
    if minutes > MAX_MINUTES:
        raise BadInput(_("too much time in one entry ({minutes} minutes)").format(minutes=minutes))
    return minutes


@dataclass
class TimeEntry:
    id: int
    minutes: int
    spent_on: date
    user: str | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "minutes": self.minutes,
            "spent_on": iso(self.spent_on),
            "user": self.user,
            "note": self.note,
        }


@dataclass
class Request:
    id: int
    subject: str
    status: str
    priority: str
    opened_at: datetime
    contact_id: int | None = None
    contact: str | None = None
    company_id: int | None = None
    company: str | None = None
    description: str | None = None
    channel: str | None = None
    due_on: date | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: str | None = None
    assignee: str | None = None
    minutes: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1
    time: list[TimeEntry] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "status": self.status,
            "priority": self.priority,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "company_id": self.company_id,
            "company": self.company,
            "description": self.description,
            "channel": self.channel,
            "assignee": self.assignee,
            "opened_at": iso(self.opened_at),
            "due_on": iso(self.due_on),
            "resolved_at": iso(self.resolved_at),
            "closed_at": iso(self.closed_at),
            "resolution": self.resolution,
            "minutes": self.minutes,
            "time": [t.to_json() for t in self.time],
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "revision": self.revision,
        }


REQUEST_SELECT = (
    "SELECT r.*, c.name AS contact_name, co.name AS company_name, u.name AS assignee_name,"
    " (SELECT coalesce(sum(t.minutes), 0) FROM request_time t WHERE t.request_id = r.id) AS total_minutes"
    " FROM service_request r LEFT JOIN contact c ON c.id = r.contact_id"
    " LEFT JOIN company co ON co.id = r.company_id LEFT JOIN app_user u ON u.id = r.assignee_id"
)


def request_record(r: Any) -> Request:
    return Request(
        id=r["id"],
        subject=r["subject"],
        status=r["status"],
        priority=r["priority"],
        opened_at=r["opened_at"],
        contact_id=r["contact_id"],
        contact=r["contact_name"],
        company_id=r["company_id"],
        company=r["company_name"],
        description=r["description"],
        channel=r["channel"],
        due_on=r["due_on"],
        resolved_at=r["resolved_at"],
        closed_at=r["closed_at"],
        resolution=r["resolution"],
        assignee=r["assignee_name"],
        minutes=r["total_minutes"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        revision=r["revision"],
    )


# -- writing -----------------------------------------------------------------------------------


@limited
def create_request(
    session: Session,
    *,
    subject: str,
    now: datetime,
    user_id: int | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    description: str | None = None,
    channel: str | None = None,
    priority: str = "normal",
    status: str = "new",
    due_on: date | None = None,
    assignee_id: int | None = None,
    opened_at: datetime | None = None,
) -> int:
    """Record a client request; the company defaults to the contact's."""
    subject = " ".join(subject.split())
    if not subject:
        raise BadInput(_("a request needs a subject"))
    if contact_id is None and company_id is None:
        raise BadInput(_("a request needs a client: --contact or --company"))
    priority = normalize_priority(priority)
    status = normalize_status(status)
    opened_at = opened_at or now
    if opened_at > now:
        raise BadInput(
            _("a request cannot be opened in the future ({moment})").format(moment=f"{opened_at:%Y-%m-%d %H:%M}")
        )
    events.check(session, "request.opened", change={"subject": subject, "contact_id": contact_id,
                 "company_id": company_id, "description": description, "channel": channel, "priority": priority,
                 "status": status, "due_on": due_on, "opened_at": opened_at})  # fmt: skip
    with session.write():
        if contact_id is not None and company_id is None:
            company_id = session.scalar("SELECT company_id FROM contact WHERE id = ?", (contact_id,))
        columns = {
            "contact_id": contact_id,
            "company_id": company_id,
            "subject": subject,
            "subject_key": fold(subject),
            "description": description,
            "channel": channel.strip().lower() if channel else None,
            "priority": priority,
            "status": status,
            "opened_at": opened_at,
            "due_on": due_on,
            "resolved_at": now if status in ("resolved", "closed") else None,
            "closed_at": now if status == "closed" else None,
            "assignee_id": assignee_id,
            "created_by": user_id,
            "created_at": now,
            "updated_at": now,
            "revision": 1,
        }
        request_id = session.insert(
            f"INSERT INTO service_request ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            list(columns.values()),
        )
        audit.record(
            session,
            entity="request",
            entity_id=request_id,
            action="create",
            now=now,
            user_id=user_id,
            changes={k: (None, v) for k, v in columns.items() if v is not None and k not in ("subject_key",)},
        )
        events.emit(session, "request.opened", lambda: get_request(session, request_id).to_json())
    return request_id


EDITABLE = (
    "subject",
    "description",
    "channel",
    "priority",
    "status",
    "due_on",
    "assignee_id",
    "contact_id",
    "company_id",
    "resolution",
)


@limited
def update_request(
    session: Session,
    request_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    at: datetime | None = None,
    expected_revision: int | None = None,
    **values: Any,
) -> Request:
    """Change a request; a status move stamps resolved_at / closed_at with `at` (default now), or clears
    them when the request is reopened."""
    stamp = at or now
    if stamp > now:
        raise BadInput(
            _("a request cannot be resolved in the future ({moment})").format(moment=f"{stamp:%Y-%m-%d %H:%M}")
        )
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise BadInput(_("unknown request fields: {fields}").format(fields=", ".join(sorted(unknown))))
    if "subject" in values:
        values["subject"] = " ".join(str(values["subject"]).split())
        if not values["subject"]:
            raise BadInput(_("a request needs a subject"))
        values["subject_key"] = fold(values["subject"])
    if "priority" in values:
        values["priority"] = normalize_priority(values["priority"])
    if values.get("channel"):
        values["channel"] = values["channel"].strip().lower()
    if str(values.get("status", "")).strip().lower() == "closed":
        events.check(session, "request.closed", record=lambda: get_request(session, request_id).to_json(),
                     change=values)  # fmt: skip
    with session.write():
        old = session.one("SELECT * FROM service_request WHERE id = ?", (request_id,))
        if old is None:
            raise NotFound(_("no request with id {id}").format(id=request_id))
        old = dict(old)
        closing = str(values.get("status", "")).strip().lower() == "closed" and old["status"] != "closed"
        before = (
            events.snapshot(session, "request.closed", lambda: get_request(session, request_id).to_json())
            if closing
            else None
        )
        check_revision("request", request_id, old["revision"], expected_revision)
        if "status" in values:
            status = values["status"] = normalize_status(values["status"])
            if status in ("resolved", "closed") and stamp < old["opened_at"]:
                raise BadInput(
                    _("request {id} was opened {opened}, after {moment}").format(
                        id=request_id, opened=f"{old['opened_at']:%Y-%m-%d %H:%M}", moment=f"{stamp:%Y-%m-%d %H:%M}"
                    )
                )
            if status in ("resolved", "closed") and old["resolved_at"] is None:
                values["resolved_at"] = stamp
            if status == "closed" and old["closed_at"] is None:
                values["closed_at"] = stamp
            if status in OPEN_STATUSES:
                values["resolved_at"] = None
                values["closed_at"] = None
            if status == "resolved":
                values["closed_at"] = None
        if values.get("contact_id") is not None and "company_id" not in values:
            values["company_id"] = session.scalar(
                "SELECT company_id FROM contact WHERE id = ?", (values["contact_id"],)
            )
        changes = audit.diff(old, values)
        changes.pop("subject_key", None)
        if changes:
            sets = {**values, "updated_at": now, "revision": old["revision"] + 1}
            session.execute(
                f"UPDATE service_request SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
                [*sets.values(), request_id],
            )
            audit.record(
                session, entity="request", entity_id=request_id, action="update", now=now, user_id=user_id,
                changes=changes,
            )  # fmt: skip
        if closing:
            events.emit(session, "request.closed", lambda: get_request(session, request_id).to_json(), before=before)
    return get_request(session, request_id)


def close_request(
    session: Session,
    request_id: int,
    *,
    now: datetime,
    user_id: int | None = None,
    resolution: str | None = None,
    at: datetime | None = None,
) -> Request:
    values: dict[str, Any] = {"status": "closed"}
    if resolution:
        values["resolution"] = resolution
    return update_request(session, request_id, now=now, user_id=user_id, at=at, **values)


@limited
def add_time(
    session: Session,
    request_id: int,
    *,
    minutes: int,
    now: datetime,
    user_id: int | None = None,
    note: str | None = None,
    spent_on: date | None = None,
) -> int:
    """Log time spent on a request; returns the entry id."""
    minutes = check_minutes(minutes)
    spent_on = spent_on or now.date()
    if spent_on > now.date():
        raise BadInput(_("time cannot be spent in the future ({day})").format(day=spent_on))
    with session.write():
        if session.scalar("SELECT 1 FROM service_request WHERE id = ?", (request_id,)) is None:
            raise NotFound(_("no request with id {id}").format(id=request_id))
        entry_id = session.insert(
            "INSERT INTO request_time (request_id, user_id, minutes, spent_on, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (request_id, user_id, minutes, spent_on, note.strip() if note else None, now),
        )
        session.execute(
            "UPDATE service_request SET updated_at = ?, revision = revision + 1 WHERE id = ?", (now, request_id)
        )
        audit.record(
            session, entity="request", entity_id=request_id, action="update", now=now, user_id=user_id,
            changes={"+time": (None, minutes)},
        )  # fmt: skip
    return entry_id


# -- reading -----------------------------------------------------------------------------------


def get_request(session: Session, request_id: int) -> Request:
    row = session.one(REQUEST_SELECT + " WHERE r.id = ?", (request_id,))
    if row is None:
        raise NotFound(_("no request with id {id}").format(id=request_id))
    request = request_record(row)
    request.time = [
        TimeEntry(t["id"], t["minutes"], t["spent_on"], t["user_name"], t["note"])
        for t in session.all(
            "SELECT t.*, u.name AS user_name FROM request_time t LEFT JOIN app_user u ON u.id = t.user_id"
            " WHERE t.request_id = ? ORDER BY t.spent_on, t.id",
            (request_id,),
        )
    ]
    return request


def list_requests(
    session: Session,
    *,
    statuses: tuple[str, ...] | None = OPEN_STATUSES,
    contact_id: int | None = None,
    company_id: int | None = None,
    assignee_id: int | None = None,
    priority: str | None = None,
    limit: int | None = None,
) -> list[Request]:
    """Requests, most urgent first (priority, then due date, then oldest); open ones by default."""
    where: list[str] = []
    params: list[Any] = []
    if statuses:
        where.append(f"r.status IN ({', '.join('?' * len(statuses))})")
        params += [normalize_status(s) for s in statuses]
    for column, value in (("r.contact_id", contact_id), ("r.company_id", company_id), ("r.assignee_id", assignee_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if priority:
        where.append("r.priority = ?")
        params.append(normalize_priority(priority))
    sql = REQUEST_SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += f" ORDER BY {PRIORITY_ORDER}, r.due_on IS NULL, r.due_on, r.opened_at, r.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    return [request_record(r) for r in session.all(sql, params)]


def open_count(session: Session, *, contact_id: int | None = None, company_id: int | None = None) -> int:
    column, value = ("contact_id", contact_id) if contact_id is not None else ("company_id", company_id)
    marks = ", ".join("?" * len(OPEN_STATUSES))
    count: int = session.scalar(
        f"SELECT count(*) FROM service_request WHERE {column} = ? AND status IN ({marks})", [value, *OPEN_STATUSES]
    )
    return count


def open_by_assignee(session: Session) -> dict[int | None, int]:
    """Open requests (new, open, waiting) per assignee (the key None: nobody's), in one grouped count."""
    marks = ", ".join("?" * len(OPEN_STATUSES))
    rows = session.all(
        f"SELECT assignee_id AS uid, count(*) AS n FROM service_request WHERE status IN ({marks}) GROUP BY assignee_id",
        list(OPEN_STATUSES),
    )
    return {r["uid"]: r["n"] for r in rows}
