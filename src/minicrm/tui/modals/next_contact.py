"""`n`: set (or, with an empty date, clear) the next-contact date and its goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from textual.app import ComposeResult
from textual.widgets import Input

from minicrm.dates import When, parse_when
from minicrm.tui.modals.form import FormModal, problem
from minicrm.tui.widgets.render import safe


@dataclass
class NextRequest:
    when: When | None  # None clears
    goal: str | None


class NextContactModal(FormModal[NextRequest]):
    TITLE = "Next contact"

    def __init__(self, contact: str, *, now: datetime, current: date | None = None, goal: str | None = None) -> None:
        super().__init__()
        self.heading = f"Next contact with {contact}"
        self.now = now
        self.current = current
        self.goal = goal

    def fields(self) -> ComposeResult:
        yield self.label("When (empty clears it)")
        yield Input(
            value=self.current.isoformat() if self.current else "",
            placeholder="+2w, friday 10:00, 2026-12-05",
            id="when",
        )
        yield self.label("Goal")
        # an Input draws its value raw: the stored goal shows with its control characters made visible
        yield Input(value=safe(self.goal), placeholder="what the contact is for", id="goal")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#when", Input).focus()

    def check(self) -> list[str]:
        text = self.value("when").strip()
        if not text:
            return ["a goal needs a next contact date"] if self.value("goal").strip() else []
        return [err] if (err := problem(parse_when, text, now=self.now)[1]) else []

    def result(self) -> NextRequest:
        text = self.value("when").strip()
        when = parse_when(text, now=self.now) if text else None
        goal = self.value("goal").strip()
        if self.goal is not None and goal == safe(self.goal).strip():
            goal = self.goal.strip()  # left as shown: keep the stored text, not its visible stand-ins
        return NextRequest(when, goal or None)
