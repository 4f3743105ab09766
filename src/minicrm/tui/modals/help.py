"""`?`: every key that works on the current screen, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from minicrm.i18n import N_, _, pgettext
from minicrm.tui.screens.base import translate_bindings

NAMES = {"question_mark": "?", "escape": "Esc", "enter": "Enter", "slash": "/", "left_square_bracket": "[",
         "right_square_bracket": "]", "less_than_sign": "<", "greater_than_sign": ">", "tab": "Tab",
         "shift+tab": "Shift+Tab", "f2": "F2", "ctrl+p": "Ctrl+P", "shift+left": "Shift+←",
         "shift+right": "Shift+→"}  # fmt: skip
#: Textual's own keys that need no line here (copying a selection; ctrl+q quits like q)
UNLISTED = {"ctrl+c", "super+c", "ctrl+q"}


def key_label(key: str) -> str:
    def one(k: str) -> str:
        if len(k) == 1 and k.isupper():
            return f"Shift+{k}"
        return NAMES.get(k, k)

    return ", ".join(one(k) for k in key.split(","))


class HelpModal(ModalScreen[None]):
    """Lists the bindings active on `screen` (its own, its focused widget's, and the app's)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss(None)", N_("Close"), key_display="Esc"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        translate_bindings(self, {"Close": pgettext("button", "Close")})  # close the window (`Close` alone: a date)
        rows: list[tuple[int, str, str]] = []
        seen: set[str] = set()
        # the screen's keys, then the app's, then moving between panels; widget keys (cursor moves, text
        # editing) are the usual ones
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if active.node not in (screen, screen.app) or not binding.description or key in UNLISTED:
                continue
            label = key_label(key)
            if label in seen:
                continue
            seen.add(label)
            order = 2 if key in ("tab", "shift+tab") else (0 if active.node is screen else 1)
            what = getattr(screen, "ADD_HELP", binding.description) if binding.action == "add" else binding.description
            # descriptions are translated per screen (`translate_bindings`); `_` again is for what was not (ADD_HELP)
            rows.append((order, label, _(what)))
        self.rows = [(label, what) for _order, label, what in sorted(rows, key=lambda r: r[0])]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal-box"):
            title = Text.assemble((_("Keys"), "bold"), "  ", _("(Esc closes; Ctrl+P opens the command palette)"))
            yield Static(title, id="help-title")
            table: DataTable = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(_("Key"), _("Does"))
            for key, what in self.rows:
                table.add_row(key, what)
            yield table
