"""Sales plans: targets per user (or for the whole team) and calendar month, quarter or year.

A plan holds up to six targets: revenue (in one currency), deals won, new clients, calls, meetings and
interactions. `set_plan` merges: the targets given replace those of the same user and period, the others stay.
The team's plan has no user (`user_id` NULL); a unique index keeps one plan per user and period, and the write
lock (one writer at a time) keeps one team plan per period.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from minicrm.errors import BadInput, NotFound
from minicrm.i18n import _, pgettext
from minicrm.store.core import audit
from minicrm.store.core.db import Session
from minicrm.store.core.records import iso
from minicrm.values.money import from_minor, parse_currency, to_minor

#: The targets of a plan, in the order reports show them.
METRICS = ("revenue", "deals", "new_clients", "calls", "meetings", "interactions")
COUNTS = METRICS[1:]


def metric_label(metric: str) -> str:
    """A plan's metric as people read it (`new_clients` -> `new clients`, `новые клиенты`); JSON keeps the key."""
    names = {"revenue": pgettext("plan metric", "revenue"), "deals": pgettext("plan metric", "deals"),
             "new_clients": pgettext("plan metric", "new clients"), "calls": pgettext("plan metric", "calls"),
             "meetings": pgettext("plan metric", "meetings"),
             "interactions": pgettext("plan metric", "interactions")}  # fmt: skip
    return names.get(metric, metric.replace("_", " "))


#: A count target beyond this is a typo (a million calls a month).
COUNT_MAX = 1_000_000

_COLUMNS = "p.id, p.user_id, u.name AS user_name, p.period, p.starts_on, p.ends_on, p.revenue_minor, p.currency, " + (
    ", ".join(f"p.{m}" for m in COUNTS)
)
_FROM = " FROM sales_plan p LEFT JOIN app_user u ON u.id = p.user_id"


@dataclass(frozen=True)
class PlanPeriod:
    """A calendar month (`2026-11`), quarter (`2026-Q4`) or year (`2026`) and its first and last day."""

    label: str
    start: date
    end: date


@dataclass
class Plan:
    id: int
    user_id: int | None  # None: the team's plan
    user: str | None
    period: PlanPeriod
    revenue: Decimal | None
    currency: str | None
    targets: dict[str, int]  # count metric -> target, only those set

    def target(self, metric: str) -> Decimal | int | None:
        return self.revenue if metric == "revenue" else self.targets.get(metric)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "period": self.period.label,
            "starts_on": iso(self.period.start),
            "ends_on": iso(self.period.end),
            "scope": "team" if self.user_id is None else "user",
            "user": self.user,
            "revenue": None if self.revenue is None else str(self.revenue),
            "currency": self.currency,
            **{m: self.targets.get(m) for m in COUNTS},
        }


def plan_period(text: str, *, today: date) -> PlanPeriod:
    """The calendar month, quarter or year `text` names (`2026-12`, `2026-Q4`, `2026`, `this-month`, a range
    covering exactly one of them...); anything else is refused."""
    from minicrm.dates import parse_period

    start, end = parse_period(text, today=today)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    whole = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole and months == 1:
        return PlanPeriod(f"{start.year}-{start.month:02d}", start, end)
    if whole and months == 3 and start.month % 3 == 1:
        return PlanPeriod(f"{start.year}-Q{start.month // 3 + 1}", start, end)
    if whole and months == 12 and start.month == 1:
        return PlanPeriod(str(start.year), start, end)
    span = f"{start.isoformat()}..{end.isoformat()}"
    shown = f"'{text}'" if text.strip() == span else f"'{text}' ({span})"
    raise BadInput(
        _("a plan is for a calendar month, quarter or year (2026-12, 2026-Q4, 2026), not {period}").format(period=shown)
    )


def _record(r: Any) -> Plan:
    return Plan(
        id=r["id"],
        user_id=r["user_id"],
        user=r["user_name"],
        period=PlanPeriod(r["period"], r["starts_on"], r["ends_on"]),
        revenue=None if r["revenue_minor"] is None else from_minor(r["revenue_minor"]),
        currency=r["currency"],
        targets={m: r[m] for m in COUNTS if r[m] is not None},
    )


def _find(session: Session, user_id: int | None, label: str) -> Plan | None:
    who = "p.user_id IS NULL" if user_id is None else "p.user_id = ?"
    row = session.one(f"SELECT {_COLUMNS}{_FROM} WHERE p.period = ? AND {who}",
                      [label, *([] if user_id is None else [user_id])])  # fmt: skip
    return _record(row) if row is not None else None


