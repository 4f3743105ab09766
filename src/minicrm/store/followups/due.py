"""The due queue: follow-ups, tasks, deal next steps, requests, birthdays and dates, overdue first.

Everything is selected in SQL through indexes (`contact.next_contact_on`, `contact.birthday_md`,
`task(done, due_on)`, `deal.next_step_on`, `contact_date`); counts come from the same indexes.
The row readers and queries here are shared with the iCal feed (`minicrm.ical.entries`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from minicrm import display
from minicrm.errors import BadInput
from minicrm.i18n import _, ngettext
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.people.cadence import EFFECTIVE_CADENCE_SQL

KINDS = ("follow-up", "task", "deal", "request", "birthday", "date")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


def _day(value: Any) -> date | None:
    """A DATE from a column or an SQL expression (expressions come back as text on SQLite)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def maybe_moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def as_day(value: Any) -> date:
    """`_day` of a NOT NULL column, or of one the query filtered on."""
    day = _day(value)
    assert day is not None
    return day


def as_moment(value: Any) -> datetime:
    """`maybe_moment` of a NOT NULL column."""
    at = maybe_moment(value)
    assert at is not None
    return at


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_text(n: int) -> str:
    """`1 day`, `5 days`, `5 дней`, `21 день`."""
    return ngettext("{n} day", "{n} days", n).format(n=n)


# -- the due queue ------------------------------------------------------------------------------


@dataclass
class DueItem:
    kind: str  # "follow-up" | "task" | "deal" | "birthday" | "date"
    on: date
    time: str | None  # "HH:MM" or None
    contact_id: int | None
    contact: str | None
    company: str | None
    title: str  # goal / task title / deal next step / "Birthday (turns 42)"
    days_overdue: int  # > 0 when overdue, else 0
    ref_id: int  # contact id, task id or deal id
    reason: str = ""  # why it is in the queue, for humans

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "on": iso(self.on),
            "time": self.time,
            "contact_id": self.contact_id,
            "contact": self.contact,
            "company": self.company,
            "title": self.title,
            "days_overdue": self.days_overdue,
            "overdue": self.overdue,
            "ref_id": self.ref_id,
            "reason": self.reason,
        }


def _overdue_text(days: int) -> str:
    return _("; overdue by {days}").format(days=days_text(days)) if days > 0 else ""


_FOLLOWUP_FROM = " FROM contact c LEFT JOIN company co ON co.id = c.company_id"
FOLLOWUP_COLS = (
    "SELECT c.id, c.name, c.revision, c.updated_at, co.name AS company, c.next_contact_on, c.next_contact_time,"
    " c.next_contact_goal, c.next_contact_auto, c.last_interaction_at, c.created_at,"
    f" {EFFECTIVE_CADENCE_SQL} AS cadence, c.next_contact_on AS next_on"
)


class _Source(NamedTuple):
    """One source of the due queue: `FROM ... WHERE ...` and its parameters."""

    sql: str
    params: list[Any]
    day: str  # its date column: the window, the order (then `tiebreak`) and the overdue count
    tiebreak: str
    owner: str  # whose item it is: what `--owner` filters on and `overdue_by_owner` groups by


def source_rows(session: Session, cols: str, source: _Source, limit: int | None = None) -> list[Any]:
    """Run `cols + source`, ordered and cut in SQL when a limit is given (so only those rows are read)."""
    sql = cols + source.sql
    if limit:
        return session.all(f"{sql} ORDER BY {source.day}, {source.tiebreak} LIMIT ?", [*source.params, limit])
    return session.all(sql, source.params)


def _window(column: str, since: date | None, until: date) -> tuple[str, list[Any]]:
    return f"{column} <= ?" + (f" AND {column} >= ?" if since else ""), [until, *([since] if since else [])]


