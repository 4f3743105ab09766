"""The entries of the iCal feed: follow-ups, tasks, deal next steps, birthdays and dates as calendar items.

They come from the due queue's own queries (`store.followups.due`) and know nothing of iCalendar
(`minicrm.ical.feed` renders them). `iter_entries` reads them in the feed's order (follow-ups, tasks, deal
steps, birthdays, dates; each by id) a batch at a time, so a feed of 100,000 items never holds them all;
with a `Scope` it reads only the items of some contacts, tasks and deals (`ical serve` after a change).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
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
    task_query,
    yearly_on,
)

FEED_INCLUDES = ("followups", "tasks", "birthdays", "deals", "dates")
BATCH = 1000  # rows read, and contacts looked up, at a time
_CHUNK = 500  # ids per IN (...)

# SEQUENCE counts days from here: see `_version`.
SEQUENCE_EPOCH = date(2000, 1, 1)


@dataclass(slots=True)
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
    deal_id: int | None = None  # a task's deal, whose title it shows


@dataclass(frozen=True)
class Window:
    """What a feed holds: the kinds, and the planned days of follow-ups, tasks and deal steps."""

    today: date
    since: date
    until: date
    include: tuple[str, ...]


def window(*, today: date, days_back: int = 365, days_ahead: int = 90,
           include: tuple[str, ...] | None = None) -> Window:  # fmt: skip
    """Follow-ups, tasks and deal steps planned from `days_back` days ago to `days_ahead` days ahead (overdue
    ones are kept and shown today); birthdays and yearly dates repeat every year (no window)."""
    include = include or FEED_INCLUDES
    unknown = set(include) - set(FEED_INCLUDES)
    if unknown:
        raise BadInput(
            _("unknown --include '{kind}' (any of: {choices})").format(
                kind=sorted(unknown)[0], choices=", ".join(FEED_INCLUDES)
            )
        )
    if days_back < 0 or days_ahead < 0:
        raise BadInput(_("--days-back and --days-ahead must be 0 or more"))
    return Window(today, today - timedelta(days=days_back), today + timedelta(days=days_ahead), tuple(include))


@dataclass(frozen=True)
class Scope:
    """A part of the feed: the follow-ups, birthdays and dates of `contacts`, the tasks and deal steps by id."""

    contacts: frozenset[int] = frozenset()
    tasks: frozenset[int] = frozenset()
    deals: frozenset[int] = frozenset()


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
        raise BadInput(_("this database has no id (meta 'database_id'); run any write command once to repair it"))
    return value


# Each item's contact, in the same row (`c` is the contact in every query of the feed): its company, first
# e-mail, first phone and last contact: the newest interaction with the client (internal kinds such as a note
# are not contact: migration 0006), whose text `_last_contacts` reads by id for a batch of rows.
_DETAILS = (
    ", (SELECT dco.name FROM company dco WHERE dco.id = c.company_id) AS d_company,"
    " (SELECT e.email FROM contact_email e WHERE e.contact_id = c.id ORDER BY e.position, e.id LIMIT 1) AS d_email,"
    " (SELECT p.phone FROM contact_phone p WHERE p.contact_id = c.id ORDER BY p.position, p.id LIMIT 1) AS d_phone,"
    " (SELECT i.id FROM interaction i WHERE i.contact_id = c.id AND i.kind NOT IN"
    " (SELECT k.name FROM interaction_kind k WHERE k.internal = ?) ORDER BY i.happened_at DESC, i.id DESC LIMIT 1)"
    " AS d_last, c.id AS d_contact"
)


def _last_contacts(session: Session, ids: list[int]) -> dict[int, str]:
    """`Last contact: DAY (kind) summary` of each interaction id."""
    out = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for r in session.all(
            f"SELECT id, happened_at, kind, summary FROM interaction WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            at = maybe_moment(r["happened_at"])
            out[r["id"]] = _("Last contact: {day} ({kind}) {summary}").format(
                day=f"{at:%Y-%m-%d}", kind=r["kind"], summary=r["summary"]
            )
    return out


def _details_lines(r: Any, last: dict[int, str]) -> list[str]:
    """The contact's lines of an item's description (none for an item without a contact)."""
    if r["d_contact"] is None:
        return []
    labels = ((_("Company: {value}"), "d_company"), (_("Phone: {value}"), "d_phone"), (_("Email: {value}"), "d_email"))
    lines = [label.format(value=r[key]) for label, key in labels if r[key]]
    lines.append(last.get(r["d_last"]) or _("Last contact: never"))
    return lines


# -- rows to entries ----------------------------------------------------------------------------------------
_Pending = tuple[FeedEntry, list[str]]  # an entry, and the lines of its description before the contact's details


def _entry(win: Window, uid_key: str, kind: str, planned: date, at: str | None, summary: str, r: Any,
           lines: list[str], *, contact_id: int | None, todo: bool = False, moves: bool = True,
           yearly: bool = False, deal_id: int | None = None) -> _Pending:  # fmt: skip
    today = win.today
    late = max((today - planned).days, 0) if moves else 0  # an overdue item is shown today, all day
    sequence, changed = _version(r["revision"], as_moment(r["updated_at"]), late, today)
    categories = ["minicrm", kind, *(["overdue"] if late else [])]
    shown = _("OVERDUE {days}d: {summary}").format(days=late, summary=summary) if late else summary
    entry = FeedEntry(uid_key, kind, today if late else planned, planned, None if late else at, at, late, shown, "",
                      categories, sequence, changed, contact_id, yearly, todo, deal_id)  # fmt: skip
    return entry, lines


def _followup(win: Window, r: Any) -> _Pending:
    item = followup_item(r, win.today)
    by_cadence = r["next_contact_on"] is None or bool(r["next_contact_auto"])
    goal = r["next_contact_goal"] or (_("stay in touch") if by_cadence and r["cadence"] else None)
    summary = (_("Call {name} — {goal}") if goal else _("Call {name}")).format(name=r["name"], goal=goal)
    why = _("Why: {reason}").format(reason=item.reason)
    return _entry(win, f"followup-{r['id']}", "follow-up", item.on, item.time, summary, r, [why],
                  contact_id=r["id"], todo=True)  # fmt: skip


def _task(win: Window, r: Any) -> _Pending:
    summary = (_("Task: {title} ({contact})") if r["contact"] else _("Task: {title}")).format(
        title=r["title"], contact=r["contact"]
    )
    lines = [*([_("Deal: {deal}").format(deal=r["deal"])] if r["deal"] else []), *([r["notes"]] if r["notes"] else [])]
    return _entry(win, f"task-{r['id']}", "task", as_day(r["due_on"]), r["due_time"], summary, r, lines,
                  contact_id=r["contact_id"], todo=True, deal_id=r["deal_ref"])  # fmt: skip


def _deal(win: Window, r: Any) -> _Pending:
    step = r["next_step"] or _("next step")
    summary = (_("{step} — deal {deal} ({contact})") if r["contact"] else _("{step} — deal {deal}")).format(
        step=step, deal=r["title"], contact=r["contact"]
    )
    amount = money_text(r["amount_minor"], r["currency"])
    lines = [_("Deal: {deal} ({stage}, {amount})").format(deal=r["title"], stage=r["stage"], amount=amount)]
    return _entry(win, f"deal-{r['id']}", "deal", as_day(r["next_step_on"]), None, summary, r, lines,
                  contact_id=r["contact_id"])  # fmt: skip


def _birthday(win: Window, r: Any) -> _Pending:
    born = birth_year(r["birthday"])
    first = yearly_on(born or 2000, r["md"]) if born else date(2000, int(r["md"][:2]), int(r["md"][3:]))
    lines = [_("Born {date}").format(date=r["birthday"]) if born else _("Birthday (year unknown)")]
    summary = _("Birthday: {name}").format(name=r["name"])
    return _entry(win, f"birthday-{r['id']}", "birthday", first, None, summary, r, lines,
                  contact_id=r["id"], moves=False, yearly=True)  # fmt: skip


def _date(win: Window, r: Any) -> _Pending:
    first_year, md = birth_year(r["value"]), r["md"]
    first = date(first_year or 2000, int(md[:2]), int(md[3:])) if r["yearly"] else date.fromisoformat(r["value"])
    return _entry(win, f"date-{r['date_id']}", "date", first, None, f"{r['label']}: {r['name']}", r,
                  [f"{r['label']} ({r['value']})"], contact_id=r["id"], moves=False,
                  yearly=bool(r["yearly"]))  # fmt: skip


def _ids(column: str, ids: frozenset[int]) -> Iterator[tuple[str, list[int]]]:
    """` AND column IN (...)` per chunk of `ids`, in order."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        yield f" AND {column} IN ({', '.join('?' * len(chunk))})", chunk


