"""`?`: every key that works on the current screen, with what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

NAMES = {"question_mark": "?", "escape": "Esc", "enter": "Enter", "slash": "/", "left_square_bracket": "[",
         "right_square_bracket": "]", "less_than_sign": "<", "greater_than_sign": ">"}  # fmt: skip


def key_label(key: str) -> str:
    return ", ".join(NAMES.get(k, k) for k in key.split(","))


class HelpModal(ModalScreen[None]):
    """Lists the bindings active on `screen` (its own, its focused widget's, and the app's)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close", key_display="Esc"),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        # the screen's and the app's own keys; widget keys (cursor moves, text editing) are the usual ones
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if active.node not in (screen, screen.app) or not binding.description:
                continue
            label = key_label(key) if key != binding.key else (binding.key_display or key_label(key))
            if label in seen:
                continue
            seen.add(label)
            self.rows.append((label, binding.description))

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal-box"):
            yield Static("[b]Keys[/b]  (Esc closes; Ctrl+P opens the command palette)", id="help-title")
            table: DataTable = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Does")
            for key, what in self.rows:
                table.add_row(key, what)
            yield table