def followup_query(*, since: date | None, until: date, owner_id: int | None, count: bool = False) -> _Source:
    """Contacts whose next-contact day is in [since, until].

    Cadence-derived days are stored (`cadence.fill_cadence_dates`), so this is one range of the
    `contact.next_contact_on` index, and `LIMIT` stops it early.
    """
    cond, params = _window("c.next_contact_on", since, until)
    sql = f"{' FROM contact c' if count else _FOLLOWUP_FROM} WHERE {cond} AND c.archived = ?"
    params.append(False)
    owner = "c.owner_id"
    if owner_id is not None:
        sql += f" AND {owner} = ?"
        params.append(owner_id)
    return _Source(sql, params, "c.next_contact_on", "COALESCE(c.next_contact_time, ''), c.name, c.id", owner)


def followup_item(r: Any, today: date) -> DueItem:
    on = as_day(r["next_on"])
    late = max((today - on).days, 0)
    last = maybe_moment(r["last_interaction_at"])
    if r["next_contact_on"] is not None and not r["next_contact_auto"]:
        title = r["next_contact_goal"] or _("Follow up")
        reason = _("follow-up planned for {day}").format(day=display.day(on))
    else:
        title = r["next_contact_goal"] or _("Stay in touch")
        since = _("last contact {day}").format(day=display.day(last.date())) if last else _("never contacted")
        every = _("stay in touch every {days}, {since}")
        reason = every.format(days=days_text(r["cadence"]), since=since) if r["cadence"] else _("follow-up due")
    return DueItem("follow-up", on, r["next_contact_time"], r["id"], r["name"], r["company"], title, late, r["id"],
                   reason + _overdue_text(late))  # fmt: skip


TASK_COLS = (
    "SELECT t.id, t.title, t.due_on, t.due_time, t.contact_id, t.revision, t.updated_at, t.notes, c.name AS contact,"
    " co.name AS company, d.title AS deal"
)
_TASK_FROM = (
    " FROM task t LEFT JOIN contact c ON c.id = t.contact_id"
    " LEFT JOIN company co ON co.id = COALESCE(t.company_id, c.company_id) LEFT JOIN deal d ON d.id = t.deal_id"
)


def task_query(*, since: date | None, until: date, owner_id: int | None, count: bool = False) -> _Source:
    cond, params = _window("t.due_on", since, until)
    joins = " FROM task t LEFT JOIN contact c ON c.id = t.contact_id" if count else _TASK_FROM
    sql = f"{joins} WHERE t.done = ? AND {cond} AND (c.id IS NULL OR c.archived = ?)"
    params = [False, *params, False]
    owner = "COALESCE(t.assignee_id, c.owner_id)"
    if owner_id is not None:
        sql += f" AND {owner} = ?"
        params.append(owner_id)
    return _Source(sql, params, "t.due_on", "COALESCE(t.due_time, ''), c.name, t.id", owner)


def _task_item(r: Any, today: date) -> DueItem:
    on = as_day(r["due_on"])
    late = max((today - on).days, 0)
    reason = _("task due {day}").format(day=display.day(on)) + (
        _(" (deal '{deal}')").format(deal=r["deal"]) if r["deal"] else ""
    )
    return DueItem("task", on, r["due_time"], r["contact_id"], r["contact"], r["company"], r["title"], late, r["id"],
                   reason + _overdue_text(late))  # fmt: skip


DEAL_COLS = (
    "SELECT d.id, d.title, d.next_step, d.next_step_on, d.contact_id, d.amount_minor, d.currency, d.revision,"
    " d.updated_at, s.name AS stage, c.name AS contact, co.name AS company"
)
_DEAL_FROM = (
    # `+d.stage_id`: reach deals through their next-step index, not all deals of the open stages
    " FROM deal d JOIN pipeline_stage s ON s.id = +d.stage_id LEFT JOIN contact c ON c.id = d.contact_id"
    " LEFT JOIN company co ON co.id = COALESCE(d.company_id, c.company_id)"
)


