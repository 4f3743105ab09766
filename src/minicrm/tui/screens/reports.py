"""Reports: pipeline, forecast and sales as bars, and activity per week and per kind."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.render import bar, safe, totals_text

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

WEEKS = 12
BAR_WIDTH = 30


def fetch_reports(session: Session, *, today: Any) -> dict[str, Any]:
    from minicrm.store.sales import reports
    from minicrm.store.views import dashboard

    data: dict[str, Any] = {"pipeline": reports.pipeline(session)}
    data["forecast"] = reports.forecast(session, start=today.replace(day=1), end=today + timedelta(days=183))
    data["sales"] = reports.sales(session, by="month", start=(today - timedelta(days=365)).replace(day=1), end=today)
    data["weeks"] = dashboard.weekly_activity(session, today=today, weeks=WEEKS)
    data["kinds"] = dashboard.activity(session, start=today - timedelta(days=89), end=today)
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
        self.query_one("#reports").focus()

    def reload(self) -> None:
        today = self.crm.today()
        self.db(lambda s: fetch_reports(s, today=today), self._show)

    def _show(self, data: dict[str, Any]) -> None:
        pipe = Text()
        top = max((r.count for r in data["pipeline"]), default=0)
        for r in data["pipeline"]:
            style = {"won": "green", "lost": "red"}.get(r.outcome, "cyan")
            pipe.append(safe(f"{r.stage:<12}"), style="bold")
            pipe.append(f"{bar(r.count, top, BAR_WIDTH):<{BAR_WIDTH}}", style=style)
            conversion = f"  → {r.conversion:.0%}" if r.conversion is not None else ""
            pipe.append(safe(f" {r.count:>5}  {totals_text(r.totals)}{conversion}\n"))
        if not top:
            pipe.append("No deals yet.", style="dim")
        self.query_one("#pipeline-chart", Static).update(pipe)
        forecast = Text()
        top = max((max(r.weighted, r.won_amount) for r in data["forecast"]), default=0)
        for r in data["forecast"]:
            forecast.append(safe(f"{r.month} {r.currency}  "), style="bold")
            forecast.append(f"{bar(float(r.weighted), float(top), BAR_WIDTH):<{BAR_WIDTH}}", style="cyan")
            forecast.append(f" weighted {r.weighted:>12}  open {r.open_amount:>12}  won {r.won_amount:>12}\n")
        if not data["forecast"]:
            forecast.append("No open deals with an expected close in the next six months.", style="dim")
        self.query_one("#forecast-chart", Static).update(forecast)
        sales = Text()
        rows = data["sales"].rows
        top = max((float(r["amount"]) for r in rows), default=0)
        for r in rows:
            sales.append(safe(f"{r['month']} {r['currency']}  "), style="bold")
            sales.append(f"{bar(float(r['amount']), top, BAR_WIDTH):<{BAR_WIDTH}}", style="green")
            sales.append(f" {r['amount']:>12}  ({r['deals']} deals)\n")
        report = data["sales"]
        if report.win_rate is not None:
            sales.append(
                f"win rate {report.win_rate:.0%} (won {report.won_count}, lost {report.lost_count})", style="dim"
            )
        elif not rows:
            sales.append("No deals won in the last 12 months.", style="dim")
        self.query_one("#sales-chart", Static).update(sales)
        weeks = Text()
        top = max((n for _, n in data["weeks"]), default=0)
        for monday, n in data["weeks"]:
            weeks.append(f"{monday:%d %b}  ", style="dim")
            weeks.append(f"{bar(n, top, BAR_WIDTH):<{BAR_WIDTH}}", style="green")
            weeks.append(f" {n}\n")
        self.query_one("#weeks-chart", Static).update(weeks)
        kinds = Text()
        per_kind = data["kinds"].per_kind
        top = max((n for _, n in per_kind), default=0)
        for kind, n in per_kind:
            kinds.append(safe(f"{kind:<12}"), style="bold")
            kinds.append(f"{bar(n, top, BAR_WIDTH):<{BAR_WIDTH}}", style="magenta")
            kinds.append(f" {n}\n")
        if not per_kind:
            kinds.append("No interactions in the last 90 days.", style="dim")
        self.query_one("#kinds-chart", Static).update(kinds)
