"""The head of sales' view: one row per user, side by side, for a period, and the team's total.

Per user: interactions by kind they logged, new clients, deals won and lost and revenue per currency (the
period's facts, `store.sales.user_facts`), % done of each target of their plan for the period when the period
is a planned month, quarter or year (`store.sales.plan_report`); and, as of today, overdue follow-ups (what
`due --overdue --owner U` lists: follow-ups, tasks and deal steps), forgotten clients (`forgotten --owner U`)
and open service requests assigned to them. Each figure is one query grouped by user in SQL, made by the
service that owns it.

Rows: every active user, anyone else with a figure, "(nobody)" for what no user owns when there is such a
thing, and "team" adding everything up (money per currency, never across currencies).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.followups.due import overdue_by_owner
from minicrm.store.followups.forgotten import forgotten_by_owner
from minicrm.store.sales.plan_report import TEAM, done_by_scope, period_rows
from minicrm.store.sales.plans import PlanPeriod, list_plans
from minicrm.store.sales.user_facts import Facts, facts_by_user, team_facts
from minicrm.store.service.requests import open_by_assignee

NOBODY = "(nobody)"


def _row(name: str, user_id: int | None, facts: Facts, counts: dict[str, int], done: dict[str, str | None],
         kinds: list[str]) -> dict[str, Any]:  # fmt: skip
    return {
        "user": name,
        "user_id": user_id,
        "interactions": {k: facts.kinds[k] for k in kinds if facts.kinds.get(k)},
        "interactions_total": facts.interactions,
        "new_clients": facts.new_clients,
        "deals_won": facts.deals,
        "deals_lost": facts.lost,
        "revenue": {c: str(a) for c, a in sorted(facts.revenue.items())},
        "plan_percent": done,
        **counts,
    }


def team_report(
    session: Session, *, today: date, start: date, end: date, plan: PlanPeriod | None = None, forgotten_days: int = 90
) -> list[dict[str, Any]]:
    """One row per user for [start, end] (`plan`: the planned period it is, for the plan %), then the team's."""
    facts = facts_by_user(session, start=start, end=end)
    state = {
        "overdue_followups": overdue_by_owner(session, today=today),
        "forgotten": forgotten_by_owner(session, today=today, days=forgotten_days),
        "open_requests": open_by_assignee(session),
    }
    done: dict[int | str, dict[str, str | None]] = {}
    if plan is not None:
        plans = list_plans(session, period=plan)
        done = done_by_scope(period_rows(session, plan, plans, today=today)) if plans else {}
    kinds = [r["name"] for r in session.all("SELECT name FROM interaction_kind ORDER BY position, name")]
    kinds += sorted({k for f in facts.values() for k in f.kinds} - set(kinds))
    users = session.all("SELECT id, name, active FROM app_user ORDER BY name_key, id")
    busy = set(facts) | {uid for figures in state.values() for uid in figures}
    rows = []
    for uid, name in [*((u["id"], u["name"]) for u in users if u["active"] or u["id"] in busy), (None, NOBODY)]:
        if uid is None and uid not in busy:
            continue
        counts = {key: figures.get(uid, 0) for key, figures in state.items()}
        rows.append(_row(name, uid, facts.get(uid, Facts()), counts, done.get(uid, {}) if uid else {}, kinds))
    totals = {key: sum(figures.values()) for key, figures in state.items()}
    rows.append(_row(TEAM, None, team_facts(facts), totals, done.get(TEAM, {}), kinds))
    period = {"period": plan.label if plan else f"{iso(start)}..{iso(end)}", "starts_on": iso(start),
              "ends_on": iso(end)}  # fmt: skip
    return [{**period, **r} for r in rows]
