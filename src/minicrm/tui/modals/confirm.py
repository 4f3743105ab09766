"""A yes/no question; `y`/Enter answers yes, `n`/Escape no."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from minicrm.i18n import N_, _
from minicrm.tui.screens.base import translate_bindings
from minicrm.tui.widgets.render import plain


class ConfirmModal(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    def __init__(self, question: str, yes: str | None = None) -> None:
        """`question` is shown as plain text (it names records): never markup; `yes` labels the yes button
        (already translated; default: Yes)."""
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.yes = _(yes) if yes else _("Yes")  # a caller's English (marked `N_`) in the user's language

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(plain(self.question), classes="question")
            with Horizontal(classes="buttons"):
                yield Button(_("{answer} (y)").format(answer=self.yes), variant="error", id="yes")
                yield Button(_("No (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
