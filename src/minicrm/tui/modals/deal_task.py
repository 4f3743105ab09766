"""`d` new deal and `t` new task for a contact."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from minicrm.dates import parse_date
from minicrm.tui.modals.form import FormModal, problem
from minicrm.tui.widgets.render import plain
from minicrm.values.money import parse_money


class DealModal(FormModal[dict[str, Any]]):
    """Dismisses with keyword arguments for `deals.create_deal`."""

    TITLE = "New deal"

    def __init__(self, contact: str, stages: list[str], *, now: datetime) -> None:
        super().__init__()
        self.heading = f"New deal with {contact}"
        self.stages = stages
        self.now = now

    def fields(self) -> ComposeResult:
        yield self.label("Title")
        yield Input(id="title")
        yield self.label("Amount")
        yield Input(placeholder="1200.50", id="amount")
        yield self.label("Currency")
        yield Input(value="EUR", id="currency")
        yield self.label("Stage")
        yield Select([(plain(s), s) for s in self.stages], value=self.stages[0], allow_blank=False, id="stage")
        yield self.label("Expected close")
        yield Input(placeholder="2026-12-31, +1m", id="close")
        yield self.label("Next step")
        yield Input(id="next_step")
        yield self.label("Next step on")
        yield Input(placeholder="friday, +3d", id="next_on")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#title", Input).focus()

    def check(self) -> list[str]:
        problems = [] if self.value("title").strip() else ["a deal needs a title"]
        if self.value("amount").strip() and (err := problem(parse_money, self.value("amount"))[1]):
            problems.append(err)
        currency = self.value("currency").strip()
        if len(currency) != 3 or not currency.isalpha():
            problems.append(f"invalid currency '{currency}' (three letters, e.g. EUR)")
        for field in ("close", "next_on"):
            if self.value(field).strip() and (err := problem(parse_date, self.value(field), now=self.now)[1]):
                problems.append(err)
        return problems

    def result(self) -> dict[str, Any]:
        def day(field: str) -> Any:
            return parse_date(self.value(field), now=self.now) if self.value(field).strip() else None

        return {
            "title": self.value("title").strip(),
            "amount": parse_money(self.value("amount")) if self.value("amount").strip() else None,
            "currency": self.value("currency").strip().upper(),
            "stage": self.choice("stage"),
            "expected_close": day("close"),
            "next_step": self.value("next_step").strip() or None,
            "next_step_on": day("next_on"),
        }


class TaskModal(FormModal[dict[str, Any]]):
    """Dismisses with keyword arguments for `tasks.create_task`."""

    TITLE = "New task"

    def __init__(self, contact: str, *, now: datetime) -> None:
        super().__init__()
        self.heading = f"New task for {contact}"
        self.now = now

    def fields(self) -> ComposeResult:
        yield self.label("Title")
        yield Input(id="title")
        yield self.label("Due")
        yield Input(placeholder="tomorrow, +1w, 2026-12-05", id="due")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#title", Input).focus()

    def check(self) -> list[str]:
        problems = [] if self.value("title").strip() else ["a task needs a title"]
        if self.value("due").strip() and (err := problem(parse_date, self.value("due"), now=self.now)[1]):
            problems.append(err)
        return problems

    def result(self) -> dict[str, Any]:
        due = self.value("due").strip()
        return {"title": self.value("title").strip(), "due_on": parse_date(due, now=self.now) if due else None}
