"""Forgotten clients: contacts and companies without news for N days and nothing planned, most valuable first.

Never reads `interaction`: silence comes from `contact.last_interaction_at` (a company's from the newest of its
contacts', through the `contact(company_id, last_interaction_at)` index, and its own `company.last_interaction_at`
for interactions logged with the company alone), value from the stored won + open deal
amount `deal_value_minor` (store.sales.deal_values).

The score is value x days silent, so only rows with a deal value score above zero, and none scores more than its
value x the longest silence any row can have. The top N is found without scoring everyone: (1) walk each kind's
value index from the top until 2N forgotten rows are found: the Nth best of their scores is a floor of the top N's;
(2) the top N have a value of at least that floor / the longest silence, which is one more short walk of the
index, ranked in SQL. Rows that cannot score (no deal value) come after, by silence, only when fewer than N
scored. "Nothing planned" is checked per row from the contact's and company's own indexes while walking, and as
sets from the date indexes when every row is read (the count, no limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.followups.due import maybe_moment
from minicrm.store.people.cadence import days_between
from minicrm.store.people.companies import newest_of


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


_OPEN = "(SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'open')"
_SCORE = "COALESCE(r.value_minor, 0) * r.silent"
ORDER = f"{_SCORE} DESC, r.silent DESC, r.kind DESC, r.name, r.id"
_VALUE = {"contact": "c.deal_value_minor", "company": "co.deal_value_minor"}
VISIT = 10  # a first floor of the top N: the forgotten among the VISIT x N most valuable of a kind


@dataclass
class _Query:
    """The filters of one `forgotten` call; `part(kind, ...)` is the SELECT of one kind's forgotten rows."""

    session: Session
    today: date
    cutoff: datetime  # silent: the last contact (else the creation) before this moment
    status_keys: list[str]
    tag_key: str | None
    owner_id: int | None

    def part(self, kind: str, *, value: str = "", walk: bool = False) -> tuple[str, list[Any]]:
        """Rows of `kind`, `value` (a condition on its deal value) first; `walk`: few rows, probe each one."""
        where, params = self.contact_where("probe" if walk else "set") if kind == "contact" else self.company_where()
        if value:
            where.insert(0, value)
        if kind == "contact":
            silent = days_between(self.session, "?", "COALESCE(c.last_interaction_at, c.created_at)")
            select = (
                "SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status,"
                f" c.last_interaction_at AS last_at, c.deal_value_minor AS value_minor, {silent} AS silent"
                " FROM contact c LEFT JOIN company co ON co.id = c.company_id"
            )
        else:
            last = self.company_last()
            select = (
                f"SELECT 'company' AS kind, co.id, co.name, NULL AS company, NULL AS status, {last} AS last_at,"
                f" co.deal_value_minor AS value_minor,"
                f" {days_between(self.session, '?', f'COALESCE({last}, co.created_at)')} AS silent FROM company co"
            )
        return f"{select} WHERE {' AND '.join(where)}", [self.today.isoformat(), *params]

    def contact_where(self, planned: str | None) -> tuple[list[str], list[Any]]:
        """Contact `c` is forgotten: silent, and nothing `planned` ("probe": per contact, "set": `NOT IN` a set)."""
        dialect, today = self.session.dialect, self.today
        nxt = dialect.no_index("c.next_contact_on")  # neither index reads fewer contacts than the table
        where = [f"{dialect.no_index('c.archived')} = ?", "COALESCE(c.last_interaction_at, c.created_at) < ?",
                 f"({nxt} IS NULL OR {nxt} < ?)"]  # fmt: skip
        params: list[Any] = [False, self.cutoff, today.isoformat()]
        if planned:
            params += [False, today, today]
        if planned == "probe":
            where += [
                f"NOT EXISTS (SELECT 1 FROM task t{dialect.indexed_by('ix_task_contact_id')} WHERE t.contact_id = c.id"
                " AND t.done = ? AND t.due_on >= ?)",
                f"NOT EXISTS (SELECT 1 FROM deal d{dialect.indexed_by('ix_deal_contact_id')} WHERE d.contact_id = c.id"
                f" AND d.next_step_on >= ? AND d.stage_id IN {_OPEN})",
            ]
        elif planned == "set":
            where.append(f"c.id NOT IN ({self.planned_contacts()})")
        if self.status_keys:
            where.append(f"c.status IN ({', '.join('?' * len(self.status_keys))})")
            params += self.status_keys
        if self.tag_key:
            where.append("EXISTS (SELECT 1 FROM contact_tag ct WHERE ct.contact_id = c.id AND ct.tag = ?)")
            params.append(self.tag_key)
        if self.owner_id is not None:
            where.append("c.owner_id = ?")
            params.append(self.owner_id)
        return where, params

    def planned_contacts(self) -> str:
        """SQL: the contacts with something planned from today (params: False, today, today)."""
        return _PLANNED_CONTACTS.format(stage=self.session.dialect.no_index("d.stage_id"))

    def company_last(self) -> str:
        """SQL: company `co`'s last contact: the newest of its contacts' (archived ones too) and its own."""
        by = self.session.dialect.indexed_by("ix_contact_company_last")
        return newest_of(f"(SELECT max(p.last_interaction_at) FROM contact p{by} WHERE p.company_id = co.id)")

    def company_where(self) -> tuple[list[str], list[Any]]:
        """Company `co` is forgotten: silent first, then its own and its contacts' plans, probed (few are silent)."""
        dialect, today = self.session.dialect, self.today
        people = f"contact p{dialect.indexed_by('ix_contact_company_last')}"
        tasks, deals = (f"task t{dialect.indexed_by('ix_task_contact_id')}",
                        f"deal d{dialect.indexed_by('ix_deal_contact_id')}")  # fmt: skip
        where = [
            "co.archived = ?",
            f"COALESCE({self.company_last()}, co.created_at) < ?",
            f"NOT EXISTS (SELECT 1 FROM {people} WHERE p.company_id = co.id AND p.archived = ?"
            " AND p.next_contact_on >= ?)",
            f"NOT EXISTS (SELECT 1 FROM deal d{dialect.indexed_by('ix_deal_company_id')} WHERE d.company_id = co.id"
            f" AND d.next_step_on >= ? AND d.stage_id IN {_OPEN})",
            f"NOT EXISTS (SELECT 1 FROM task t{dialect.indexed_by('ix_task_company_id')} WHERE t.company_id = co.id"
            " AND t.done = ? AND t.due_on >= ?)",
            f"NOT EXISTS (SELECT 1 FROM {people} JOIN {tasks} ON t.contact_id = p.id WHERE p.company_id = co.id"
            " AND t.done = ? AND t.due_on >= ?)",
            f"NOT EXISTS (SELECT 1 FROM {people} JOIN {deals} ON d.contact_id = p.id WHERE p.company_id = co.id"
            f" AND d.next_step_on >= ? AND d.stage_id IN {_OPEN})",
        ]
        params: list[Any] = [False, self.cutoff, False, today, today, False, today, False, today, today]
        if self.status_keys:
            where.append(
                "EXISTS (SELECT 1 FROM contact p WHERE p.company_id = co.id AND p.archived = ?"
                f" AND p.status IN ({', '.join('?' * len(self.status_keys))}))"
            )
            params += [False, *self.status_keys]
        if self.tag_key:
            where.append("EXISTS (SELECT 1 FROM company_tag ct WHERE ct.company_id = co.id AND ct.tag = ?)")
            params.append(self.tag_key)
        if self.owner_id is not None:
            where.append("co.owner_id = ?")
            params.append(self.owner_id)
        return where, params

    def union(self, kinds: tuple[str, ...]) -> tuple[str, list[Any]]:
        """Every forgotten row of `kinds`, as one UNION ALL."""
        parts = [self.part(kind) for kind in kinds]
        return " UNION ALL ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]


