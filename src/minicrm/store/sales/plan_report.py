"""Plan against fact: per user and for the team, each target's fact, % done and run-rate projection.

The projection runs the pace so far on to the end of the period, on working days: fact / working days
elapsed x working days in the period, where working days are Monday to Friday (holidays count as working
days: minicrm keeps no holiday calendar) and today counts as elapsed. Before the period starts there is no
projection; after it ends the projection is the fact.

The team row is the team's own plan (`plan set --team`), else the sum of the users' plans of the period
(revenue summed per currency); its facts are everyone's, deals without an owner included. Revenue is compared
in the plan's currency only: won revenue in another currency is a row of its own, without a plan, and amounts
in different currencies are never added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.store.sales.plans import COUNTS, Plan, PlanPeriod, list_plans
from minicrm.store.sales.user_facts import Facts, facts_by_user, team_facts
from minicrm.values.money import CENT

TEAM = "team"


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days in [start, end] (0 when end is before start)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum(1 for n in range(rest) if (start.weekday() + n) % 7 < 5)


@dataclass(frozen=True)
class Pace:
    """How far into a period `today` is, in working days."""

    total: int
    elapsed: int

    @classmethod
    def of(cls, period: PlanPeriod, today: date) -> Pace:
        last = min(today, period.end)
        return cls(working_days(period.start, period.end), working_days(period.start, last))

    def project(self, fact: Decimal) -> Decimal | None:
        if not self.elapsed:
            return None
        return fact * self.total / self.elapsed


def percent(part: Decimal | int | None, whole: Decimal | int | None) -> str | None:
    """`part` as a percentage of `whole`, one decimal (a string, like every percentage in minicrm's JSON)."""
    if part is None or not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_EVEN))


@dataclass
class Scope:
    """Whose plan a row is: one user, or the team (`derived`: the sum of the users' plans)."""

    user_id: int | None
    name: str  # the user's name, or "team"
    revenue: dict[str, Decimal]  # planned revenue per currency (one currency for a plan set by hand)
    targets: dict[str, int]
    derived: bool = False

    @classmethod
    def of(cls, plan: Plan) -> Scope:
        revenue = {plan.currency: plan.revenue} if plan.revenue is not None and plan.currency else {}
        return cls(plan.user_id, plan.user or TEAM, revenue, dict(plan.targets))

    @classmethod
    def summed(cls, plans: list[Plan]) -> Scope:
        team = cls(None, TEAM, {}, {}, derived=True)
        for plan in plans:
            if plan.revenue is not None and plan.currency:
                team.revenue[plan.currency] = team.revenue.get(plan.currency, Decimal("0.00")) + plan.revenue
            for metric, target in plan.targets.items():
                team.targets[metric] = team.targets.get(metric, 0) + target
        return team


def _rows(period: PlanPeriod, pace: Pace, scope: Scope, facts: Facts) -> list[dict[str, Any]]:
    base = {"period": period.label, "starts_on": iso(period.start), "ends_on": iso(period.end),
            "scope": "user" if scope.user_id is not None else TEAM, "user": scope.name, "user_id": scope.user_id,
            "plan_source": "sum of user plans" if scope.derived else "plan",
            "working_days": pace.total, "working_days_elapsed": pace.elapsed}  # fmt: skip
    rows = []
    others = sorted(c for c in facts.revenue if c not in scope.revenue) if scope.revenue else []
    for currency in [*scope.revenue, *others]:  # won in another currency: a row of its own, never added
        plan = scope.revenue.get(currency)
        fact = facts.revenue.get(currency, Decimal("0.00"))
        projected = pace.project(fact)
        projection = None if projected is None else projected.quantize(CENT, ROUND_HALF_EVEN)
        rows.append({**base, "metric": "revenue", "currency": currency,
                     "plan": None if plan is None else str(plan), "fact": str(fact),
                     "done_percent": percent(fact, plan),
                     "projection": None if projection is None else str(projection),
                     "projected_percent": percent(projection, plan)})  # fmt: skip
    for metric in COUNTS:
        if metric not in scope.targets:
            continue
        target, fact_n = scope.targets[metric], facts.count(metric)
        projected = pace.project(Decimal(fact_n))
        rows.append({**base, "metric": metric, "currency": None, "plan": target, "fact": fact_n,
                     "done_percent": percent(fact_n, target),
                     "projection": None if projected is None else float(projected.quantize(Decimal("0.1"))),
                     "projected_percent": percent(projected, target)})  # fmt: skip
    return rows


def period_rows(
    session: Session, period: PlanPeriod, plans: list[Plan], *, today: date, with_team: bool = True
) -> list[dict[str, Any]]:
    """The rows of one period's `plans`: each user's, then the team's (its own plan, else the users' summed)."""
    pace = Pace.of(period, today)
    by_user = facts_by_user(session, start=period.start, end=period.end)
    rows: list[dict[str, Any]] = []
    users = [p for p in plans if p.user_id is not None]
    for plan in users:
        rows += _rows(period, pace, Scope.of(plan), by_user.get(plan.user_id, Facts()))
    if with_team:
        team = next((p for p in plans if p.user_id is None), None)
        if team is not None or users:
            scope = Scope.of(team) if team is not None else Scope.summed(users)
            rows += _rows(period, pace, scope, team_facts(by_user))
    return rows


def plan_report(
    session: Session, *, today: date, period: PlanPeriod | None = None, user_id: int | None = None
) -> list[dict[str, Any]]:
    """Rows for the plans of `period` (default: every period running today), of one user or everyone + the team.

    One row per user (or team), metric planned and, for revenue, currency: plan, fact, done_percent, projection
    (run rate to the end of the period on working days), projected_percent.
    """
    plans = list_plans(session, period=period, running_on=None if period else today, user_id=user_id)
    periods: dict[str, list[Plan]] = {}
    for plan in plans:
        periods.setdefault(plan.period.label, []).append(plan)
    rows: list[dict[str, Any]] = []
    for group in periods.values():
        rows += period_rows(session, group[0].period, group, today=today, with_team=user_id is None)
    return rows


def done_by_scope(rows: list[dict[str, Any]]) -> dict[int | str, dict[str, str | None]]:
    """From `period_rows`: per user id (and "team"), planned metric -> % done (revenue as `revenue EUR`)."""
    out: dict[int | str, dict[str, str | None]] = {}
    for r in rows:
        key = r["metric"] if r["currency"] is None else f"{r['metric']} {r['currency']}"
        if r["plan"] is not None:
            out.setdefault(r["user_id"] if r["scope"] == "user" else TEAM, {})[key] = r["done_percent"]
    return out
