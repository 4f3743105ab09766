"""The reports screen's plan panel: each target of the plans running today as a bar of its % done."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from minicrm import display
from minicrm.i18n import _
from minicrm.store.sales.plans import metric_label
from minicrm.tui.widgets.charts import BarChart, BarRow
from minicrm.tui.widgets.render import money


def _figure(row: dict[str, Any], key: str) -> str:
    value = row[key]
    if value is None:
        return "—"
    return money(value, row["currency"]) if row["currency"] else str(value)


def plan_chart(rows: list[dict[str, Any]]) -> BarChart:
    """Rows of `store.sales.plan_report.plan_report`: "Ann · deals" with the period, fact, plan, % done and the
    projected %.

    Green when the projection reaches the plan, yellow when the pace falls short; a fact without a plan (won
    revenue in another currency) has no bar.
    """
    bars = []
    for r in rows:
        done = Decimal(r["done_percent"]) if r["done_percent"] is not None else Decimal(0)
        projected = r["projected_percent"]
        on_track = (projected is not None and Decimal(projected) >= 100) or done >= 100
        metric = metric_label(r["metric"]) + (f" {r['currency']}" if r["currency"] else "")
        figures = (
            r["period"],
            _figure(r, "fact"),
            _figure(r, "plan"),
            "—" if r["done_percent"] is None else f"{display.decimal(r['done_percent'])}%",
            "—" if projected is None else f"→ {display.decimal(projected)}%",
        )
        style = "green" if on_track else "yellow"
        who = _("team") if r.get("scope") == "team" else r["user"]
        bars.append(BarRow(f"{who} · {metric}", float(min(done, Decimal(150))), style, figures))
    empty = _("No plan for a period running today (minicrm plan set --period 2026-12 --user NAME ...).")
    headers = (_("Period"), _("Fact"), _("Plan"), _("Done"), _("Projected"))
    return BarChart(bars, priorities=(2, 1, 3, 0, 1), headers=headers, label_max=24, empty=empty)
