"""Ask one line of text (the reason a deal was lost)."""

from __future__ import annotations

from textual.app import ComposeResult

from minicrm.i18n import N_, _
from minicrm.tui.modals.form import FormModal


class ReasonModal(FormModal[str]):
    TITLE = N_("Why was it lost?")

    def __init__(self, title: str, *, required_message: str | None = None) -> None:
        """`title` is shown as plain text (it may name the deal); `required_message` defaults to a lost deal's."""
        super().__init__()
        self.heading = title
        self.required_message = required_message or _("a lost deal needs a reason")

    def fields(self) -> ComposeResult:
        yield self.row(_("Reason"), self.input("reason", placeholder=_("price, timing, competitor..."),
                                               required=self.required_message))  # fmt: skip

    def result(self) -> str:
        return self.value("reason").strip()