#: Contacts with something planned from today `?` (twice): an open task due, an open deal's next step.
_PLANNED_CONTACTS = (
    "SELECT t.contact_id FROM task t WHERE t.done = ? AND t.due_on >= ? AND t.contact_id IS NOT NULL"
    " UNION SELECT d.contact_id FROM deal d WHERE d.next_step_on >= ? AND {stage} IN"
    " (SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'open') AND d.contact_id IS NOT NULL"
)


def _query(session: Session, *, today: date, days: int, statuses: list[str] | None, tag: str | None,
           owner_id: int | None, kinds: tuple[str, ...]) -> _Query:  # fmt: skip
    from minicrm.store.people.fields import normalize_status, normalize_tag

    if days < 1:
        raise BadInput(_("invalid --days {days} (at least 1)").format(days=days))
    if not kinds:
        raise BadInput(_("nothing to look at (kinds: contact, company)"))
    cutoff = datetime.combine(today - timedelta(days=days - 1), datetime.min.time())
    return _Query(session, today, cutoff, [normalize_status(s) for s in statuses or []],
                  normalize_tag(tag) if tag else None, owner_id)  # fmt: skip


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

    Ranked by deal value x days silent, then by days silent (never-contacted ones count their days since they
    were added), kind (contacts first), name and id.
    """
    q = _query(session, today=today, days=days, statuses=statuses, tag=tag, owner_id=owner_id, kinds=kinds)
    floor = 1 if min_value is None else max(1, int((min_value * 100).to_integral_value()))
    rows: list[Any] = []
    if limit:
        rows = _top_scored(q, kinds, floor, limit)
    if not limit or len(rows) < limit:  # the rest, which cannot score: by silence
        sql, params = q.union(kinds)
        sql = f"SELECT r.* FROM ({sql}) r WHERE " + (f"NOT ({_SCORE} > 0)" if limit else "1 = 1")
        if min_value is not None:
            sql += " AND r.value_minor >= ?"
            params.append(int((min_value * 100).to_integral_value()))
        sql += f" ORDER BY {ORDER}"
        if limit:
            sql += " LIMIT ?"
            params.append(limit - len(rows))
        rows += session.all(sql, params)
    return [_row(r, today) for r in rows]


def _score(r: Any) -> int:
    return int(r["value_minor"]) * int(r["silent"])


def _nth(rows: list[Any], n: int) -> int | None:
    """The `n`th best score among `rows` (the top `n` of all score at least this), None when there are fewer."""
    return sorted((_score(r) for r in rows), reverse=True)[n - 1] if len(rows) >= n else None


def _top_scored(q: _Query, kinds: tuple[str, ...], floor: int, limit: int) -> list[Any]:
    """The first `limit` rows that score (deal value at least `floor`), in the order of `ORDER`.

    Kind by kind: each kind's best rows among those whose value reaches the Nth best score found so far divided by
    the longest silence of that kind (no row below can enter the top N); the kinds' lists are merged on score,
    silence and kind, each keeping the order SQL gave it.
    """
    longest: dict[str, int] | None = None
    found: list[Any] = []
    for kind in kinds:
        nth = _nth(found, limit)
        if nth is None:  # nothing to go by yet: this kind's most valuable forgotten rows give a first floor
            nth = _nth(found + q.session.all(*walk_sql(q, kind, floor, VISIT * limit)), limit)
        bound = floor
        if nth is not None:
            longest = longest or _longest_silence(q, kinds)
            bound = max(floor, nth // longest[kind])
        best = q.session.all(*best_sql(q, kind, bound, limit))
        found = sorted(found + best, key=lambda r: (-_score(r), -int(r["silent"]), r["kind"] != "contact"))[:limit]
    return found


def walk_sql(q: _Query, kind: str, floor: int, visit: int) -> tuple[str, list[Any]]:
    """SQL: the forgotten among the `visit` rows of `kind` with the most deal value (at least `floor`)."""
    sql, params = q.part(kind, value=f"{_VALUE[kind]} >= ?", walk=True)
    table, alias = ("contact", "c") if kind == "contact" else ("company", "co")
    sql += (f" AND {alias}.id IN (SELECT v.id FROM {table} v WHERE v.deal_value_minor >= ?"
            " ORDER BY v.deal_value_minor DESC LIMIT ?)")  # fmt: skip
    return sql, [params[0], floor, *params[1:], floor, visit]


def best_sql(q: _Query, kind: str, bound: int, limit: int) -> tuple[str, list[Any]]:
    """SQL: the first `limit` forgotten rows of `kind` whose deal value is at least `bound`, ranked."""
    sql, params = q.part(kind, value=f"{_VALUE[kind]} >= ?", walk=True)
    return f"SELECT r.* FROM ({sql}) r WHERE {_SCORE} > 0 ORDER BY {ORDER} LIMIT ?", [params[0], bound, *params[1:],
                                                                                         limit]  # fmt: skip


#: The earliest last contact and creation days: no row has been silent longer than since the earliest of them.
LONGEST_SQL = {
    kind: f"SELECT (SELECT min(last_interaction_at) FROM contact), (SELECT min(created_at) FROM {kind})"
    for kind in ("contact", "company")
}


def _longest_silence(q: _Query, kinds: tuple[str, ...]) -> dict[str, int]:
    """Per kind, days no row of it can have been silent longer (from the created_at and last-contact indexes)."""
    out = {}
    for kind in kinds:
        row = q.session.one(LONGEST_SQL[kind])
        moments = [m for m in (maybe_moment(value) for value in row or ()) if m is not None]
        out[kind] = max(1, (q.today - min(moments).date()).days) if moments else 1
    return out


def _row(r: Any, today: date) -> ForgottenRow:
    last = maybe_moment(r["last_at"])
    return ForgottenRow(
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


def forgotten_count(session: Session, *, today: date, days: int = 90, kinds: tuple[str, ...] = ("contact",)) -> int:
    """How many `forgotten` would list (all of them, unranked)."""
    q = _query(session, today=today, days=days, statuses=None, tag=None, owner_id=None, kinds=kinds)
    return sum(int(session.scalar(*count_sql(q, kind))) for kind in kinds)


def forgotten_by_owner(
    session: Session, *, today: date, days: int = 90, kinds: tuple[str, ...] = ("contact", "company")
) -> dict[int | None, int]:
    """How many contacts and companies `forgotten` lists for each owner (the key None: nobody's), in one count."""
    q = _query(session, today=today, days=days, statuses=None, tag=None, owner_id=None, kinds=kinds)
    sql, params = q.union(kinds)
    owner = "CASE WHEN r.kind = 'contact' THEN c.owner_id ELSE co.owner_id END"
    rows = session.all(
        f"SELECT {owner} AS uid, count(*) AS n FROM ({sql}) r LEFT JOIN contact c ON r.kind = 'contact' AND c.id = r.id"
        f" LEFT JOIN company co ON r.kind = 'company' AND co.id = r.id GROUP BY {owner}",
        params,
    )
    return {r["uid"]: r["n"] for r in rows}


def count_sql(q: _Query, kind: str) -> tuple[str, list[Any]]:
    """SQL: how many rows of `kind` are forgotten.

    Contacts: the silent ones less those of them with something planned, which are read by id (fewer than the
    silent ones; probing a set once per silent contact costs more).
    """
    if kind != "contact":
        sql, params = q.part(kind)
        return f"SELECT count(*) FROM ({sql}) r", params
    where, params = q.contact_where(None)
    silent = " AND ".join(where)
    return (
        f"SELECT (SELECT count(*) FROM contact c WHERE {silent}) - (SELECT count(*) FROM contact c"
        f" WHERE c.id IN ({q.planned_contacts()}) AND {silent})",
        [*params, False, q.today, q.today, *params],
    )
