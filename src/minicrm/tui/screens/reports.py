"""Reports: the pipeline as bars (count and amount per stage) and activity per week and per kind."""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widgets import Static

from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.render import bar, totals_text

if TYPE_CHECKING:
    from minicrm.store.db import Session

WEEKS = 12
BAR_WIDTH = 30


def fetch_reports(session: Session, *, today: Any) -> dict[str, Any]:
    from minicrm.store import dashboard

    data: dict[str, Any] = {"pipeline": None}
    if importlib.util.find_spec("minicrm.store.reports") is not None:
        from minicrm.store import reports

        data["pipeline"] = reports.pipeline(session)
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
            with Container(id="report-weeks", classes="panel"):
                yield Static("", id="weeks-chart")
            with Container(id="report-kinds", classes="panel"):
                yield Static("", id="kinds-chart")
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#report-pipeline").border_title = "Pipeline (deals per stage, amount)"
        self.query_one("#report-weeks").border_title = f"Activity — interactions per week, last {WEEKS} weeks"
        self.query_one("#report-kinds").border_title = "Activity by kind — last 90 days"
        self.query_one("#reports").focus()

    def reload(self) -> None:
        today = self.crm.today()
        self.db(lambda s: fetch_reports(s, today=today), self._show)

    def _show(self, data: dict[str, Any]) -> None:
        pipe = Text()
        if data["pipeline"] is None:
            pipe.append("The pipeline report is not available in this version yet.", style="dim")
        else:
            top = max((r.count for r in data["pipeline"]), default=0)
            for r in data["pipeline"]:
                style = {"won": "green", "lost": "red"}.get(r.outcome, "cyan")
                pipe.append(f"{r.stage:<12}", style="bold")
                pipe.append(f"{bar(r.count, top, BAR_WIDTH):<{BAR_WIDTH}}", style=style)
                pipe.append(f" {r.count:>5}  {totals_text(r.totals)}\n")
            if not data["pipeline"]:
                pipe.append("No deals yet.", style="dim")
        self.query_one("#pipeline-chart", Static).update(pipe)
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
            kinds.append(f"{kind:<12}", style="bold")
            kinds.append(f"{bar(n, top, BAR_WIDTH):<{BAR_WIDTH}}", style="magenta")
            kinds.append(f" {n}\n")
        if not per_kind:
            kinds.append("No interactions in the last 90 days.", style="dim")
        self.query_one("#kinds-chart", Static).update(kinds)