def deal_query(*, since: date | None, until: date, owner_id: int | None, count: bool = False) -> _Source:
    cond, params = _window("d.next_step_on", since, until)
    if count:  # driven by the next-step index alone, the stage checked against the (few) open stages
        sql = (
            " FROM deal d LEFT JOIN contact c ON c.id = d.contact_id WHERE +d.stage_id IN"
            f" (SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'open') AND {cond}"
            " AND (c.id IS NULL OR c.archived = ?)"
        )
    else:
        sql = f"{_DEAL_FROM} WHERE s.outcome = 'open' AND {cond} AND (c.id IS NULL OR c.archived = ?)"
    params.append(False)
    owner = "COALESCE(d.owner_id, c.owner_id)"
    if owner_id is not None:
        sql += f" AND {owner} = ?"
        params.append(owner_id)
    return _Source(sql, params, "d.next_step_on", "c.name, d.id", owner)


def money_text(minor: int | None, currency: str | None) -> str:
    if minor is None:
        return ""
    return f"{Decimal(minor).scaleb(-2):.2f} {currency or ''}".strip()


def _deal_item(r: Any, today: date) -> DueItem:
    on = as_day(r["next_step_on"])
    late = max((today - on).days, 0)
    title = r["next_step"] or _("Next step: {deal}").format(deal=r["title"])
    reason = _("next step of deal '{deal}' ({stage}, {amount})").format(
        deal=r["title"], stage=r["stage"], amount=money_text(r["amount_minor"], r["currency"])
    )
    return DueItem("deal", on, None, r["contact_id"], r["contact"], r["company"], title, late, r["id"],
                   reason + _overdue_text(late))  # fmt: skip


# kind -> (its columns, its query, the DueItem of a row): the due queue, its counts and the feed read them
_SOURCES: dict[str, tuple[str, Any, Any]] = {
    "follow-up": (FOLLOWUP_COLS, followup_query, followup_item),
    "task": (TASK_COLS, task_query, _task_item),
    "deal": (DEAL_COLS, deal_query, _deal_item),
}


def _year_segments(start: date, end: date) -> list[tuple[int, str, str, bool]]:
    """[start, end] cut per calendar year: (year, first MM-DD, last MM-DD, includes a common-year 1 March)."""
    out = []
    for year in range(start.year, end.year + 1):
        lo = max(start, date(year, 1, 1))
        hi = min(end, date(year, 12, 31))
        march1 = date(year, 3, 1)
        out.append((year, lo.strftime("%m-%d"), hi.strftime("%m-%d"), not _leap(year) and lo <= march1 <= hi))
    return out


def yearly_on(year: int, md: str) -> date:
    """The day an MM-DD falls on in `year`; 29 February is celebrated on 1 March in common years."""
    month, day = int(md[:2]), int(md[3:5])
    if (month, day) == (2, 29) and not _leap(year):
        return date(year, 3, 1)
    return date(year, month, day)


def yearly_rows(
    session: Session,
    *,
    table: str,
    md_column: str,
    extra: str,
    start: date,
    end: date,
    owner_id: int | None,
    limit: int | None = None,
) -> list[tuple[Any, date]]:
    """Rows whose yearly MM-DD falls in [start, end] (at most a few years), each with its day.

    With `limit`, the first rows by day and name are enough (a 29 February moved to 1 March reads all).
    """
    if end < start:
        return []
    end = min(end, start + timedelta(days=366 * 3))
    found: list[tuple[Any, date]] = []
    owner = " AND c.owner_id = ?" if owner_id is not None else ""
    for year, lo, hi, march1 in _year_segments(start, end):
        if limit and len(found) >= limit:
            break
        cond = f"({md_column} BETWEEN ? AND ?" + (f" OR {md_column} = '02-29')" if march1 else ")")
        sql = f"SELECT {extra} FROM {table} WHERE {cond} AND c.archived = ?{owner}" + (
            " AND cd.yearly = ?" if table.startswith("contact_date") else ""
        )
        params: list[Any] = [lo, hi, False, *([owner_id] if owner_id is not None else [])]
        if table.startswith("contact_date"):
            params.append(True)
        if limit and not march1:
            sql += f" ORDER BY {md_column}, c.name, c.id LIMIT ?"
            params.append(limit - len(found))
        for r in session.all(sql, params):
            day = yearly_on(year, r["md"])
            if start <= day <= end:
                found.append((r, day))
    return found


