"""Ask one line of text (the reason a deal was lost)."""

from __future__ import annotations

from textual.app import ComposeResult

from minicrm.tui.modals.form import FormModal


class ReasonModal(FormModal[str]):
    TITLE = "Why was it lost?"

    def __init__(self, title: str, *, required_message: str = "a lost deal needs a reason") -> None:
        super().__init__()
        self.heading = title
        self.required_message = required_message

    def fields(self) -> ComposeResult:
        yield self.row("Reason", self.input("reason", placeholder="price, timing, competitor...",
                                            required=self.required_message))  # fmt: skip

    def result(self) -> str:
        return self.value("reason").strip()
