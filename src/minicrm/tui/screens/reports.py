"""Reports: pipeline, forecast and sales as bars, activity per week and per kind, and the plans running today."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from minicrm.i18n import _, ngettext, pgettext
from minicrm.tui.screens.base import CrmScreen, day_month
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
        titles = {
            "report-pipeline": _("Pipeline (deals per stage, amount)"),
            "report-forecast": _("Forecast — open deals by expected close (weighted), won"),
            "report-sales": _("Sales — won revenue per month, last 12 months"),
            "report-weeks": ngettext("Activity — interactions per week, last {n} week",
                                     "Activity — interactions per week, last {n} weeks", WEEKS).format(n=WEEKS),
            "report-kinds": _("Activity by kind — last 90 days"),
            # `%` as a field: a bare `% d` reads as a printf placeholder to the catalog tools
            "report-plan": _("Plans running today — {pct} done, run rate to the period's end").format(pct="%"),
        }  # fmt: skip
        for panel, title in titles.items():
            self.query_one(f"#{panel}").border_title = title
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
        headers = (_("Deals"), _("Amount"), _("Conv."))
        chart = BarChart(pipeline if has_deals else [], priorities=(0, 0, 1), headers=headers,
                         empty=_("No deals yet."))  # fmt: skip
        self.query_one("#pipeline-chart", Static).update(chart)
        forecast = [
            BarRow(f"{r.month} {r.currency}", float(r.weighted), "cyan",
                   (amount_text(r.weighted), amount_text(r.open_amount), amount_text(r.won_amount)))
            for r in data["forecast"]
        ]  # fmt: skip
        headers = (_("Weighted"), pgettext("amounts", "Open"), _("Won"))
        chart = BarChart(forecast, priorities=(0, 1, 2), headers=headers,
                         empty=_("No open deals with an expected close in the next six months."))  # fmt: skip
        self.query_one("#forecast-chart", Static).update(chart)
        report = data["sales"]
        sales = [
            BarRow(f"{r['month']} {r['currency']}", float(r["amount"]), "green",
                   (amount_text(r["amount"]), ngettext("{n} deal", "{n} deals", r["deals"]).format(n=r["deals"])))
            for r in report.rows
        ]  # fmt: skip
        footer = None
        if report.win_rate is not None:
            footer = Text(_("win rate {rate:.0%} (won {won}, lost {lost})").format(
                rate=report.win_rate, won=report.won_count, lost=report.lost_count), style="dim")  # fmt: skip
        chart = BarChart(sales, priorities=(0, 1), headers=(_("Won"), ""), footer=footer,
                         empty=_("No deals won in the last 12 months."))  # fmt: skip
        self.query_one("#sales-chart", Static).update(chart)
        weeks = [BarRow(day_month(monday), n, "green", (str(n),), label_style="dim") for monday, n in data["weeks"]]
        self.query_one("#weeks-chart", Static).update(BarChart(weeks, empty=_("No interactions yet.")))
        kinds = [BarRow(kind, n, "magenta", (str(n),)) for kind, n in data["kinds"].per_kind]
        self.query_one("#kinds-chart", Static).update(BarChart(kinds, empty=_("No interactions in the last 90 days.")))
        self.query_one("#plan-chart", Static).update(plan_chart(data["plan"]))
