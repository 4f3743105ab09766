"""`forgotten` ranks from stored deal values and stops early: on any database it lists what the query it replaced did.

The reference below is that query as it was (issue #18): every contact and company scored, the value summed from
the deals for each row, one ORDER BY over all of them. Random databases are built through the service functions
(deals created, moved, won, lost, reopened, relinked, re-priced and deleted; notes and calls; tasks; next-contact
days; archived rows), then `forgotten` and `forgotten_count` are compared with it under many filters and limits,
and the stored deal values with the deals they sum.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minicrm.store.core.db import Database, Session
from minicrm.store.core.migrate import ensure_schema
from minicrm.store.followups.due import maybe_moment
from minicrm.store.followups.forgotten import forgotten, forgotten_count
from minicrm.store.people.cadence import days_between
from minicrm.store.people.companies import create_company, update_company
from minicrm.store.people.contacts import create_contact
from minicrm.store.people.interactions import log_interaction
from minicrm.store.sales.deals import create_deal, delete_deal, lose_deal, reopen_deal, update_deal, win_deal
from minicrm.store.sales.tasks import create_task

TODAY = date(2026, 11, 22)


def at(days_ago: int, hour: int = 9) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(hour))


# -- the reference: the query `forgotten` ran before it walked the value indexes ------------------------------


def _deal_value(column: str, owner: str) -> str:
    return (
        f"(SELECT sum(d.amount_minor) FROM deal d WHERE d.{column} = {owner}.id AND d.stage_id IN"
        " (SELECT st.id FROM pipeline_stage st WHERE st.outcome IN ('won', 'open')))"
    )


def _reference_sql(
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
    cutoff = datetime.combine(today - timedelta(days=days - 1), datetime.min.time())
    parts: list[str] = []
    params: list[Any] = []
    if "contact" in kinds:
        where = [
            "c.archived = ?",
            "(c.last_interaction_at < ? OR (c.last_interaction_at IS NULL AND c.created_at < ?))",
            "(c.next_contact_on IS NULL OR c.next_contact_on < ?)",
            "c.id NOT IN (SELECT t.contact_id FROM task t WHERE t.done = ? AND t.due_on >= ?"
            " AND t.contact_id IS NOT NULL)",
            "c.id NOT IN (SELECT d.contact_id FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE s.outcome = 'open' AND d.next_step_on >= ? AND d.contact_id IS NOT NULL)",
        ]
        where_params: list[Any] = [False, cutoff, cutoff, today.isoformat(), False, today, today]
        if statuses:
            where.append(f"c.status IN ({', '.join('?' * len(statuses))})")
            where_params += statuses
        if tag:
            where.append("EXISTS (SELECT 1 FROM contact_tag ct WHERE ct.contact_id = c.id AND ct.tag = ?)")
            where_params.append(tag)
        if owner_id is not None:
            where.append("c.owner_id = ?")
            where_params.append(owner_id)
        parts.append(
            "SELECT 'contact' AS kind, c.id, c.name, co.name AS company, c.status, c.last_interaction_at AS last_at,"
            f" c.created_at, {_deal_value('contact_id', 'c')} AS value_minor"
            " FROM contact c LEFT JOIN company co ON co.id = c.company_id WHERE " + " AND ".join(where)
        )
        params += where_params
    if "company" in kinds:
        where = [
            "co.archived = ?",
            "(la.last_at < ? OR (la.last_at IS NULL AND co.created_at < ?))",
            "co.id NOT IN (SELECT p.company_id FROM contact p WHERE p.archived = ? AND p.next_contact_on >= ?"
            " AND p.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT t.company_id FROM task t WHERE t.done = ? AND t.due_on >= ?"
            " AND t.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT p.company_id FROM task t JOIN contact p ON p.id = t.contact_id"
            " WHERE t.done = ? AND t.due_on >= ? AND p.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT d.company_id FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " WHERE s.outcome = 'open' AND d.next_step_on >= ? AND d.company_id IS NOT NULL)",
            "co.id NOT IN (SELECT p.company_id FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
            " JOIN contact p ON p.id = d.contact_id WHERE s.outcome = 'open' AND d.next_step_on >= ?"
            " AND p.company_id IS NOT NULL)",
        ]
        where_params = [False, cutoff, cutoff, False, today, False, today, False, today, today, today]
        if statuses:
            where.append(
                "EXISTS (SELECT 1 FROM contact p WHERE p.company_id = co.id AND p.archived = ?"
                f" AND p.status IN ({', '.join('?' * len(statuses))}))"
            )
            where_params += [False, *statuses]
        if tag:
            where.append("EXISTS (SELECT 1 FROM company_tag ct WHERE ct.company_id = co.id AND ct.tag = ?)")
            where_params.append(tag)
        if owner_id is not None:
            where.append("co.owner_id = ?")
            where_params.append(owner_id)
        parts.append(
            "SELECT 'company' AS kind, co.id, co.name, NULL AS company, NULL AS status, la.last_at AS last_at,"
            f" co.created_at, {_deal_value('company_id', 'co')} AS value_minor"
            " FROM company co LEFT JOIN (SELECT p.company_id, max(p.last_interaction_at) AS last_at FROM contact p"
            " WHERE p.company_id IS NOT NULL GROUP BY p.company_id) la ON la.company_id = co.id WHERE "
            + " AND ".join(where)
        )
        params += where_params
    silent = days_between(session, "?", "COALESCE(q.last_at, q.created_at)")
    sql = f"SELECT q.*, {silent} AS silent FROM ({' UNION ALL '.join(parts)}) q"
    params = [today.isoformat(), *params]
    if min_value is not None:
        sql += " WHERE q.value_minor >= ?"
        params.append(int((min_value * 100).to_integral_value()))
    return sql, params


def reference(session: Session, *, limit: int | None = None, **filters: Any) -> list[dict[str, Any]]:
    """What `forgotten` listed before, as JSON rows."""
    sql, params = _reference_sql(session, today=TODAY, **filters)
    has_deals = session.scalar("SELECT 1 FROM deal LIMIT 1") is not None
    score = "COALESCE(r.value_minor, 0) * r.silent DESC, " if has_deals else ""
    sql = f"SELECT r.* FROM ({sql}) r ORDER BY {score}r.silent DESC, r.kind DESC, r.name, r.id"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    out = []
    for r in session.all(sql, params):
        last = maybe_moment(r["last_at"])
        out.append({
            "kind": r["kind"], "id": r["id"], "name": r["name"], "company": r["company"], "status": r["status"],
            "last_interaction_at": last.isoformat() if last else None,
            "days_silent": (TODAY - last.date()).days if last else None, "never_contacted": last is None,
            "value": None if r["value_minor"] is None else str(Decimal(r["value_minor"]).scaleb(-2)),
        })  # fmt: skip
    return out


# -- random databases ---------------------------------------------------------------------------------------

COMPANY = st.fixed_dictionaries(
    {"created": st.integers(0, 400), "archived": st.sampled_from([False, False, True]), "vip": st.booleans()}
)
PERSON = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["Ada", "Bob", "Cy", "Éva", "Жанна", "ada"]),  # equal names: ties go to the id
        "created": st.integers(0, 400),
        "company": st.none() | st.integers(0, 3),
        "status": st.sampled_from(["lead", "client"]),
        "archived": st.sampled_from([False, False, False, True]),
        "vip": st.booleans(),
        "touches": st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["call", "note"])), max_size=3),
        "next": st.none() | st.integers(-30, 30),
        "task": st.none() | st.tuples(st.integers(-20, 20), st.booleans(), st.booleans()),  # due, done, on company
    }
)
DEAL = st.fixed_dictionaries(
    {
        "contact": st.none() | st.integers(0, 11),
        "company": st.none() | st.integers(0, 3),
        "amount": st.sampled_from([0, 10, 25, 100, 250, 1000]),  # few values: equal scores, ties by silence and name
        "stage": st.sampled_from(["lead", "proposal", "won", "lost"]),
        "step": st.none() | st.integers(-10, 10),
        "then": st.sampled_from([None, None, "delete", "relink", "amount", "win", "lose", "reopen"]),
        "to": st.integers(0, 11),
    }
)


def build(session: Session, companies: list[dict], people: list[dict], deals: list[dict]) -> None:
    company_ids = []
    for n, c in enumerate(companies):
        company_ids.append(
            create_company(session, name=f"Co {n}", now=at(c["created"]), tags=["vip"] if c["vip"] else [])
        )
    contact_ids = []
    for n, p in enumerate(people):
        company = None
        if p["company"] is not None and p["company"] < len(companies):
            company = f"Co {p['company']}"
        next_on = TODAY + timedelta(days=p["next"]) if p["next"] is not None else None
        tags = ["vip"] if p["vip"] else []
        saved = create_contact(session, name=f"{p['name']} {n % 3}", now=at(p["created"]), company=company,
                               status=p["status"], tags=tags, next_contact_on=next_on)  # fmt: skip
        contact_ids.append(saved.id)
        for days_ago, kind in p["touches"]:
            log_interaction(session, contact_id=saved.id, kind=kind, summary="Hello", happened_at=at(days_ago, 11),
                            now=at(days_ago, 11))  # fmt: skip
        if p["task"] is not None:
            due, done, on_company = p["task"]
            task = create_task(session, title="Call back", now=at(30), due_on=TODAY + timedelta(days=due),
                               contact_id=None if on_company and company else saved.id,
                               company_id=company_ids[p["company"]] if on_company and company else None)  # fmt: skip
            if done:
                from minicrm.store.sales.tasks import complete_task

                complete_task(session, task, on=TODAY, now=at(1))
        if p["archived"]:
            from minicrm.store.people.contacts import update_contact

            update_contact(session, saved.id, now=at(0), archived=True)
    for company_id, c in zip(company_ids, companies, strict=True):
        if c["archived"]:
            update_company(session, company_id, now=at(0), archived=True)
    now = at(5)
    for d in deals:
        contact = contact_ids[d["contact"]] if d["contact"] is not None and d["contact"] < len(contact_ids) else None
        company = company_ids[d["company"]] if d["company"] is not None and d["company"] < len(company_ids) else None
        if contact is None and company is None:
            continue
        step_on = TODAY + timedelta(days=d["step"]) if d["step"] is not None else None
        deal_id = create_deal(session, title="Deal", now=now, contact_id=contact, company_id=company,
                              amount=Decimal(d["amount"]), stage=d["stage"], next_step_on=step_on)  # fmt: skip
        then = d["then"]
        if then == "delete":
            delete_deal(session, deal_id, now=now)
        elif then == "relink" and d["to"] < len(contact_ids):
            update_deal(session, deal_id, now=now, contact_id=contact_ids[d["to"]],
                        company_id=company_ids[0] if company_ids else None)  # fmt: skip
        elif then == "amount":
            update_deal(session, deal_id, now=now, amount=Decimal(d["amount"] * 3 + 7))
        elif then in ("win", "lose") and d["stage"] not in ("won", "lost"):
            if then == "win":
                win_deal(session, deal_id, on=TODAY - timedelta(days=3), now=now)
            else:
                lose_deal(session, deal_id, reason="price", now=now)
        elif then == "reopen" and d["stage"] in ("won", "lost"):
            reopen_deal(session, deal_id, "proposal", now=now)


FILTERS: list[dict[str, Any]] = [
    {},
    {"days": 30},
    {"days": 200},
    {"statuses": ["client"]},
    {"tag": "vip"},
    {"min_value": Decimal("0")},
    {"min_value": Decimal("100")},
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    companies=st.lists(COMPANY, max_size=4),
    people=st.lists(PERSON, max_size=12),
    deals=st.lists(DEAL, max_size=14),
)
def test_forgotten_lists_what_the_reference_query_did(new_target, companies, people, deals):
    db = Database(new_target())
    with db.connect() as session:
        ensure_schema(db, session)
        build(session, companies, people, deals)
        for column, table in (("contact_id", "contact"), ("company_id", "company")):  # the stored values hold
            pairs = session.all(f"SELECT o.deal_value_minor, {_deal_value(column, 'o')} FROM {table} o")
            assert [tuple(p) for p in pairs if p[0] != p[1]] == [], f"{table}.deal_value_minor out of step"
        for extra in FILTERS:
            filters = {"days": 90, "statuses": None, "tag": None, "min_value": None, "owner_id": None, **extra}
            for kinds in (("contact", "company"), ("contact",), ("company",)):
                whole = reference(session, kinds=kinds, **filters)
                assert [r.to_json() for r in forgotten(session, today=TODAY, kinds=kinds, **filters)] == whole
                for limit in (1, 2, 3, 5):
                    got = forgotten(session, today=TODAY, kinds=kinds, limit=limit, **filters)
                    assert [r.to_json() for r in got] == whole[:limit], (kinds, limit, extra)
        for kinds in (("contact",), ("company",), ("contact", "company")):
            expected = len(reference(session, kinds=kinds, days=90, statuses=None, tag=None, min_value=None,
                                     owner_id=None))  # fmt: skip
            assert forgotten_count(session, today=TODAY, kinds=kinds) == expected
