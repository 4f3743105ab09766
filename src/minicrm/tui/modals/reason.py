"""Ask one line of text (the reason a deal was lost)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from minicrm.tui.modals.form import FormModal


class ReasonModal(FormModal[str]):
    TITLE = "Why was it lost?"

    def __init__(self, title: str, *, required_message: str = "a lost deal needs a reason") -> None:
        super().__init__()
        self.heading = title
        self.required_message = required_message

    def fields(self) -> ComposeResult:
        yield self.label("Reason")
        yield Input(placeholder="price, timing, competitor...", id="reason")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#reason", Input).focus()

    def check(self) -> list[str]:
        return [] if self.value("reason").strip() else [self.required_message]

    def result(self) -> str:
        return self.value("reason").strip()
