"""`a` where more than one kind of record can be added: pick one with its letter (or the arrows and Enter)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from minicrm.i18n import N_, _
from minicrm.tui.screens.base import translate_bindings
from minicrm.tui.widgets.render import plain

#: kind -> (its key in this menu, its name: marked `N_`, shown translated; the keys stay, whatever the language)
KINDS = {
    "contact": ("c", N_("Contact")),
    "company": ("o", N_("Company")),
    "deal": ("d", N_("Deal")),
    "task": ("t", N_("Task")),
    "request": ("r", N_("Request")),
}


class AddMenu(ModalScreen[str]):
    """Dismisses with the kind picked, or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, kinds: tuple[str, ...], heading: str | None = None) -> None:
        """`heading` is shown as plain text (it may name a record; default: Add)."""
        super().__init__()
        translate_bindings(self)
        self.kinds = kinds
        self.heading = heading or _("Add")

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box add-menu"):
            yield Static(plain(self.heading, style="bold"))
            options = []
            for kind in self.kinds:
                key, name = KINDS[kind]
                options.append(Option(Text.assemble((f" {key} ", "bold reverse"), f"  {_(name)}"), id=kind))
            yield OptionList(*options, id="add-kinds")

    def on_key(self, event: events.Key) -> None:
        for kind in self.kinds:
            if event.key == KINDS[kind][0]:
                event.stop()
                self.dismiss(kind)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
