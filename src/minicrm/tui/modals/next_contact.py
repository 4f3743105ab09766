"""`n`: set (or, with an empty date, clear) the next-contact date and its goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from textual.app import ComposeResult
from textual.widgets import Input

from minicrm.dates import When, parse_when
from minicrm.tui.modals.form import FormModal, problem


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
        yield Input(value=self.goal or "", placeholder="what the contact is for", id="goal")

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
        return NextRequest(when, self.value("goal").strip() or None)
