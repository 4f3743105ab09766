"""Analytics: pipeline funnel, forecast, sales, client value, activity and segments (SQL aggregations).

Money is summed per currency in the database (exact integer cents) and never added across currencies.
Periods are inclusive date ranges; `None` means unbounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from minicrm.errors import BadInput
from minicrm.i18n import _
from minicrm.store.core.db import Session
from minicrm.store.sales.stages import list_stages
from minicrm.values.money import CENT, from_minor

Money = dict[str, Decimal]


def _money(rows: list[Any], key: str = "total") -> Money:
    return {r["currency"]: from_minor(r[key]) for r in rows if r["currency"] is not None}


def _json_money(value: Money) -> dict[str, str]:
    return {k: str(v) for k, v in sorted(value.items())}


def _month(session: Session, column: str) -> str:
    return session.dialect.month_key(column)


def _quarter(session: Session, column: str) -> str:
    return session.dialect.quarter_key(column)


def _period(column: str, start: date | None, end: date | None) -> tuple[list[str], list[Any]]:
    where, params = [], []
    if start:
        where.append(f"{column} >= ?")
        params.append(start)
    if end:
        where.append(f"{column} <= ?")
        params.append(end)
    return where, params


# -- pipeline ---------------------------------------------------------------------------------


@dataclass
class PipelineRow:
    stage: str
    outcome: str
    count: int
    totals: Money
    weighted: Money
    conversion: float | None
    avg_days: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "outcome": self.outcome,
            "count": self.count,
            "totals": _json_money(self.totals),
            "weighted": _json_money(self.weighted),
            "conversion": None if self.conversion is None else round(self.conversion, 4),
            "avg_days": None if self.avg_days is None else round(self.avg_days, 2),
        }


def pipeline(
    session: Session, *, start: date | None = None, end: date | None = None, owner_id: int | None = None,
    today: date | None = None,
) -> list[PipelineRow]:  # fmt: skip
    """Per stage: deals now in it, their total and weighted amount, conversion to the next stage, days spent.

    Deals are those created in the period. Conversion of stage i = deals that reached a later stage
    (won included, lost excluded) / deals that reached stage i; a deal created in a later stage counts as
    having passed the earlier ones. Days in stage average the completed stays in the stage history.
    """
    where, params = _period(session.dialect.day_of("d.created_at"), start, end)
    if owner_id is not None:
        where.append("d.owner_id = ?")
        params.append(owner_id)
    cond = (" AND " + " AND ".join(where)) if where else ""
    rows = session.all(
        "SELECT d.stage_id, d.currency, count(*) AS n, sum(d.amount_minor) AS total,"
        " sum(d.amount_minor * coalesce(d.probability, s.probability)) AS weighted_x100"
        f" FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id WHERE 1 = 1{cond} GROUP BY d.stage_id, d.currency",
        params,
    )
    reached_rows = session.all(
        "SELECT m.top, count(*) AS n FROM (SELECT h.deal_id, max(s.position) AS top FROM deal_stage_history h"
        " JOIN pipeline_stage s ON s.id = h.to_stage_id JOIN deal d ON d.id = h.deal_id"
        f" WHERE s.outcome != 'lost'{cond}"
        " GROUP BY h.deal_id) m GROUP BY m.top",
        params,
    )
    span = f"{session.dialect.hours_between('h.next_at', 'h.changed_at')} / 24.0"
    day_rows = session.all(
        f"SELECT h.to_stage_id, avg({span}) AS days FROM (SELECT x.deal_id, x.to_stage_id, x.changed_at,"
        " lead(x.changed_at) OVER (PARTITION BY x.deal_id ORDER BY x.changed_at, x.id) AS next_at"
        " FROM deal_stage_history x) h JOIN deal d ON d.id = h.deal_id JOIN pipeline_stage s ON s.id = d.stage_id"
        f" WHERE h.next_at IS NOT NULL{cond} GROUP BY h.to_stage_id",
        params,
    )
    stages = list_stages(session)
    days = {r["to_stage_id"]: float(r["days"]) for r in day_rows if r["days"] is not None}
    tops = {r["top"]: r["n"] for r in reached_rows}

    def reached(position: int) -> int:
        return sum(n for top, n in tops.items() if top >= position)

    ladder = [s for s in stages if s.outcome != "lost"]
    out = []
    for stage in stages:
        mine = [r for r in rows if r["stage_id"] == stage.id]
        conversion = None
        if stage.outcome == "open":
            later = [s for s in ladder if s.position > stage.position]
            base = reached(stage.position)
            if later and base:
                conversion = reached(later[0].position) / base
        out.append(
            PipelineRow(
                stage=stage.name,
                outcome=stage.outcome,
                count=sum(r["n"] for r in mine),
                totals=_money(mine),
                weighted={r["currency"]: (Decimal(r["weighted_x100"]) / 10000).quantize(CENT) for r in mine},
                conversion=conversion,
                avg_days=days.get(stage.id) if stage.outcome == "open" else None,
            )
        )
    return out


# -- forecast ---------------------------------------------------------------------------------


@dataclass
class ForecastRow:
    month: str
    currency: str
    open_count: int
    open_amount: Decimal
    weighted: Decimal
    won_count: int
    won_amount: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "currency": self.currency,
            "open_count": self.open_count,
            "open_amount": str(self.open_amount),
            "weighted": str(self.weighted),
            "won_count": self.won_count,
            "won_amount": str(self.won_amount),
        }


def forecast(session: Session, *, start: date | None = None, end: date | None = None,
             owner_id: int | None = None) -> list[ForecastRow]:  # fmt: skip
    """Open deals by month of expected close (amount and weighted), beside deals won in that month."""
    owner = " AND d.owner_id = ?" if owner_id is not None else ""
    extra = [owner_id] if owner_id is not None else []
    w1, p1 = _period("d.expected_close", start, end)
    w2, p2 = _period("d.won_on", start, end)
    month_close, month_won = _month(session, "d.expected_close"), _month(session, "d.won_on")
    open_rows = session.all(
        f"SELECT {month_close} AS month, d.currency, count(*) AS n, sum(d.amount_minor) AS total,"
        " sum(d.amount_minor * coalesce(d.probability, s.probability)) AS wx FROM deal d"
        " JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'open' AND d.expected_close IS NOT NULL"
        + "".join(f" AND {w}" for w in w1)
        + owner
        + " GROUP BY 1, 2",
        [*p1, *extra],
    )
    won_rows = session.all(
        f"SELECT {month_won} AS month, d.currency, count(*) AS n, sum(d.amount_minor) AS total FROM deal d"
        " JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'won' AND d.won_on IS NOT NULL"
        + "".join(f" AND {w}" for w in w2)
        + owner
        + " GROUP BY 1, 2",
        [*p2, *extra],
    )
    table: dict[tuple[str, str], ForecastRow] = {}
    for r in open_rows:
        table[(r["month"], r["currency"])] = ForecastRow(
            r["month"], r["currency"], r["n"], from_minor(r["total"]), (Decimal(r["wx"]) / 10000).quantize(CENT),
            0, Decimal("0.00"),
        )  # fmt: skip
    for r in won_rows:
        row = table.setdefault(
            (r["month"], r["currency"]),
            ForecastRow(r["month"], r["currency"], 0, Decimal("0.00"), Decimal("0.00"), 0, Decimal("0.00")),
        )
        row.won_count, row.won_amount = r["n"], from_minor(r["total"])
    return [table[k] for k in sorted(table)]


# -- sales ------------------------------------------------------------------------------------

SALES_GROUPS = ("month", "quarter", "product", "industry", "region", "source", "owner")


@dataclass
class SalesReport:
    by: str
    rows: list[dict[str, Any]]
    won: Money
    won_count: int
    lost_count: int
    average: Money
    win_rate: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "rows": self.rows,
            "won_total": _json_money(self.won),
            "won_count": self.won_count,
            "lost_count": self.lost_count,
            "win_rate": None if self.win_rate is None else round(self.win_rate, 4),
            "average_deal": _json_money(self.average),
        }


def sales(session: Session, *, by: str = "month", start: date | None = None, end: date | None = None,
          owner_id: int | None = None) -> SalesReport:  # fmt: skip
    """Won revenue grouped `by`, with the win rate and the average won deal, per currency."""
    if by not in SALES_GROUPS:
        raise BadInput(_("unknown grouping '{by}' (one of: {choices})").format(by=by, choices=", ".join(SALES_GROUPS)))
    where, params = _period("d.won_on", start, end)
    if owner_id is not None:
        where.append("d.owner_id = ?")
        params.append(owner_id)
    cond = "".join(f" AND {w}" for w in where)
    plain = " FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id"
    joins = {  # only the grouping that needs a name pays for its join
        "industry": " LEFT JOIN company co ON co.id = d.company_id",
        "region": " LEFT JOIN company co ON co.id = d.company_id",
        "source": " LEFT JOIN contact c ON c.id = d.contact_id",
        "owner": " LEFT JOIN app_user u ON u.id = d.owner_id",
    }
    base = plain + joins.get(by, "")
    key = {
        "month": _month(session, "d.won_on"),
        "quarter": _quarter(session, "d.won_on"),
        "industry": "coalesce(co.industry, '(none)')",
        "region": "coalesce(co.region, co.city, '(none)')",
        "source": "coalesce(d.source, c.source, '(none)')",
        "owner": "coalesce(u.name, '(none)')",
    }
    if by == "product":
        grouped = session.all(
            "SELECT p.name AS grp, d.currency, count(DISTINCT d.id) AS n, sum(p.total_minor) AS total"
            + base + " JOIN deal_product p ON p.deal_id = d.id WHERE s.outcome = 'won'" + cond
            + " GROUP BY p.name, d.currency ORDER BY total DESC, grp",
            params,
        )  # fmt: skip
    else:
        grouped = session.all(
            f"SELECT {key[by]} AS grp, d.currency, count(*) AS n, sum(d.amount_minor) AS total" + base
            + " WHERE s.outcome = 'won'" + cond + " GROUP BY 1, 2 ORDER BY 1, 2",
            params,
        )  # fmt: skip
    rows = [{by: r["grp"], "currency": r["currency"], "deals": r["n"], "amount": str(from_minor(r["total"]))}
            for r in grouped]  # fmt: skip
    won = session.all(
        "SELECT d.currency, count(*) AS n, sum(d.amount_minor) AS total" + plain + " WHERE s.outcome = 'won'" + cond
        + " GROUP BY d.currency",
        params,
    )  # fmt: skip
    lost_where, lost_params = _period("d.lost_on", start, end)
    if owner_id is not None:
        lost_where.append("d.owner_id = ?")
        lost_params.append(owner_id)
    lost = session.scalar(
        "SELECT count(*)" + plain + " WHERE s.outcome = 'lost'" + "".join(f" AND {w}" for w in lost_where),
        lost_params,
    )
    won_count = sum(r["n"] for r in won)
    closed = won_count + lost
    return SalesReport(
        by=by,
        rows=rows,
        won=_money(won),
        won_count=won_count,
        lost_count=lost,
        average={r["currency"]: (from_minor(r["total"]) / r["n"]).quantize(CENT) for r in won},
        win_rate=won_count / closed if closed else None,
    )


# -- clients ----------------------------------------------------------------------------------


def clients(session: Session, *, today: date, start: date | None = None, end: date | None = None,
            owner_id: int | None = None, top: int = 10) -> list[dict[str, Any]]:  # fmt: skip
    """Client value: lifetime won revenue per client (its company, else the contact) and currency.

    `regular` = at least two won deals in the period; `top` = among the N most valuable; `products` = what
    they buy. Sorted by lifetime value.
    """
    client = "coalesce('company:' || d.company_id, 'contact:' || d.contact_id)"
    owner = " AND d.owner_id = ?" if owner_id is not None else ""
    pw, pp = _period("d.won_on", start, end)
    in_period = " AND ".join(pw) if pw else "1 = 1"
    rows = session.all(
        f"SELECT {client} AS client, min(coalesce(co.name, c.name)) AS name, d.currency, count(*) AS deals,"
        f" sum(d.amount_minor) AS total, min(d.won_on) AS first_purchase, max(d.won_on) AS last_purchase,"
        f" sum(CASE WHEN {in_period} THEN 1 ELSE 0 END) AS in_period,"
        " max(coalesce((SELECT max(p.last_interaction_at) FROM contact p WHERE p.company_id = d.company_id),"
        " c.last_interaction_at)) AS last_at"
        " FROM deal d JOIN pipeline_stage s ON s.id = d.stage_id LEFT JOIN company co ON co.id = d.company_id"
        f" LEFT JOIN contact c ON c.id = d.contact_id WHERE s.outcome = 'won'{owner}"
        " GROUP BY 1, 3 ORDER BY sum(d.amount_minor) DESC, 2",
        [*pp, *([owner_id] if owner_id is not None else [])],
    )
    products = session.all(
        f"SELECT {client} AS client, p.name, sum(p.total_minor) AS total FROM deal_product p JOIN deal d"
        " ON d.id = p.deal_id JOIN pipeline_stage s ON s.id = d.stage_id WHERE s.outcome = 'won'"
        " GROUP BY 1, 2 ORDER BY 3 DESC"
    )
    bought: dict[str, list[str]] = {}
    for r in products:
        bought.setdefault(r["client"], []).append(r["name"])
    out = []
    for rank, r in enumerate(rows, 1):
        last = r["last_at"]
        if isinstance(last, str):
            last = datetime.fromisoformat(last)
        kind, _sep, ident = r["client"].partition(":")
        out.append(
            {
                "client": r["name"],
                "kind": kind,
                "id": int(ident),
                "currency": r["currency"],
                "lifetime_value": str(from_minor(r["total"])),
                "won_deals": r["deals"],
                "first_purchase": str(r["first_purchase"])[:10] if r["first_purchase"] else None,
                "last_purchase": str(r["last_purchase"])[:10] if r["last_purchase"] else None,
                "days_since_interaction": (today - last.date()).days if last else None,
                "regular": r["in_period"] >= 2,
                "top": rank <= top,
                "products": bought.get(r["client"], []),
            }
        )
    return out


# -- activity ---------------------------------------------------------------------------------


def activity(session: Session, *, start: date | None = None, end: date | None = None, by: str = "week",
             owner_id: int | None = None, per: str = "user") -> list[dict[str, Any]]:  # fmt: skip
    """Interactions per user (who logged them) per day or week, by kind; or per client (`per='client'`)."""
    if by not in ("day", "week", "month"):
        raise BadInput(_("unknown --by '{by}' (day, week or month)").format(by=by))
    if per not in ("user", "client"):
        raise BadInput(_("unknown --per '{per}' (user or client)").format(per=per))
    bucket = {
        "day": session.dialect.day_key("i.happened_at"),
        "week": session.dialect.week_key("i.happened_at"),  # a week is named by its Monday
        "month": _month(session, "i.happened_at"),
    }[by]
    where, params = _period("i.happened_at", start, None)
    if end:
        where.append("i.happened_at < ?")
        params.append(datetime.combine(end, datetime.max.time()).replace(microsecond=0))
    if owner_id is not None:
        where.append("i.logged_by = ?")
        params.append(owner_id)
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    if per == "client":
        rows = session.all(
            "SELECT coalesce(co.name, c.name) AS client, i.kind, count(*) AS n, max(i.happened_at) AS last_at"
            " FROM interaction i LEFT JOIN contact c ON c.id = i.contact_id"
            f" LEFT JOIN company co ON co.id = i.company_id{cond} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
            params,
        )
        return [{"client": r["client"], "kind": r["kind"], "count": r["n"]} for r in rows]
    rows = session.all(
        f"SELECT {bucket} AS period, coalesce(u.name, '(nobody)') AS user, i.kind, count(*) AS n"
        f" FROM interaction i LEFT JOIN app_user u ON u.id = i.logged_by{cond} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        params,
    )
    return [{"period": r["period"], "user": r["user"], "kind": r["kind"], "count": r["n"]} for r in rows]


# -- segments ---------------------------------------------------------------------------------


def segments(session: Session, *, by: str, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """Contacts per segment, their won revenue in the period and the average value per contact, per currency."""
    joins = ""
    params: list[Any] = []
    order: Any = None  # field:NAME of a number or date: the bins in their order, not by size
    if by in ("industry", "city"):
        key = f"coalesce(co.{by}, '(none)')"
        joins = " LEFT JOIN company co ON co.id = c.company_id"
    elif by in ("status", "source"):
        key = f"coalesce(c.{by}, '(none)')"
    elif by == "tag":
        key = "coalesce(t.tag, '(none)')"
        joins = " LEFT JOIN contact_tag t ON t.contact_id = c.id"
    elif by.startswith("field:") and by[6:].strip():
        from minicrm.store.people.segment_bins import field_grouping

        key, joins, params, order = field_grouping(session, by[6:].strip())
    else:
        raise BadInput(_("unknown segment '{by}' (industry, city, status, source, tag or field:NAME)").format(by=by))
    won_where, won_params = _period("d.won_on", start, end)
    won_cond = "".join(f" AND {w}" for w in won_where)
    counts = session.all(
        f"SELECT {key} AS seg, count(DISTINCT c.id) AS n FROM contact c{joins} WHERE c.archived = ? GROUP BY 1",
        [*params, False],
    )
    money = session.all(
        f"SELECT {key} AS seg, d.currency, count(DISTINCT d.id) AS deals, sum(d.amount_minor) AS total"
        f" FROM contact c{joins} JOIN deal d ON d.contact_id = c.id JOIN pipeline_stage s ON s.id = d.stage_id"
        f" WHERE c.archived = ? AND s.outcome = 'won'{won_cond} GROUP BY 1, 2",
        [*params, False, *won_params],
    )
    out = []
    for r in sorted(counts, key=order or (lambda r: (-r["n"], r["seg"]))):
        revenue = {m["currency"]: from_minor(m["total"]) for m in money if m["seg"] == r["seg"]}
        out.append(
            {
                "segment": r["seg"],
                "contacts": r["n"],
                "won_deals": sum(m["deals"] for m in money if m["seg"] == r["seg"]),
                "revenue": _json_money(revenue),
                "average_per_contact": _json_money({k: (v / r["n"]).quantize(CENT) for k, v in revenue.items()}),
            }
        )
    return out
