"""What each user did in a period, counted in SQL and grouped by user: the facts plans are checked against.

- revenue: the value of deals won in the period (`won_on`), per currency, credited to the deal's owner;
- deals won and lost in the period, by the deal's owner;
- new clients: clients (a deal's company, else its contact, as `report clients` counts them) whose first won
  deal ever was won in the period, credited to that deal's owner. A contact's status has no history, so
  "became a client" is read from the deals: a contact imported with status client, or a company that bought
  before, is not new;
- interactions by kind logged by the user (`logged_by`) in the period; `interactions` counts the kinds that are
  contact with the client (internal kinds such as `note` are left out).

The key `None` holds what nobody owns (or logged); `team_facts` adds every key up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from minicrm.store.core.db import Session
from minicrm.values.money import from_minor

_WON = "d.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'won')"
#: deal `e` was won before deal `d` (the earlier day, then the lower id)
_EARLIER = (
    "e.stage_id IN (SELECT st.id FROM pipeline_stage st WHERE st.outcome = 'won')"
    " AND (e.won_on < d.won_on OR (e.won_on = d.won_on AND e.id < d.id))"
)
_NEW_CLIENT = (
    "SELECT d.owner_id AS uid, count(*) AS n FROM deal d WHERE d.won_on >= ? AND d.won_on <= ? AND " + _WON
    + " AND (d.company_id IS NOT NULL OR d.contact_id IS NOT NULL)"
    " AND NOT EXISTS (SELECT 1 FROM deal e WHERE e.company_id = d.company_id AND " + _EARLIER + ")"
    " AND NOT (d.company_id IS NULL AND EXISTS (SELECT 1 FROM deal e WHERE e.contact_id = d.contact_id"
    " AND e.company_id IS NULL AND " + _EARLIER + "))"
    " GROUP BY d.owner_id"
)  # fmt: skip


@dataclass
class Facts:
    revenue: dict[str, Decimal] = field(default_factory=dict)  # currency -> won amount
    deals: int = 0  # won
    lost: int = 0
    new_clients: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # interaction kind -> count
    interactions: int = 0  # of the kinds that are contact with the client

    def count(self, metric: str) -> int:
        """A count metric of a plan: deals, new_clients, calls, meetings or interactions."""
        if metric in ("calls", "meetings"):
            return self.kinds.get(metric[:-1], 0)
        value: int = getattr(self, metric)
        return value

    def add(self, other: Facts) -> None:
        for currency, amount in other.revenue.items():
            self.revenue[currency] = self.revenue.get(currency, Decimal("0.00")) + amount
        for kind, n in other.kinds.items():
            self.kinds[kind] = self.kinds.get(kind, 0) + n
        self.deals += other.deals
        self.lost += other.lost
        self.new_clients += other.new_clients
        self.interactions += other.interactions


def facts_by_user(session: Session, *, start: date, end: date) -> dict[int | None, Facts]:
    """Each user's facts in [start, end] (the key None: deals without an owner, interactions nobody logged)."""
    out: dict[int | None, Facts] = {}

    def of(uid: Any) -> Facts:
        return out.setdefault(uid, Facts())

    for r in session.all(
        "SELECT d.owner_id AS uid, s.outcome, d.currency, count(*) AS n, sum(d.amount_minor) AS total FROM deal d"
        " JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'won' AND d.won_on >= ? AND d.won_on <= ?"
        " GROUP BY d.owner_id, s.outcome, d.currency"
        " UNION ALL SELECT d.owner_id, s.outcome, NULL, count(*), NULL FROM deal d JOIN pipeline_stage s"
        " ON s.id = d.stage_id WHERE s.outcome = 'lost' AND d.lost_on >= ? AND d.lost_on <= ?"
        " GROUP BY d.owner_id, s.outcome",
        [start, end, start, end],
    ):  # fmt: skip
        facts = of(r["uid"])
        if r["outcome"] == "won":
            facts.deals += r["n"]
            facts.revenue[r["currency"]] = from_minor(r["total"])
        else:
            facts.lost += r["n"]
    for r in session.all(_NEW_CLIENT, [start, end]):
        of(r["uid"]).new_clients = r["n"]
    internal = {r["name"] for r in session.all("SELECT name FROM interaction_kind WHERE internal = ?", [True])}
    for r in session.all(
        "SELECT i.logged_by AS uid, i.kind, count(*) AS n FROM interaction i"
        " WHERE i.happened_at >= ? AND i.happened_at < ? GROUP BY i.logged_by, i.kind",
        [datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())],
    ):
        facts = of(r["uid"])
        facts.kinds[r["kind"]] = r["n"]
        if r["kind"] not in internal:
            facts.interactions += r["n"]
    return out


def team_facts(by_user: dict[int | None, Facts]) -> Facts:
    """Everyone's facts added up (money per currency)."""
    total = Facts()
    for facts in by_user.values():
        total.add(facts)
    return total