def _sources(win: Window, scope: Scope | None) -> Iterator[tuple[str, list[Any], Any]]:
    """(SQL, parameters, row -> entry) of each query of the feed, in the feed's order."""
    sources: list[tuple[str, str, list[Any], str, Any, frozenset[int] | None]] = []
    if "followups" in win.include:
        src = followup_query(since=win.since, until=win.until, owner_id=None)
        sources.append((FOLLOWUP_COLS + _DETAILS + src.sql, "c.id", src.params, "c.id", _followup,
                        None if scope is None else scope.contacts))  # fmt: skip
    if "tasks" in win.include:
        src = task_query(since=win.since, until=win.until, owner_id=None)
        sources.append((f"{TASK_COLS}, t.deal_id AS deal_ref{_DETAILS}{src.sql}", "t.id", src.params, "t.id", _task,
                        None if scope is None else scope.tasks))  # fmt: skip
    if "deals" in win.include:
        src = deal_query(since=win.since, until=win.until, owner_id=None)
        sources.append((DEAL_COLS + _DETAILS + src.sql, "d.id", src.params, "d.id", _deal,
                        None if scope is None else scope.deals))  # fmt: skip
    if "birthdays" in win.include:
        sources.append((f"SELECT {BIRTHDAY_COLS}{_DETAILS} FROM {BIRTHDAY_TABLE} WHERE c.birthday_md IS NOT NULL"
                        " AND c.archived = ?", "c.id", [False], "c.id", _birthday,
                        None if scope is None else scope.contacts))  # fmt: skip
    if "dates" in win.include:
        sources.append((f"SELECT {DATE_COLS}{_DETAILS} FROM {DATE_TABLE} WHERE c.archived = ?"
                        " AND (cd.yearly = ? OR cd.value BETWEEN ? AND ?)", "c.id",
                        [False, True, win.since.isoformat(), win.until.isoformat()], "cd.id", _date,
                        None if scope is None else scope.contacts))  # fmt: skip
    for sql, scope_column, params, order, make, ids in sources:
        if ids is None:
            yield f"{sql} ORDER BY {order}", [True, *params], make
            continue
        for cond, chunk in _ids(scope_column, ids):
            yield f"{sql}{cond} ORDER BY {order}", [True, *params, *chunk], make