BIRTHDAY_TABLE = "contact c LEFT JOIN company co ON co.id = c.company_id"
BIRTHDAY_COLS = "c.id, c.name, c.birthday, c.birthday_md AS md, c.revision, c.updated_at, co.name AS company"
DATE_TABLE = "contact_date cd JOIN contact c ON c.id = cd.contact_id LEFT JOIN company co ON co.id = c.company_id"
DATE_COLS = (
    "cd.id AS date_id, cd.label, cd.value, cd.md, cd.yearly, c.id, c.name, c.revision, c.updated_at, co.name AS company"
)


def birth_year(value: str | None) -> int | None:
    if value and not value.startswith("--") and value[:4].isdigit():
        return int(value[:4])
    return None


def _birthday_item(r: Any, day: date) -> DueItem:
    born = birth_year(r["birthday"])
    title = _("Birthday (turns {age})").format(age=day.year - born) if born else _("Birthday")
    return DueItem("birthday", day, None, r["id"], r["name"], r["company"], title, 0, r["id"],
                   _("birthday on {day}").format(day=display.day(day)))  # fmt: skip


def _date_item(r: Any, day: date) -> DueItem:
    first = birth_year(r["value"])
    years = day.year - first if r["yearly"] and first and day.year > first else None
    title = r["label"] + (" (" + ngettext("{n} year", "{n} years", years).format(n=years) + ")" if years else "")
    return DueItem("date", day, None, r["id"], r["name"], r["company"], title, 0, r["id"],
                   _("{label} on {day}").format(label=r["label"], day=display.day(day)))  # fmt: skip


def date_rows(session: Session, *, start: date, end: date, owner_id: int | None) -> list[tuple[Any, date]]:
    rows = yearly_rows(session, table=DATE_TABLE, md_column="cd.md", extra=DATE_COLS, start=start, end=end,
                        owner_id=owner_id)  # fmt: skip
    owner = " AND c.owner_id = ?" if owner_id is not None else ""
    for r in session.all(
        f"SELECT {DATE_COLS} FROM {DATE_TABLE} WHERE cd.yearly = ? AND cd.value BETWEEN ? AND ?"
        f" AND c.archived = ?{owner}",
        [False, start.isoformat(), end.isoformat(), False, *([owner_id] if owner_id is not None else [])],
    ):
        rows.append((r, date.fromisoformat(r["value"])))
    return rows


def _check_kinds(kinds: tuple[str, ...]) -> None:
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise BadInput(
            _("unknown kind '{kind}' (one of: {choices})").format(kind=sorted(unknown)[0], choices=", ".join(KINDS))
        )


def due_items(
    session: Session,
    *,
    today: date,
    until: date,
    overdue_only: bool = False,
    owner_id: int | None = None,
    kinds: tuple[str, ...] = KINDS,
    limit: int | None = None,
) -> list[DueItem]:
    """Everything to do up to `until` (inclusive): overdue first, then by date, time and kind.

    With `limit`, each source is ordered and cut in SQL, so the cost follows the limit, not the backlog.
    """
    _check_kinds(kinds)
    if until < today and not overdue_only:
        raise BadInput(
            _("--until {until} is before today ({today})").format(until=until.isoformat(), today=today.isoformat())
        )
    if overdue_only:
        return due_list(session, today=today, since=None, until=today - timedelta(days=1), owner_id=owner_id,
                    kinds=tuple(k for k in kinds if k not in ("birthday", "date")), limit=limit)  # fmt: skip
    return due_list(session, today=today, since=None, until=until, owner_id=owner_id, kinds=kinds, limit=limit)