def set_plan(
    session: Session,
    *,
    user_id: int | None,
    period: PlanPeriod,
    now: datetime,
    revenue: Decimal | None = None,
    currency: str | None = None,
    targets: Mapping[str, int | None] | None = None,
    acting_id: int | None = None,
) -> tuple[Plan, bool]:
    """Set targets of `user_id`'s (None: the team's) plan for `period`; (the plan, True when it is new).

    Revenue needs its currency; a plan's revenue is in one currency, so changing the currency needs a new amount.
    """
    given = {m: v for m, v in (targets or {}).items() if v is not None}
    for metric, value in given.items():
        if metric not in COUNTS:
            raise BadInput(
                _("unknown plan metric '{metric}' (one of: {choices})").format(
                    metric=metric, choices=", ".join(METRICS)
                )
            )
        if not 0 <= value <= COUNT_MAX:
            raise BadInput(
                _("invalid --{option} {value} (0 to {most})").format(
                    option=metric.replace("_", "-"), value=value, most=f"{COUNT_MAX:,}"
                )
            )
    if currency is not None:
        currency = parse_currency(currency)
    if (revenue is None) != (currency is None):
        raise BadInput(_("--revenue takes an amount and its currency, e.g. --revenue 50000 EUR"))
    if revenue is None and not given:
        options = ", ".join("--" + m.replace("_", "-") for m in METRICS)
        raise BadInput(_("nothing to plan: give at least one of {options}").format(options=options))
    values: dict[str, Any] = dict(given)
    if revenue is not None:
        values |= {"revenue_minor": to_minor(revenue), "currency": currency}
    with session.write():
        old = _find(session, user_id, period.label)
        if old is None:
            columns = ["user_id", "period", "starts_on", "ends_on", *values, "created_by", "created_at", "updated_at"]
            plan_id = session.insert(
                f"INSERT INTO sales_plan ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [user_id, period.label, period.start, period.end, *values.values(), acting_id, now, now],
            )
            changes = {k: (None, v) for k, v in _shown(values).items()}
        else:
            plan_id = old.id
            before = _shown({"revenue_minor": None if old.revenue is None else to_minor(old.revenue),
                             "currency": old.currency, **old.targets})  # fmt: skip
            changes = audit.diff(before, _shown(values))
            assignments = ", ".join(f"{k} = ?" for k in values)
            session.execute(f"UPDATE sales_plan SET {assignments}, updated_at = ? WHERE id = ?",
                            [*values.values(), now, plan_id])  # fmt: skip
        if changes or old is None:
            audit.record(session, entity="plan", entity_id=plan_id, action="create" if old is None else "update",
                         now=now, user_id=acting_id, changes={"period": (None, period.label), **changes}
                         if old is None else changes)  # fmt: skip
        plan = _find(session, user_id, period.label)
    assert plan is not None  # written above, in this transaction
    return plan, old is None


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """Plan values as the audit log keeps them: the revenue as decimal text."""
    out = {k: v for k, v in values.items() if k != "revenue_minor"}
    if "revenue_minor" in values:
        minor = values["revenue_minor"]
        out = {"revenue": None if minor is None else str(from_minor(minor)), **out}
    return out


def delete_plan(
    session: Session,
    *,
    plan_id: int | None = None,
    user_id: int | None = None,
    period: PlanPeriod | None = None,
    now: datetime,
    acting_id: int | None = None,
) -> Plan:
    """Delete a plan named by its id, or by user (None: the team) and period; returns what was deleted."""
    with session.write():
        if plan_id is not None:
            row = session.one(f"SELECT {_COLUMNS}{_FROM} WHERE p.id = ?", [plan_id])
            plan = _record(row) if row is not None else None
            missing = _("no plan {id} (see: minicrm plan list)").format(id=plan_id)
        else:
            assert period is not None
            plan = _find(session, user_id, period.label)
            missing = (_("no plan for the team in {period}") if user_id is None
                       else _("no plan for that user in {period}")).format(period=period.label)  # fmt: skip
        if plan is None:
            raise NotFound(missing)
        session.execute("DELETE FROM sales_plan WHERE id = ?", [plan.id])
        audit.record(session, entity="plan", entity_id=plan.id, action="delete", now=now, user_id=acting_id,
                     changes={"period": (plan.period.label, None), "user": (plan.user, None)})  # fmt: skip
    return plan


def list_plans(
    session: Session,
    *,
    period: PlanPeriod | None = None,
    running_on: date | None = None,
    user_id: int | None = None,
    team_only: bool = False,
) -> list[Plan]:
    """Plans of `period` (or of every period `running_on` a day), of one user or the team's; oldest period
    first, then the shortest, each period's team plan first, then the users by name."""
    where: list[str] = []
    params: list[Any] = []
    if period is not None:
        where.append("p.period = ?")
        params.append(period.label)
    if running_on is not None:
        where.append("p.starts_on <= ? AND p.ends_on >= ?")
        params += [running_on, running_on]
    if team_only:
        where.append("p.user_id IS NULL")
    elif user_id is not None:
        where.append("p.user_id = ?")
        params.append(user_id)
    sql = f"SELECT {_COLUMNS}{_FROM}" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY p.starts_on, p.ends_on, p.user_id IS NOT NULL, u.name_key, p.id"
    return [_record(r) for r in session.all(sql, params)]
