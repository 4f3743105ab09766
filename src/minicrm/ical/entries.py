"""The entries of the iCal feed: follow-ups, tasks, deal next steps, birthdays and dates as calendar items.

They come from the due queue's own queries (`store.followups.due`) and know nothing of the iCal library:
`minicrm.ical.feed` renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from minicrm.errors import BadInput
from minicrm.store.core.db import Session
from minicrm.store.followups.due import (
    BIRTHDAY_COLS,
    BIRTHDAY_TABLE,
    DATE_COLS,
    DATE_TABLE,
    DEAL_COLS,
    FOLLOWUP_COLS,
    TASK_COLS,
    as_day,
    as_moment,
    birth_year,
    deal_query,
    followup_item,
    followup_query,
    maybe_moment,
    money_text,
    source_rows,
    task_query,
    yearly_on,
)

FEED_INCLUDES = ("followups", "tasks", "birthdays", "deals", "dates")


# SEQUENCE counts days from here: see `_version`.
SEQUENCE_EPOCH = date(2000, 1, 1)


@dataclass
class FeedEntry:
    """One calendar item, independent of the iCal library (`minicrm.ical.feed` renders it)."""

    uid_key: str  # "followup-42": with the database id it makes a UID stable across exports
    kind: str  # follow-up | task | deal | birthday | date
    on: date  # the day shown: an overdue item is moved to today
    due_on: date  # the day it was planned for (the first occurrence for yearly items)
    time: str | None  # "HH:MM" of the event: a timed event; None: all day (an overdue item is all day today)
    due_time: str | None  # "HH:MM" it was planned for (the VTODO's DUE), kept when overdue
    days_overdue: int
    summary: str
    description: str
    categories: list[str]
    sequence: int  # SEQUENCE (see `_version`)
    changed_at: datetime  # local time of the last change: DTSTAMP and LAST-MODIFIED
    contact_id: int | None = None
    yearly: bool = False
    todo: bool = False  # also offered as a VTODO (follow-ups and tasks)


def _version(revision: int, updated_at: datetime, late: int, today: date) -> tuple[int, datetime]:
    """SEQUENCE and the time of the last change of an item (RFC 5545 §3.8.7.4, §3.8.7.2).

    An overdue item moves to today every day: a new DTSTART and summary that clients only take when SEQUENCE
    and DTSTAMP change too. So an overdue item counts as changed at the start of today, and SEQUENCE is the
    row's revision plus the day number of the last change: it grows by one each day the item moves, and it
    never goes down (an edit raises the revision, and the day of the last change only moves forward).
    """
    changed = max(updated_at, datetime.combine(today, time())) if late else updated_at
    return revision + max((changed.date() - SEQUENCE_EPOCH).days, 0), changed


def database_id(session: Session) -> str:
    """The random id of this database (meta 'database_id'), part of every iCal UID."""
    value: str | None = session.scalar("SELECT value FROM meta WHERE key = 'database_id'")
    if not value:
        raise BadInput("this database has no id (meta 'database_id'); run any write command once to repair it")
    return value


def _contact_details(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """First phone, first e-mail, company and last interaction of each contact (batched, indexed)."""
    out: dict[int, dict[str, Any]] = {i: {} for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for r in session.all(
            # the company by its key per row: a join lets PostgreSQL hash all companies once per chunk
            "SELECT c.id, (SELECT co.name FROM company co WHERE co.id = c.company_id) AS company,"
            " (SELECT e.email FROM contact_email e WHERE e.contact_id = c.id ORDER BY e.position, e.id LIMIT 1)"
            " AS email,"
            " (SELECT p.phone FROM contact_phone p WHERE p.contact_id = c.id ORDER BY p.position, p.id LIMIT 1)"
            " AS phone,"
            " (SELECT i.id FROM interaction i WHERE i.contact_id = c.id ORDER BY i.happened_at DESC, i.id DESC"
            " LIMIT 1) AS last_id"
            f" FROM contact c WHERE c.id IN ({marks})",
            chunk,
        ):
            out[r["id"]].update(company=r["company"], email=r["email"], phone=r["phone"], last_id=r["last_id"])
        last_ids = [out[i]["last_id"] for i in chunk if out[i].get("last_id")]
        if last_ids:
            for r in session.all(
                "SELECT contact_id, happened_at, kind, summary FROM interaction"
                f" WHERE id IN ({', '.join('?' * len(last_ids))})",
                last_ids,
            ):
                out[r["contact_id"]]["last"] = r
    return out


def _details_lines(details: dict[str, Any] | None) -> list[str]:
    if not details:
        return []
    lines = []
    for label, key in (("Company", "company"), ("Phone", "phone"), ("Email", "email")):
        if details.get(key):
            lines.append(f"{label}: {details[key]}")
    last = details.get("last")
    if last is not None:
        at = maybe_moment(last["happened_at"])
        lines.append(f"Last contact: {at:%Y-%m-%d} ({last['kind']}) {last['summary']}")
    elif "company" in details:
        lines.append("Last contact: never")
    return lines


def feed_fingerprint(session: Session) -> tuple[Any, ...]:
    """Changes whenever anything the feed shows may have changed: every write is audited; tasks and deals
    are also compared by their newest `updated_at` and their count, in case a tool wrote them directly."""
    row = session.one(
        "SELECT (SELECT max(id) FROM audit_log) AS audit,"
        " (SELECT max(updated_at) FROM task) AS task_at, (SELECT count(*) FROM task) AS tasks,"
        " (SELECT max(updated_at) FROM deal) AS deal_at, (SELECT count(*) FROM deal) AS deals,"
        " (SELECT max(updated_at) FROM contact) AS contact_at, (SELECT count(*) FROM contact_date) AS dates"
    )
    assert row is not None  # a SELECT without FROM always returns one row
    return tuple(row[k] for k in ("audit", "task_at", "tasks", "deal_at", "deals", "contact_at", "dates"))


def feed_entries(
    session: Session,
    *,
    today: date,
    days_back: int = 365,
    days_ahead: int = 90,
    include: tuple[str, ...] = FEED_INCLUDES,
) -> list[FeedEntry]:
    """The items of the calendar feed, in a stable order.

    Follow-ups, tasks and deal steps planned from `days_back` days ago to `days_ahead` days ahead;
    overdue ones are kept and shown today. Birthdays and yearly dates repeat every year (no window).
    """
    unknown = set(include) - set(FEED_INCLUDES)
    if unknown:
        raise BadInput(f"unknown --include '{sorted(unknown)[0]}' (any of: {', '.join(FEED_INCLUDES)})")
    if days_back < 0 or days_ahead < 0:
        raise BadInput("--days-back and --days-ahead must be 0 or more")
    since, until = today - timedelta(days=days_back), today + timedelta(days=days_ahead)
    pending: list[tuple[FeedEntry, list[str]]] = []  # entry, description lines before the contact's details

    def add(uid_key: str, kind: str, planned: date, at: str | None, summary: str, r: Any, lines: list[str], *,
            contact_id: int | None, todo: bool = False, moves: bool = True, yearly: bool = False) -> None:  # fmt: skip
        late = max((today - planned).days, 0) if moves else 0  # an overdue item is shown today, all day
        sequence, changed = _version(r["revision"], as_moment(r["updated_at"]), late, today)
        categories = ["minicrm", kind, *(["overdue"] if late else [])]
        entry = FeedEntry(uid_key, kind, today if late else planned, planned, None if late else at, at, late,
                          f"OVERDUE {late}d: {summary}" if late else summary, "", categories, sequence, changed,
                          contact_id, yearly=yearly, todo=todo)  # fmt: skip
        pending.append((entry, lines))

    if "followups" in include:
        for r in source_rows(session, FOLLOWUP_COLS, followup_query(since=since, until=until, owner_id=None)):
            item = followup_item(r, today)
            by_cadence = r["next_contact_on"] is None or bool(r["next_contact_auto"])
            goal = r["next_contact_goal"] or ("stay in touch" if by_cadence and r["cadence"] else None)
            summary = f"Call {r['name']}" + (f" — {goal}" if goal else "")
            add(f"followup-{r['id']}", "follow-up", item.on, item.time, summary, r, [f"Why: {item.reason}"],
                contact_id=r["id"], todo=True)  # fmt: skip
    if "tasks" in include:
        for r in source_rows(session, TASK_COLS, task_query(since=since, until=until, owner_id=None)):
            summary = f"Task: {r['title']}" + (f" ({r['contact']})" if r["contact"] else "")
            lines = [*([f"Deal: {r['deal']}"] if r["deal"] else []), *([r["notes"]] if r["notes"] else [])]
            add(f"task-{r['id']}", "task", as_day(r["due_on"]), r["due_time"], summary, r, lines,
                contact_id=r["contact_id"], todo=True)  # fmt: skip
    if "deals" in include:
        for r in source_rows(session, DEAL_COLS, deal_query(since=since, until=until, owner_id=None)):
            step = r["next_step"] or "next step"
            summary = f"{step} — deal {r['title']}" + (f" ({r['contact']})" if r["contact"] else "")
            lines = [f"Deal: {r['title']} ({r['stage']}, {money_text(r['amount_minor'], r['currency'])})"]
            add(f"deal-{r['id']}", "deal", as_day(r["next_step_on"]), None, summary, r, lines,
                contact_id=r["contact_id"])  # fmt: skip
    if "birthdays" in include:
        for r in session.all(
            f"SELECT {BIRTHDAY_COLS} FROM {BIRTHDAY_TABLE} WHERE c.birthday_md IS NOT NULL AND c.archived = ?"
            " ORDER BY c.birthday_md, c.id",
            (False,),
        ):
            born = birth_year(r["birthday"])
            first = yearly_on(born or 2000, r["md"]) if born else date(2000, int(r["md"][:2]), int(r["md"][3:]))
            lines = [f"Born {r['birthday']}" if born else "Birthday (year unknown)"]
            add(f"birthday-{r['id']}", "birthday", first, None, f"Birthday: {r['name']}", r, lines,
                contact_id=r["id"], moves=False, yearly=True)  # fmt: skip
    if "dates" in include:
        for r in session.all(
            f"SELECT {DATE_COLS} FROM {DATE_TABLE} WHERE c.archived = ?"
            " AND (cd.yearly = ? OR cd.value BETWEEN ? AND ?) ORDER BY cd.md, cd.id",
            (False, True, since.isoformat(), until.isoformat()),
        ):
            first_year = birth_year(r["value"])
            md = r["md"]
            first = (
                date(first_year or 2000, int(md[:2]), int(md[3:])) if r["yearly"] else date.fromisoformat(r["value"])
            )
            lines = [f"{r['label']} ({r['value']})"]
            add(f"date-{r['date_id']}", "date", first, None, f"{r['label']}: {r['name']}", r, lines,
                contact_id=r["id"], moves=False, yearly=bool(r["yearly"]))  # fmt: skip
    details = _contact_details(session, sorted({e.contact_id for e, _ in pending if e.contact_id is not None}))
    entries = []
    for entry, lines in pending:
        contact = details.get(entry.contact_id) if entry.contact_id is not None else None
        entry.description = "\n".join([*lines, *_details_lines(contact)])
        entries.append(entry)
    order = {"follow-up": 0, "task": 1, "deal": 2, "birthday": 3, "date": 4}
    entries.sort(key=lambda e: (order[e.kind], e.uid_key.split("-")[0], int(e.uid_key.rsplit("-", 1)[1])))
    return entries
