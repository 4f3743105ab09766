"""Forgotten clients: contacts and companies without news for N days and nothing planned, most valuable first.

Never reads `interaction`: silence comes from `contact.last_interaction_at` (and its index), value from deals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from minicrm.errors import BadInput
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.followups.due import maybe_moment
from minicrm.store.people.cadence import days_between


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
    from minicrm.store.people.fields import normalize_status, normalize_tag

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
            # silent since the last interaction, or since it was added when never contacted
            "(c.last_interaction_at < ? OR (c.last_interaction_at IS NULL AND c.created_at < ?))",
            "(c.next_contact_on IS NULL OR c.next_contact_on < ?)",
            # "nothing planned" as sets computed once from their date indexes, not probes per contact
            "c.id NOT IN (SELECT t.contact_id FROM task t WHERE t.done = ? AND t.due_on >= ?"
            " AND t.contact_id IS NOT NULL)",
            "c.id NOT IN (SELECT d.contact_id FROM deal d JOIN pipeline_stage s ON s.id = +d.stage_id"
            " WHERE s.outcome = 'open' AND d.next_step_on >= ? AND d.contact_id IS NOT NULL)",
        ]
        where_params: list[Any] = [False, cutoff, cutoff, today.isoformat(), False, today, today]
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
            f"({last} < ? OR ({last} IS NULL AND co.created_at < ?))",
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
        where_params = [False, cutoff, cutoff, False, today, False, today, False, today, today, today]
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
        last = maybe_moment(r["last_at"])
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
