"""Base of every form: one row per field, checked as it is typed, saved only when valid.

A row is a label, the field (a compact Input or Select) and, for a date, an amount or a REF, what the form
understood, live: `→ Fri 2026-12-04`, `→ 1 500.00 EUR`, `→ Grace Hopper · Tanaka Trading`. Inputs carry
Textual validators built on the command line's own parsers (`Parsed`), so an invalid field is marked and its
message, the CLI's, is listed under the form. REFs (a contact or company typed by name, e-mail or id) are
looked up in a worker as they are typed (`lookups`).

Subclasses compose their rows in `fields()`, may add rules to `check()`, and build `result()`. A form made
with a `saver` saves itself: `saver(session, result)` runs in a worker with the store's service functions,
the form closes with its return value, and a refusal (`MinicrmError`) stays in the form with what was typed.
Without one, the form closes with `result()` and its screen saves. Escape cancels and dismisses None:
nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from minicrm.errors import MinicrmError
from minicrm.i18n import N_, _
from minicrm.tui.screens.base import translate_bindings
from minicrm.tui.widgets.render import plain, safe

if TYPE_CHECKING:
    from minicrm.dates import When
    from minicrm.store.core.db import Session

R = TypeVar("R")
#: REF look-up: (session, typed text) -> what it names, shown after `→ `; raises MinicrmError when nothing
Lookup = Callable[["Session", str], str]
LOOKUP_DELAY = 0.15
#: Labels take 15 cells (minicrm.tcss); a longer one (a translation) widens the column, up to LABEL_MAX.
LABEL_WIDTH, LABEL_MAX = 15, 24


def problem(fn: Any, *args: Any, **kw: Any) -> tuple[Any, str | None]:
    """Call a parser; return (value, None) or (None, its error message)."""
    try:
        return fn(*args, **kw), None
    except MinicrmError as exc:
        return None, str(exc)


def day_label(day: date) -> str:
    """`Fri 2026-12-04` (`пт 2026-12-04`): the weekday makes a typed phrase (`friday`, `+1w`) easy to check."""
    from minicrm.i18n import weekday_name

    return f"{weekday_name(day, True)} {day.isoformat()}"


def when_label(when: When) -> str:
    """`Fri 2026-12-04` or `Fri 2026-12-04 15:00`."""
    return day_label(when.date) + (f" {when.time:%H:%M}" if when.time else "")


def contact_named(session: Session, text: str) -> str:
    """Who a contact REF names (`Grace Hopper · Tanaka Trading`), or the store's NotFound/Ambiguous."""
    from minicrm.store.people.contacts import get_contact
    from minicrm.store.people.refs import resolve_contact

    contact = get_contact(session, resolve_contact(session, text))
    return contact.name + (f" · {contact.company}" if contact.company else "")


def company_named(session: Session, text: str) -> str:
    from minicrm.store.people.companies import get_company
    from minicrm.store.people.refs import resolve_company

    return get_company(session, resolve_company(session, text)).name


