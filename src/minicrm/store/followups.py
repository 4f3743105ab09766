"""What needs doing: the due queue, forgotten clients, the cron digest and the entries of the iCal feed.

Everything is selected in SQL through indexes (`contact.next_contact_on`, `contact.last_interaction_at`,
`contact.birthday_md`, `task(done, due_on)`, `deal.next_step_on`); `forgotten` never reads `interaction`.
Tasks and deals are read straight from their tables (issue 4 owns writing them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from minicrm.errors import BadInput
from minicrm.store.cadence import EFFECTIVE_CADENCE_SQL, days_between
from minicrm.store.db import Session
from minicrm.store.records import iso

KINDS = ("follow-up", "task", "deal", "request", "birthday", "date")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


def _day(value: Any) -> date | None:
    """A DATE from a column or an SQL expression (expressions come back as text on SQLite)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _day_of(value: Any) -> date:
    """`_day` of a NOT NULL column, or of one the query filtered on."""
    day = _day(value)
    assert day is not None
    return day


def _moment_of(value: Any) -> datetime:
    """`_moment` of a NOT NULL column."""
    at = _moment(value)
    assert at is not None
    return at


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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
    return f"; overdue by {_plural(days, 'day')}" if days > 0 else ""


_FOLLOWUP_FROM = " FROM contact c LEFT JOIN company co ON co.id = c.company_id"
_FOLLOWUP_COLS = (
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


def _rows(session: Session, cols: str, source: _Source, limit: int | None = None) -> list[Any]:
    """Run `cols + source`, ordered and cut in SQL when a limit is given (so only those rows are read)."""
    sql = cols + source.sql
    if limit:
        return session.all(f"{sql} ORDER BY {source.day}, {source.tiebreak} LIMIT ?", [*source.params, limit])
    return session.all(sql, source.params)


def _window(column: str, since: date | None, until: date) -> tuple[str, list[Any]]:
    return f"{column} <= ?" + (f" AND {column} >= ?" if since else ""), [until, *([since] if since else [])]


def _followup_query(*, since: date | None, until: date, owner_id: int | None, count: bool = False) -> _Source:
    """Contacts whose next-contact day is in [since, until].

    Cadence-derived days are stored (`cadence.fill_cadence_dates`), so this is one range of the
    `contact.next_contact_on` index, and `LIMIT` stops it early.
    """
    cond, params = _window("c.next_contact_on", since, until)
    sql = f"{' FROM contact c' if count else _FOLLOWUP_FROM} WHERE {cond} AND c.archived = ?"
    params.append(False)
    if owner_id is not None:
        sql += " AND c.owner_id = ?"
        params.append(owner_id)
    return _Source(sql, params, "c.next_contact_on", "COALESCE(c.next_contact_time, ''), c.name, c.id")


def _followup_item(r: Any, today: date) -> DueItem:
    on = _day_of(r["next_on"])
    late = max((today - on).days, 0)
    last = _moment(r["last_interaction_at"])
    if r["next_contact_on"] is not None and not r["next_contact_auto"]:
        title = r["next_contact_goal"] or "Follow up"
        reason = f"follow-up planned for {on.isoformat()}"
    else:
        title = r["next_contact_goal"] or "Stay in touch"
        since = f"last contact {last.date().isoformat()}" if last else "never contacted"
        reason = f"stay in touch every {_plural(r['cadence'], 'day')}, {since}" if r["cadence"] else "follow-up due"
    return DueItem("follow-up", on, r["next_contact_time"], r["id"], r["name"], r["company"], title, late, r["id"],
                   reason + _overdue_text(late))  # fmt: skip


_TASK_COLS = (
    "SELECT t.id, t.title, t.due_on, t.due_time, t.contact_id, t.revision, t.updated_at, t.notes, c.name AS contact,"
    " co.name AS company, d.title AS deal"
)
_TASK_FROM = (
    " FROM task t LEFT JOIN contact c ON c.id = t.contact_id"
    " LEFT JOIN company co ON co.id = COALESCE(t.company_id, c.company_id) LEFT JOIN deal d ON d.id = t.deal_id"
)


def _task_query(*, since: date | None, until: date, owner_id: int | None, count: bool = False) -> _Source:
    cond, params = _window("t.due_on", since, until)
    joins = " FROM task t LEFT JOIN contact c ON c.id = t.contact_id" if count else _TASK_FROM
    sql = f"{joins} WHERE t.done = ? AND {cond} AND (c.id IS NULL OR c.archived = ?)"
    params = [False, *params, False]
    if owner_id is not None:
        sql += " AND COALESCE(t.assignee_id, c.owner_id) = ?"
        params.append(owner_id)
    return _Source(sql, params, "t.due_on", "COALESCE(t.due_time, ''), c.name, t.id")


def _task_item(r: Any, today: date) -> DueItem:
    on = _day_of(r["due_on"])
    late = max((today - on).days, 0)
    reason = f"task due {on.isoformat()}" + (f" (deal '{r['deal']}')" if r["deal"] else "")
    return DueItem("task", on, r["due_time"], r["contact_id"], r["contact"], r["company"], r["title"], late, r["id"],
                   reason + _overdue_text(late))  # fmt: skip


_DEAL_COLS = (
    "SELECT d.id, d.title, d.next_step, d.next_step_on, d.contact_id, d.amount_minor, d.currency, d.revision,"
    " d.updated_at, s.name AS stage, c.name AS contact, co.name AS company"
)
_DEAL_FROM = (
    # `+d.stage_id`: reach deals through their next-step index, not all deals of the open stages
    " FROM deal d JOIN pipeline_stage s ON s.id = +d.stage_id LEFT JOIN contact c ON c.id = d.contact_id"
    " LEFT JOIN company co ON co.id = COALESCE(d.company_id, c.company_id)"
)


def _deal_query(*, since: date | None, until: date, owner_id: int | None, count: bool = False) -> _Source:
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
    if owner_id is not None:
        sql += " AND COALESCE(d.owner_id, c.owner_id) = ?"
        params.append(owner_id)
    return _Source(sql, params, "d.next_step_on", "c.name, d.id")


def _money(minor: int | None, currency: str | None) -> str:
    if minor is None:
        return ""
    return f"{Decimal(minor).scaleb(-2):.2f} {currency or ''}".strip()


def _deal_item(r: Any, today: date) -> DueItem:
    on = _day_of(r["next_step_on"])
    late = max((today - on).days, 0)
    title = r["next_step"] or f"Next step: {r['title']}"
    reason = f"next step of deal '{r['title']}' ({r['stage']}, {_money(r['amount_minor'], r['currency'])})"
    return DueItem("deal", on, None, r["contact_id"], r["contact"], r["company"], title, late, r["id"],
                   reason + _overdue_text(late))  # fmt: skip


# kind -> (its columns, its query, the DueItem of a row): the due queue, its counts and the feed read them
_SOURCES: dict[str, tuple[str, Any, Any]] = {
    "follow-up": (_FOLLOWUP_COLS, _followup_query, _followup_item),
    "task": (_TASK_COLS, _task_query, _task_item),
    "deal": (_DEAL_COLS, _deal_query, _deal_item),
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


def _yearly_on(year: int, md: str) -> date:
    """The day an MM-DD falls on in `year`; 29 February is celebrated on 1 March in common years."""
    month, day = int(md[:2]), int(md[3:5])
    if (month, day) == (2, 29) and not _leap(year):
        return date(year, 3, 1)
    return date(year, month, day)


def _yearly_rows(
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
            day = _yearly_on(year, r["md"])
            if start <= day <= end:
                found.append((r, day))
    return found


_BIRTHDAY_TABLE = "contact c LEFT JOIN company co ON co.id = c.company_id"
_BIRTHDAY_COLS = "c.id, c.name, c.birthday, c.birthday_md AS md, c.revision, c.updated_at, co.name AS company"
_DATE_TABLE = "contact_date cd JOIN contact c ON c.id = cd.contact_id LEFT JOIN company co ON co.id = c.company_id"
_DATE_COLS = (
    "cd.id AS date_id, cd.label, cd.value, cd.md, cd.yearly, c.id, c.name, c.revision, c.updated_at, co.name AS company"
)


def _birth_year(value: str | None) -> int | None:
    if value and not value.startswith("--") and value[:4].isdigit():
        return int(value[:4])
    return None


def _birthday_item(r: Any, day: date) -> DueItem:
    born = _birth_year(r["birthday"])
    title = f"Birthday (turns {day.year - born})" if born else "Birthday"
    return DueItem("birthday", day, None, r["id"], r["name"], r["company"], title, 0, r["id"],
                   f"birthday on {day.isoformat()}")  # fmt: skip


def _date_item(r: Any, day: date) -> DueItem:
    first = _birth_year(r["value"])
    years = day.year - first if r["yearly"] and first and day.year > first else None
    title = r["label"] + (f" ({_plural(years, 'year')})" if years else "")
    return DueItem("date", day, None, r["id"], r["name"], r["company"], title, 0, r["id"],
                   f"{r['label']} on {day.isoformat()}")  # fmt: skip


def _date_rows(session: Session, *, start: date, end: date, owner_id: int | None) -> list[tuple[Any, date]]:
    rows = _yearly_rows(session, table=_DATE_TABLE, md_column="cd.md", extra=_DATE_COLS, start=start, end=end,
                        owner_id=owner_id)  # fmt: skip
    owner = " AND c.owner_id = ?" if owner_id is not None else ""
    for r in session.all(
        f"SELECT {_DATE_COLS} FROM {_DATE_TABLE} WHERE cd.yearly = ? AND cd.value BETWEEN ? AND ?"
        f" AND c.archived = ?{owner}",
        [False, start.isoformat(), end.isoformat(), False, *([owner_id] if owner_id is not None else [])],
    ):
        rows.append((r, date.fromisoformat(r["value"])))
    return rows


def _check_kinds(kinds: tuple[str, ...]) -> None:
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise BadInput(f"unknown kind '{sorted(unknown)[0]}' (one of: {', '.join(KINDS)})")


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
        raise BadInput(f"--until {until.isoformat()} is before today ({today.isoformat()})")
    if overdue_only:
        return _due(session, today=today, since=None, until=today - timedelta(days=1), owner_id=owner_id,
                    kinds=tuple(k for k in kinds if k not in ("birthday", "date")), limit=limit)  # fmt: skip
    return _due(session, today=today, since=None, until=until, owner_id=owner_id, kinds=kinds, limit=limit)


def _due(
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
            items += [make(r, today) for r in _rows(session, cols, source, limit)]
    if "request" in kinds and owner_id is None:
        items += [i for i in _request_items(session, today=today, until=until) if since is None or i.on >= since]
    first = max(since or today, today)
    if "birthday" in kinds:
        rows = _yearly_rows(session, table=_BIRTHDAY_TABLE, md_column="c.birthday_md", extra=_BIRTHDAY_COLS,
                            start=first, end=until, owner_id=owner_id, limit=limit)  # fmt: skip
        items += [_birthday_item(r, day) for r, day in rows]
    if "date" in kinds:
        items += [_date_item(r, day) for r, day in _date_rows(session, start=first, end=until, owner_id=owner_id)]
    items.sort(key=lambda i: (i.on, i.time or "", _KIND_ORDER[i.kind], i.contact or "", i.ref_id))
    return items[:limit] if limit else items


def due_counts(session: Session, *, today: date, until: date, owner_id: int | None = None) -> tuple[int, int]:
    """(follow-ups, tasks, deal steps and requests planned up to `until`, how many of them are overdue).

    One counting query per source, from its date index; the dashboard and a cut `remind` use it.
    """
    total = late = 0
    for _, query, _ in _SOURCES.values():  # counted without the joins that only add names
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


def _request_items(session: Session, *, today: date, until: date) -> list[DueItem]:
    """Open service requests (a request without a due date is due the day it was opened)."""
    from minicrm.store.requests import open_requests_due

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
                title=f"[{r['priority']}] {r['subject']}",
                days_overdue=late,
                ref_id=r["id"],
                reason=f"service request #{r['id']} is {r['status']}{_overdue_text(late)}",
            )
        )
    return items


# -- forgotten ----------------------------------------------------------------------------------


@dataclass
class ForgottenRow:
    kind: str  # "contact" | "company"
    id: int
    name: str
    company: str | None
    status: str | None
    last_interaction_at: datetime | None
    days_silent: int | None  # None when never contacted
    never_contacted: bool
    value: Decimal | None  # lifetime won + open deal amount used for ranking (None when no deals)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "company": self.company,
            "status": self.status,
            "last_interaction_at": iso(self.last_interaction_at),
            "days_silent": self.days_silent,
            "never_contacted": self.never_contacted,
            "value": None if self.value is None else str(self.value),
        }


def _deal_value(session: Session, column: str, owner: str) -> str:
    """SQL: the won + open deal amount (minor units) of a contact or company, looked up by its own index."""
    stage = session.dialect.no_index("d.stage_id")  # keeps SQLite on the deal.<column> index (not a scan)
    return (
        f"(SELECT sum(d.amount_minor) FROM deal d WHERE d.{column} = {owner}.id AND {stage} IN"
        " (SELECT st.id FROM pipeline_stage st WHERE st.outcome IN ('won', 'open')))"
    )


def _forgotten_sql(
    session: Session,
    *,
    today: date,
    days: int,
    statuses: list[str] | None,
    tag: str | None,
    min_value: Decimal | None,
    owner_id: int | None,
    kinds: tuple[str, ...],
) -> tuple[str, list[Any]]:
    """One query over contacts and companies; `forgotten` orders and limits it, `forgotten_count` counts it."""
    from minicrm.store.contacts import normalize_status, normalize_tag

    if days < 1:
        raise BadInput(f"invalid --days {days} (at least 1)")
    cutoff = datetime.combine(today - timedelta(days=days - 1), datetime.min.time())
    status_keys = [normalize_status(s) for s in statuses or []]
    tag_key = normalize_tag(tag) if tag else None
    parts: list[str] = []
    params: list[Any] = []
    if "contact" in kinds:
        where = [
            "c.archived = ?",
            "(c.last_interaction_at IS NULL OR c.last_interaction_at < ?)",
            "(c.next_contact_on IS NULL OR c.next_contact_on < ?)",
            # "nothing planned" as sets computed once from their date indexes, not probes per contact
            "c.id NOT IN (SELECT t.contact_id FROM task t WHERE t.done = ? AND t.due_on >= ?"
            " AND t.contact_id IS NOT NULL)",
            "c.id NOT IN (SELECT d.contact_id FROM deal d JOIN pipeline_stage s ON s.id = +d.stage_id"
            " WHERE s.outcome = 'open' AND d.next_step_on >= ? AND d.contact_id IS NOT NULL)",
        ]
        where_params: list[Any] = [False, cutoff, today.isoformat(), False, today, today]
        if status_keys:
            where.append(f"c.status IN ({', '.join('?' * len(status_keys))})")
            where_params += status_keys
        if tag_key:
            where.append("EXISTS (SELECT 1 FROM contact_tag ct WHERE ct.contact_id = c.id AND ct.tag = ?)")
            where_params.append(tag_key)
        if owner_id is not None:
            where.append("c.owner_id = ?")
            where_params.append(owner_id)
        parts.append(
            "SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at AS last_at,"
            f" c.created_at, {_deal_value(session, 'contact_id', 'c')} AS value_minor"
            " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE " + " AND ".join(where)
        )
        params += where_params
    if "company" in kinds:
        last = "la.last_at"
        where = [
            "co.archived = ?",
            f"({last} IS NULL OR {last} < ?)",
            # "nothing planned": sets of companies computed once from the date indexes (a probe per company
            # depends on how many tasks carry a company_id, and SQLite's plan with it)
            "co.id NOT IN (SELECT p.company_id FROM contact p WHERE p.archived = ? AND p.next_contact_on >= ?"
            " AND p.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT t.company_id FROM task t WHERE t.done = ? AND t.due_on >= ?"
            " AND t.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT p.company_id FROM task t JOIN contact p ON p.id = t.contact_id"
            " WHERE t.done = ? AND t.due_on >= ? AND p.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT d.company_id FROM deal d JOIN pipeline_stage s ON s.id = +d.stage_id"
            " WHERE s.outcome = 'open' AND d.next_step_on >= ? AND d.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT p.company_id FROM deal d JOIN pipeline_stage s ON s.id = +d.stage_id"
            " JOIN contact p ON p.id = d.contact_id WHERE s.outcome = 'open' AND d.next_step_on >= ?"
            " AND p.company_id IS NOT NULL)",
        ]
        where_params = [False, cutoff, False, today, False, today, False, today, today, today]
        if status_keys:
            where.append(
                "EXISTS (SELECT 1 FROM contact p WHERE p.company_id = co.id AND p.archived = ?"
                f" AND p.status IN ({', '.join('?' * len(status_keys))}))"
            )
            where_params += [False, *status_keys]
        if tag_key:
            where.append("EXISTS (SELECT 1 FROM company_tag ct WHERE ct.company_id = co.id AND ct.tag = ?)")
            where_params.append(tag_key)
        if owner_id is not None:
            where.append("co.owner_id = ?")
            where_params.append(owner_id)
        parts.append(
            f"SELECT 'company' AS kind, co.id, co.name, NULL AS company, NULL AS status, {last} AS last_at,"
            f" co.created_at, {_deal_value(session, 'company_id', 'co')} AS value_minor"
            " FROM company co LEFT JOIN (SELECT p.company_id, max(p.last_interaction_at) AS last_at FROM contact p"
            " WHERE p.company_id IS NOT NULL GROUP BY p.company_id) la ON la.company_id = co.id WHERE "
            + " AND ".join(where)
        )
        params += where_params
    if not parts:
        raise BadInput("nothing to look at (kinds: contact, company)")
    sql = " UNION ALL ".join(parts)
    silent = days_between(session, "?", "COALESCE(q.last_at, q.created_at)")
    outer = f"SELECT q.*, {silent} AS silent FROM ({sql}) q"
    params = [today.isoformat(), *params]
    if min_value is not None:
        outer += " WHERE q.value_minor >= ?"
        params.append(int((min_value * 100).to_integral_value()))
    return outer, params


def forgotten(
    session: Session,
    *,
    today: date,
    days: int = 90,
    statuses: list[str] | None = None,
    tag: str | None = None,
    min_value: Decimal | None = None,
    owner_id: int | None = None,
    limit: int | None = None,
    kinds: tuple[str, ...] = ("contact", "company"),
) -> list[ForgottenRow]:
    """Contacts and companies with no interaction for `days` days (or never) and nothing scheduled.

    Ranked by deal value x days silent once any deal exists, else by days silent (never-contacted ones
    count their days since they were added).
    """
    sql, params = _forgotten_sql(session, today=today, days=days, statuses=statuses, tag=tag, min_value=min_value,
                                 owner_id=owner_id, kinds=kinds)  # fmt: skip
    has_deals = session.scalar("SELECT 1 FROM deal LIMIT 1") is not None
    score = "COALESCE(r.value_minor, 0) * r.silent DESC, " if has_deals else ""
    sql = f"SELECT r.* FROM ({sql}) r ORDER BY {score}r.silent DESC, r.kind DESC, r.name, r.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    out = []
    for r in session.all(sql, params):
        last = _moment(r["last_at"])
        out.append(
            ForgottenRow(
                kind=r["kind"],
                id=r["id"],
                name=r["name"],
                company=r["company"],
                status=r["status"],
                last_interaction_at=last,
                days_silent=(today - last.date()).days if last else None,
                never_contacted=last is None,
                value=None if r["value_minor"] is None else Decimal(r["value_minor"]).scaleb(-2),
            )
        )
    return out


def forgotten_count(session: Session, *, today: date, days: int = 90, kinds: tuple[str, ...] = ("contact",)) -> int:
    sql, params = _forgotten_sql(session, today=today, days=days, statuses=None, tag=None, min_value=None,
                                 owner_id=None, kinds=kinds)  # fmt: skip
    count: int = session.scalar(f"SELECT count(*) FROM ({sql}) r", params)
    return count


# -- the cron digest ----------------------------------------------------------------------------


@dataclass
class Digest:
    today: date
    until: date
    overdue: list[DueItem] = field(default_factory=list)  # the first `limit` of them
    due: list[DueItem] = field(default_factory=list)  # follow-ups, tasks, deal steps and requests in the window
    dates: list[DueItem] = field(default_factory=list)  # birthdays and important dates in the window
    forgotten: int = 0
    forgotten_days: int = 90
    overdue_count: int = 0  # all of them, also those past the limit
    due_count: int = 0
    dates_count: int = 0

    @property
    def empty(self) -> bool:
        """Nothing to say: nothing overdue, due or celebrated (the standing forgotten count alone is no news)."""
        return not (self.overdue_count or self.due_count or self.dates_count)

    def to_json(self) -> dict[str, Any]:
        return {
            "today": iso(self.today),
            "until": iso(self.until),
            "empty": self.empty,
            "overdue": [i.to_json() for i in self.overdue],
            "due": [i.to_json() for i in self.due],
            "dates": [i.to_json() for i in self.dates],
            "overdue_count": self.overdue_count,
            "due_count": self.due_count,
            "dates_count": self.dates_count,
            "forgotten": self.forgotten,
            "forgotten_days": self.forgotten_days,
        }

    def text(self) -> str:
        """The digest as cron mails it; empty when there is nothing to say."""
        if self.empty:
            return ""
        lines = [f"minicrm: {self.today:%A %d %B %Y}"]
        window = "today" if self.until == self.today else f"until {self.until:%a %d %b}"

        def line(i: DueItem, show_late: bool) -> str:
            who = i.contact or "-"
            if i.company:
                who += f" ({i.company})"
            when = i.on.isoformat() + (f" {i.time}" if i.time else "")
            late = f"  [{_plural(i.days_overdue, 'day')} overdue]" if show_late and i.days_overdue else ""
            return f"  {when}  {i.kind:<9}  {who} — {i.title}{late}"

        for title, items, count, late, more in (
            (f"Overdue ({self.overdue_count})", self.overdue, self.overdue_count, True, "minicrm due --overdue"),
            (f"Due {window} ({self.due_count})", self.due, self.due_count, False, "minicrm due"),
            (f"Birthdays and dates {window} ({self.dates_count})", self.dates, self.dates_count, False,
             "minicrm due --kind birthday,date"),
        ):  # fmt: skip
            if count:
                lines.append(title + ":")
                lines += [line(i, late) for i in items]
                if count > len(items):
                    lines.append(f"  … and {count - len(items)} more: {more}")
        if self.forgotten:
            lines.append(
                f"{_plural(self.forgotten, 'contact')} without news for {self.forgotten_days}+ days"
                " and nothing planned: minicrm forgotten"
            )
        return "\n".join(lines) + "\n"


def remind_digest(
    session: Session,
    *,
    today: date,
    until: date,
    owner_id: int | None = None,
    forgotten_days: int = 90,
    limit: int | None = 20,
) -> Digest:
    """The cron digest: each section lists its first `limit` items (None: all) and counts the rest in SQL."""
    work = ("follow-up", "task", "deal", "request")
    yesterday = today - timedelta(days=1)
    digest = Digest(today, until, forgotten_days=forgotten_days)
    digest.overdue = _due(session, today=today, since=None, until=yesterday, owner_id=owner_id, kinds=work,
                          limit=limit)  # fmt: skip
    digest.due = _due(session, today=today, since=today, until=until, owner_id=owner_id, kinds=work, limit=limit)
    dates = _due(session, today=today, since=today, until=until, owner_id=owner_id, kinds=("birthday", "date"),
                 limit=None)  # fmt: skip
    digest.dates, digest.dates_count = dates[:limit] if limit else dates, len(dates)
    if limit and (len(digest.overdue) == limit or len(digest.due) == limit):  # cut: count the rest in SQL
        total, late = due_counts(session, today=today, until=until, owner_id=owner_id)
        digest.overdue_count, digest.due_count = late, total - late
    else:
        digest.overdue_count, digest.due_count = len(digest.overdue), len(digest.due)
    digest.forgotten = forgotten_count(session, today=today, days=forgotten_days)
    return digest


# -- entries of the iCal feed -------------------------------------------------------------------

FEED_INCLUDES = ("followups", "tasks", "birthdays", "deals", "dates")


@dataclass
class FeedEntry:
    """One calendar item, independent of the iCal library (`minicrm.ical.feed` renders it)."""

    uid_key: str  # "followup-42": with the database id it makes a UID stable across exports
    kind: str  # follow-up | task | deal | birthday | date
    on: date  # the day shown: an overdue item is moved to today
    due_on: date  # the day it was planned for (the first occurrence for yearly items)
    time: str | None  # "HH:MM": a timed event; None: all day
    days_overdue: int
    summary: str
    description: str
    categories: list[str]
    revision: int  # SEQUENCE
    updated_at: datetime  # DTSTAMP and LAST-MODIFIED
    contact_id: int | None = None
    yearly: bool = False
    todo: bool = False  # also offered as a VTODO (follow-ups and tasks)


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
        at = _moment(last["happened_at"])
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

    def add(entry: FeedEntry, lines: list[str]) -> None:
        pending.append((entry, lines))

    def shown(planned: date) -> tuple[date, int]:
        late = max((today - planned).days, 0)
        return (today if late else planned), late

    def mark(summary: str, late: int) -> str:
        return f"OVERDUE {late}d: {summary}" if late else summary

    def cats(kind: str, late: int) -> list[str]:
        return ["minicrm", kind, *(["overdue"] if late else [])]

    if "followups" in include:
        for r in _rows(session, _FOLLOWUP_COLS, _followup_query(since=since, until=until, owner_id=None)):
            item = _followup_item(r, today)
            on, late = shown(item.on)
            by_cadence = r["next_contact_on"] is None or bool(r["next_contact_auto"])
            goal = r["next_contact_goal"] or ("stay in touch" if by_cadence and r["cadence"] else None)
            summary = f"Call {r['name']}" + (f" — {goal}" if goal else "")
            lines = [f"Why: {item.reason}"]
            add(FeedEntry(f"followup-{r['id']}", "follow-up", on, item.on, None if late else item.time, late,
                          mark(summary, late), "", cats("follow-up", late), r["revision"], _moment_of(r["updated_at"]),
                          r["id"], todo=True), lines)  # fmt: skip
    if "tasks" in include:
        for r in _rows(session, _TASK_COLS, _task_query(since=since, until=until, owner_id=None)):
            planned = _day_of(r["due_on"])
            on, late = shown(planned)
            summary = f"Task: {r['title']}" + (f" ({r['contact']})" if r["contact"] else "")
            lines = [*([f"Deal: {r['deal']}"] if r["deal"] else []), *([r["notes"]] if r["notes"] else [])]
            add(FeedEntry(f"task-{r['id']}", "task", on, planned, None if late else r["due_time"], late,
                          mark(summary, late), "", cats("task", late), r["revision"], _moment_of(r["updated_at"]),
                          r["contact_id"], todo=True), lines)  # fmt: skip
    if "deals" in include:
        for r in _rows(session, _DEAL_COLS, _deal_query(since=since, until=until, owner_id=None)):
            planned = _day_of(r["next_step_on"])
            on, late = shown(planned)
            step = r["next_step"] or "next step"
            summary = f"{step} — deal {r['title']}" + (f" ({r['contact']})" if r["contact"] else "")
            lines = [f"Deal: {r['title']} ({r['stage']}, {_money(r['amount_minor'], r['currency'])})"]
            add(FeedEntry(f"deal-{r['id']}", "deal", on, planned, None, late, mark(summary, late), "",
                          cats("deal", late), r["revision"], _moment_of(r["updated_at"]), r["contact_id"]),
                lines)  # fmt: skip
    if "birthdays" in include:
        for r in session.all(
            f"SELECT {_BIRTHDAY_COLS} FROM {_BIRTHDAY_TABLE} WHERE c.birthday_md IS NOT NULL AND c.archived = ?"
            " ORDER BY c.birthday_md, c.id",
            (False,),
        ):
            born = _birth_year(r["birthday"])
            first = _yearly_on(born or 2000, r["md"]) if born else date(2000, int(r["md"][:2]), int(r["md"][3:]))
            lines = [f"Born {r['birthday']}" if born else "Birthday (year unknown)"]
            add(FeedEntry(f"birthday-{r['id']}", "birthday", first, first, None, 0, f"Birthday: {r['name']}", "",
                          ["minicrm", "birthday"], r["revision"], _moment_of(r["updated_at"]), r["id"], yearly=True),
                lines)  # fmt: skip
    if "dates" in include:
        for r in session.all(
            f"SELECT {_DATE_COLS} FROM {_DATE_TABLE} WHERE c.archived = ?"
            " AND (cd.yearly = ? OR cd.value BETWEEN ? AND ?) ORDER BY cd.md, cd.id",
            (False, True, since.isoformat(), until.isoformat()),
        ):
            first_year = _birth_year(r["value"])
            md = r["md"]
            first = (
                date(first_year or 2000, int(md[:2]), int(md[3:])) if r["yearly"] else date.fromisoformat(r["value"])
            )
            add(FeedEntry(f"date-{r['date_id']}", "date", first, first, None, 0, f"{r['label']}: {r['name']}", "",
                          ["minicrm", "date"], r["revision"], _moment_of(r["updated_at"]), r["id"],
                          yearly=bool(r["yearly"])), [f"{r['label']} ({r['value']})"])  # fmt: skip
    details = _contact_details(session, sorted({e.contact_id for e, _ in pending if e.contact_id is not None}))
    entries = []
    for entry, lines in pending:
        contact = details.get(entry.contact_id) if entry.contact_id is not None else None
        entry.description = "\n".join([*lines, *_details_lines(contact)])
        entries.append(entry)
    order = {"follow-up": 0, "task": 1, "deal": 2, "birthday": 3, "date": 4}
    entries.sort(key=lambda e: (order[e.kind], e.uid_key.split("-")[0], int(e.uid_key.rsplit("-", 1)[1])))
    return entries