def iter_entries(session: Session, win: Window, scope: Scope | None = None) -> Iterator[FeedEntry]:
    """The items of the feed in its order (or those of `scope`), read and completed `BATCH` rows at a time."""
    for sql, params, make in _sources(win, scope):
        cursor = session.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            last = _last_contacts(session, [r["d_last"] for r in rows if r["d_last"]])
            for r in rows:
                entry, lines = make(win, r)
                entry.description = "\n".join(lines + _details_lines(r, last))
                yield entry


def feed_entries(
    session: Session,
    *,
    today: date,
    days_back: int = 365,
    days_ahead: int = 90,
    include: tuple[str, ...] = FEED_INCLUDES,
) -> list[FeedEntry]:
    """Every item of the feed, in its order (a list: for tests and small feeds; the feed streams them)."""
    win = window(today=today, days_back=days_back, days_ahead=days_ahead, include=include)
    return list(iter_entries(session, win))


def timed_plans(session: Session, win: Window) -> Iterator[tuple[date, str]]:
    """The planned day and "HH:MM" of every timed follow-up and task of the feed: the date-times it may write
    in the local zone, known before its items are (its VTIMEZONE comes first)."""
    queries = []
    if "followups" in win.include:
        src = followup_query(since=win.since, until=win.until, owner_id=None, count=True)
        queries.append(("SELECT c.next_contact_on AS day, c.next_contact_time AS at" + src.sql
                        + " AND c.next_contact_time IS NOT NULL", src.params))  # fmt: skip
    if "tasks" in win.include:
        src = task_query(since=win.since, until=win.until, owner_id=None, count=True)
        queries.append((f"SELECT t.due_on AS day, t.due_time AS at{src.sql} AND t.due_time IS NOT NULL", src.params))
    for sql, params in queries:
        cursor = session.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            for r in rows:
                yield as_day(r["day"]), r["at"]