class Parsed(Validator):
    """Valid when `parse(text)` accepts the text; the failure is the parser's own message (the CLI's)."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            self.parse(value.strip())
        except MinicrmError as exc:
            return self.failure(str(exc), value)
        return self.success()


class Required(Validator):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def validate(self, value: str) -> ValidationResult:
        return self.success() if value.strip() else self.failure(self.message, value)


class Looked(Validator):
    """A REF field: invalid once its look-up says the text names nothing (or several)."""

    def __init__(self, form: FormModal[Any], field: str) -> None:
        super().__init__()
        self.form, self.field = form, field

    def validate(self, value: str) -> ValidationResult:
        text, _found, error = self.form.looked.get(self.field, ("", None, None))
        if error and text == value.strip():
            return self.failure(error, value)
        return self.success()


class FormModal(ModalScreen[R]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="form-cancel"),
        Binding("ctrl+s", "save", N_("Save"), id="form-save"),
    ]
    #: marked `N_`, shown translated
    TITLE = N_("Form")
    #: This form's own heading (e.g. naming the contact), set in `__init__`; None: the class's TITLE.
    #: Shown as plain text: it holds names from the data.
    heading: str | None = None

    def __init__(self, *, saver: Callable[[Session, R], Any] | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.saver = saver
        #: field id -> shows a valid value of the field (the text after `→ `)
        self.previews: dict[str, Callable[[str], str]] = {}
        #: field id -> REF look-up; looked: field id -> (text looked up, what it names, error)
        self.lookups: dict[str, Lookup] = {}
        self.looked: dict[str, tuple[str, str | None, str | None]] = {}
        self.saving = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box form"):
            yield Static(plain(self.heading if self.heading is not None else _(self.TITLE), style="bold"),
                         classes="form-title")  # fmt: skip
            yield from self.fields()
            yield Static("", id="problems")
            with Horizontal(classes="buttons"):
                yield Button(_("Save (Ctrl+S)"), variant="primary", id="save", disabled=True, compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)

    def fields(self) -> ComposeResult:
        yield from ()

    # -- building rows ------------------------------------------------------------------------------
    @staticmethod
    def label(text: str) -> Label:
        return Label(text, classes="field-label")

    def row(
        self,
        label: str,
        widget: Widget,
        *,
        preview: Callable[[str], str] | None = None,
        lookup: Lookup | None = None,
    ) -> Horizontal:
        """One field: its label, the widget, and (for `preview` or `lookup`) what the form understood."""
        parts: list[Widget] = [self.label(label), widget]
        if widget.id and (preview or lookup):
            if preview:
                self.previews[widget.id] = preview
            if lookup:
                self.lookups[widget.id] = lookup
            parts.append(Static("", id=f"{widget.id}-preview", classes="understood"))
        return Horizontal(*parts, classes="field")

    @staticmethod
    def input(
        widget_id: str,
        *,
        value: str = "",
        placeholder: str = "",
        parse: Callable[[str], Any] | None = None,
        required: str | None = None,
    ) -> Input:
        """A one-line field; `parse` (a CLI parser) and `required` (its message when empty) validate it."""
        validators: list[Validator] = []
        if required:
            validators.append(Required(required))
        if parse:
            validators.append(Parsed(parse))
        return Input(value=value, placeholder=placeholder, id=widget_id, compact=True, validators=validators,
                     valid_empty=not required)  # fmt: skip

    def ref_input(self, widget_id: str, *, value: str = "", placeholder: str = "") -> Input:
        return Input(value=value, placeholder=placeholder, id=widget_id, compact=True,
                     validators=[Looked(self, widget_id)], valid_empty=True)  # fmt: skip

    # -- reading ------------------------------------------------------------------------------------
    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def choice(self, widget_id: str) -> Any:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.BLANK else value

    def found(self, widget_id: str) -> str | None:
        """What the REF in `widget_id` names, once looked up for the text now typed."""
        text, found, _error = self.looked.get(widget_id, ("", None, None))
        return found if text == self.value(widget_id).strip() else None

    # -- checking -----------------------------------------------------------------------------------
    def on_mount(self) -> None:
        labels = list(self.query(".field-label").results(Label))
        widest = max((cell_len(str(label.render())) + 1 for label in labels), default=0)
        if widest > LABEL_WIDTH:  # `Наступний контакт`: the column widens, the labels stay whole
            for label in labels:
                label.styles.width = min(widest, LABEL_MAX)
        for widget_id in self.lookups:
            if self.value(widget_id).strip():
                self.look_up(widget_id)
        self.validate_form()
        self.focus_first()

    def focus_first(self) -> None:
        """Focus starts on the first field (Tab then follows the rows, then Save and Cancel)."""
        for widget in self.query("Input, Select"):
            if widget.focusable:
                widget.focus()
                return

    def check(self) -> list[str]:
        """Every field's validators (the CLI's parsers and messages), in the order of the rows."""
        problems = []
        for field in self.query(Input):
            if field.validators and not (field.valid_empty and not field.value.strip()):
                result = ValidationResult.merge([v.validate(field.value) for v in field.validators])
                problems.extend(result.failure_descriptions)
        return problems

    def result(self) -> R:
        raise NotImplementedError

    def validate_form(self) -> list[str]:
        problems = self.check()
        # the parsers' messages quote what was typed: plain text
        self.query_one("#problems", Static).update(plain("\n".join(f"• {p}" for p in problems), style="red"))
        self.query_one("#save", Button).disabled = bool(problems) or self.saving
        self.show_understood()
        return problems

    def show_understood(self) -> None:
        """Next to each date, amount and REF: what the form will save (nothing while empty or invalid)."""
        for widget_id, show in self.previews.items():
            text = self.value(widget_id).strip()
            shown = problem(show, text)[0] if text else None
            self._understood(widget_id, shown)
        for widget_id in self.lookups:
            text, found, error = self.looked.get(widget_id, ("", None, None))
            if text == self.value(widget_id).strip() and text:
                self._understood(widget_id, found, error=error)
            else:
                self._understood(widget_id, None)

    def _understood(self, widget_id: str, shown: str | None, *, error: str | None = None) -> None:
        box = self.query_one(f"#{widget_id}-preview", Static)
        if shown:
            box.update(Text(f"→ {safe(shown)}", style="bold"))
        elif error:
            box.update(Text("✗", style="bold red"))
        else:
            box.update("")

    def look_up(self, widget_id: str) -> None:
        """Ask the store what the REF typed in `widget_id` names (debounced; the newest text wins)."""
        from minicrm.tui.screens.base import run_db

        text = self.value(widget_id).strip()
        if not text:
            self.looked.pop(widget_id, None)
            return
        lookup = self.lookups[widget_id]

        def done(found: str) -> None:
            self.looked[widget_id] = (text, found, None)
            self._refresh_field(widget_id)

        def failed(message: str) -> None:
            self.looked[widget_id] = (text, None, message)
            self._refresh_field(widget_id)

        run_db(self, lambda s: lookup(s, text), done, group=f"look-{widget_id}", delay=LOOKUP_DELAY, on_error=failed)

    def _refresh_field(self, widget_id: str) -> None:
        field = self.query_one(f"#{widget_id}", Input)
        if field.value.strip():
            field.validate(field.value)
        self.validate_form()

    # -- events -------------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self.lookups:
            self.look_up(event.input.id)
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
        if self.saving:
            return
        if problems := self.validate_form():
            message = _("fix the form first: {problem}").format(problem=problems[0])
            self.notify(safe(message), severity="warning", markup=False)
            return
        values = self.result()
        if self.saver is None:
            self.dismiss(values)
            return
        from minicrm.tui.screens.base import run_db

        saver = self.saver
        self.saving = True
        self.query_one("#save", Button).disabled = True

        def refused(message: str) -> None:
            self.saving = False
            self.validate_form()
            problems = self.query_one("#problems", Static)
            problems.update(plain(f"• {message}", style="red"))

        def saved(out: Any) -> None:
            self.dismiss(out)  # not awaited: a screen may not await its own dismissal

        run_db(self, lambda s: saver(s, values), saved, group="save", on_error=refused)

    def action_cancel(self) -> None:
        self.dismiss(None)
