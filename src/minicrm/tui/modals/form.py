"""Base of every form: validates on each change, shows the CLI's own messages, saves only when valid.

Subclasses compose their fields, implement `check()` (returns the list of problems, computed with the
same parsers the CLI uses) and `result()`. Escape cancels and dismisses None: nothing is written.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from minicrm.errors import MinicrmError
from minicrm.tui.widgets.render import plain, safe

R = TypeVar("R")


def problem(fn: Any, *args: Any, **kw: Any) -> tuple[Any, str | None]:
    """Call a parser; return (value, None) or (None, its error message)."""
    try:
        return fn(*args, **kw), None
    except MinicrmError as exc:
        return None, str(exc)


class FormModal(ModalScreen[R]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form-cancel"),
        Binding("ctrl+s", "save", "Save", id="form-save"),
    ]
    TITLE = "Form"
    #: This form's own heading (e.g. naming the contact), set in `__init__`; None: the class's TITLE.
    #: Shown as plain text: it holds names from the data.
    heading: str | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box form"):
            yield Static(plain(self.heading if self.heading is not None else self.TITLE, style="bold"),
                         classes="form-title")  # fmt: skip
            yield from self.fields()
            yield Static("", id="problems")
            with Horizontal(classes="buttons"):
                yield Button("Save (Ctrl+S)", variant="primary", id="save", disabled=True)
                yield Button("Cancel (Esc)", id="cancel")

    def fields(self) -> ComposeResult:
        yield from ()

    @staticmethod
    def label(text: str) -> Label:
        return Label(text, classes="field-label")

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def choice(self, widget_id: str) -> Any:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.BLANK else value

    def on_mount(self) -> None:
        self.validate_form()

    def check(self) -> list[str]:
        return []

    def result(self) -> R:
        raise NotImplementedError

    def validate_form(self) -> list[str]:
        problems = self.check()
        # the parsers' messages quote what was typed: plain text
        self.query_one("#problems", Static).update(plain("\n".join(f"• {p}" for p in problems), style="red"))
        self.query_one("#save", Button).disabled = bool(problems)
        return problems

    def on_input_changed(self, event: Input.Changed) -> None:
        self.validate_form()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.validate_form()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "cancel":
            self.action_cancel()

    def action_save(self) -> None:
        if self.validate_form():
            self.notify(safe("fix the form first: " + self.check()[0]), severity="warning", markup=False)
            return
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        self.dismiss(None)
