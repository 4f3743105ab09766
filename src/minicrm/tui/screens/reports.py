"""Reports: pipeline, forecast and sales as bars, activity per week and per kind, and the plans running today."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.charts import BarChart, BarRow
from minicrm.tui.widgets.plan_chart import plan_chart
from minicrm.tui.widgets.render import amount_text, totals_lines

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

WEEKS = 12


def fetch_reports(session: Session, *, today: Any) -> dict[str, Any]:
    from minicrm.store.sales import reports
    from minicrm.store.sales.plan_report import plan_report
    from minicrm.store.views import dashboard

    data: dict[str, Any] = {"pipeline": reports.pipeline(session)}
    data["forecast"] = reports.forecast(session, start=today.replace(day=1), end=today + timedelta(days=183))
    data["sales"] = reports.sales(session, by="month", start=(today - timedelta(days=365)).replace(day=1), end=today)
    data["weeks"] = dashboard.weekly_activity(session, today=today, weeks=WEEKS)
    data["kinds"] = dashboard.activity(session, start=today - timedelta(days=89), end=today)
    data["plan"] = plan_report(session, today=today)
    return data


class ReportsScreen(CrmScreen):
    NAV = "reports"

    def compose(self) -> ComposeResult:
        yield self.nav()
        with VerticalScroll(id="reports"):
            with Container(id="report-pipeline", classes="panel"):
                yield Static("", id="pipeline-chart")
            with Container(id="report-forecast", classes="panel"):
                yield Static("", id="forecast-chart")
            with Container(id="report-sales", classes="panel"):
                yield Static("", id="sales-chart")
            with Container(id="report-plan", classes="panel"):
                yield Static("", id="plan-chart")
            with Container(id="report-weeks", classes="panel"):
                yield Static("", id="weeks-chart")
            with Container(id="report-kinds", classes="panel"):
                yield Static("", id="kinds-chart")
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#report-pipeline").border_title = "Pipeline (deals per stage, amount)"
        self.query_one("#report-forecast").border_title = "Forecast — open deals by expected close (weighted), won"
        self.query_one("#report-sales").border_title = "Sales — won revenue per month, last 12 months"
        self.query_one("#report-weeks").border_title = f"Activity — interactions per week, last {WEEKS} weeks"
        self.query_one("#report-kinds").border_title = "Activity by kind — last 90 days"
        self.query_one("#report-plan").border_title = "Plans running today — % done, run rate to the period's end"
        self.query_one("#reports").focus()

    def reload(self) -> None:
        today = self.crm.today()
        self.db(lambda s: fetch_reports(s, today=today), self._show)

    def _show(self, data: dict[str, Any]) -> None:
        """Every amount in the user's number format (`money`); bars and figures fit the panel's width."""
        styles = {"won": "green", "lost": "red"}
        pipeline = [
            BarRow(r.stage, r.count, styles.get(r.outcome, "cyan"), (str(r.count), totals_lines(r.totals),
                   f"→ {r.conversion:.0%}" if r.conversion is not None else ""))
            for r in data["pipeline"]
        ]  # fmt: skip
        has_deals = any(r.count for r in data["pipeline"])
        chart = BarChart(pipeline if has_deals else [], priorities=(0, 0, 1), headers=("Deals", "Amount", "Conv."),
                         empty="No deals yet.")  # fmt: skip
        self.query_one("#pipeline-chart", Static).update(chart)
        forecast = [
            BarRow(f"{r.month} {r.currency}", float(r.weighted), "cyan",
                   (amount_text(r.weighted), amount_text(r.open_amount), amount_text(r.won_amount)))
            for r in data["forecast"]
        ]  # fmt: skip
        chart = BarChart(forecast, priorities=(0, 1, 2), headers=("Weighted", "Open", "Won"),
                         empty="No open deals with an expected close in the next six months.")  # fmt: skip
        self.query_one("#forecast-chart", Static).update(chart)
        report = data["sales"]
        sales = [
            BarRow(f"{r['month']} {r['currency']}", float(r["amount"]), "green",
                   (amount_text(r["amount"]), f"{r['deals']} deal{'s' if r['deals'] != 1 else ''}"))
            for r in report.rows
        ]  # fmt: skip
        footer = None
        if report.win_rate is not None:
            footer = Text(f"win rate {report.win_rate:.0%} (won {report.won_count}, lost {report.lost_count})",
                          style="dim")  # fmt: skip
        chart = BarChart(sales, priorities=(0, 1), headers=("Won", ""), footer=footer,
                         empty="No deals won in the last 12 months.")  # fmt: skip
        self.query_one("#sales-chart", Static).update(chart)
        weeks = [BarRow(f"{monday:%d %b}", n, "green", (str(n),), label_style="dim") for monday, n in data["weeks"]]
        self.query_one("#weeks-chart", Static).update(BarChart(weeks, empty="No interactions yet."))
        kinds = [BarRow(kind, n, "magenta", (str(n),)) for kind, n in data["kinds"].per_kind]
        self.query_one("#kinds-chart", Static).update(BarChart(kinds, empty="No interactions in the last 90 days."))
        self.query_one("#plan-chart", Static).update(plan_chart(data["plan"]))