def due_list(
    session: Session,
    *,
    today: date,
    since: date | None,
    until: date,
    owner_id: int | None,
    kinds: tuple[str, ...],
    limit: int | None,
) -> list[DueItem]:
    """Items planned in [since, until] (birthdays and dates from max(since, today))."""
    items: list[DueItem] = []
    for kind, (cols, query, make) in _SOURCES.items():
        if kind in kinds:
            source = query(since=since, until=until, owner_id=owner_id)
            items += [make(r, today) for r in source_rows(session, cols, source, limit)]
    if "request" in kinds and owner_id is None:
        items += [i for i in _request_items(session, today=today, until=until) if since is None or i.on >= since]
    first = max(since or today, today)
    if "birthday" in kinds:
        rows = yearly_rows(session, table=BIRTHDAY_TABLE, md_column="c.birthday_md", extra=BIRTHDAY_COLS,
                            start=first, end=until, owner_id=owner_id, limit=limit)  # fmt: skip
        items += [_birthday_item(r, day) for r, day in rows]
    if "date" in kinds:
        items += [_date_item(r, day) for r, day in date_rows(session, start=first, end=until, owner_id=owner_id)]
    items.sort(key=lambda i: (i.on, i.time or "", _KIND_ORDER[i.kind], i.contact or "", i.ref_id))
    return items[:limit] if limit else items


def due_counts(session: Session, *, today: date, until: date, owner_id: int | None = None) -> tuple[int, int]:
    """(follow-ups, tasks, deal steps and requests planned up to `until`, how many of them are overdue).

    One counting query per source, from its date index; the dashboard and a cut `remind` use it.
    """
    total = late = 0
    for _kind, query, _tiebreak in _SOURCES.values():  # counted without the joins that only add names
        src = query(since=None, until=until, owner_id=owner_id, count=True)
        row = session.one(
            f"SELECT count(*), sum(CASE WHEN {src.day} < ? THEN 1 ELSE 0 END){src.sql}", [today, *src.params]
        )
        assert row is not None  # an aggregate without GROUP BY always returns one row
        total += row[0]
        late += row[1] or 0
    if owner_id is None:
        requests = _request_items(session, today=today, until=until)
        total += len(requests)
        late += sum(1 for i in requests if i.on < today)
    return total, late


def overdue_by_owner(session: Session, *, today: date) -> dict[int | None, int]:
    """Per owner, the follow-ups, tasks and deal steps overdue today: what `due --overdue --owner U` lists,
    service requests aside (the key None: nobody's). One grouped count per source, from its date index."""
    out: dict[int | None, int] = {}
    for _kind, query, _tiebreak in _SOURCES.values():
        src = query(since=None, until=today - timedelta(days=1), owner_id=None, count=True)
        for r in session.all(f"SELECT {src.owner} AS uid, count(*) AS n{src.sql} GROUP BY {src.owner}", src.params):
            out[r["uid"]] = out.get(r["uid"], 0) + r["n"]
    return out


def _request_items(session: Session, *, today: date, until: date) -> list[DueItem]:
    """Open service requests (a request without a due date is due the day it was opened)."""
    from minicrm.store.service.request_reports import open_requests_due
    from minicrm.store.service.requests import priority_label, status_label

    items = []
    for r in open_requests_due(session, today=today, until=until):
        late = r["days_overdue"]
        items.append(
            DueItem(
                kind="request",
                on=date.fromisoformat(r["due_on"]),
                time=None,
                contact_id=r["contact_id"],
                contact=r["contact"],
                company=r["company"],
                title=f"[{priority_label(r['priority'])}] {r['subject']}",
                days_overdue=late,
                ref_id=r["id"],
                reason=_("service request #{id} is {status}").format(id=r["id"], status=status_label(r["status"]))
                + _overdue_text(late),
            )
        )
    return items
