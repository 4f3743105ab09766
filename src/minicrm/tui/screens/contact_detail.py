"""One contact: card, timeline, open deals and tasks; l/n/e/d/t/a/A/y act on it, Esc goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from minicrm.i18n import N_, _
from minicrm.tui import columns
from minicrm.tui.screens.actions import ContactActions
from minicrm.tui.screens.base import CrmScreen, when
from minicrm.tui.widgets.fit_table import FitTable
from minicrm.tui.widgets.render import FitLines, Part, contact_card_text, day_text, deal_lines, plain, safe

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

TIMELINE_LIMIT = 200


class ContactDetailScreen(ContactActions, CrmScreen):
    ADD_HELP = N_("Add a deal, task or request for this contact")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("l", "log", N_("Log"), id="log"),
        Binding("n", "next", N_("Next"), id="next"),
        Binding("e", "edit", N_("Edit"), id="edit"),
        Binding("d", "deal", N_("Deal"), id="deal"),
        Binding("t", "task", N_("Task"), id="task"),
        Binding("y", "copy", N_("Copy"), show=False, id="copy"),  # ? lists them
        Binding("A", "archive", N_("Archive"), key_display="A", show=False, id="archive"),
        *CrmScreen.BINDINGS,
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.card: dict[str, Any] | None = None
        self.copy_index = 0

    def compose(self) -> ComposeResult:
        yield self.nav()
        with Horizontal(id="detail-top"):
            yield Static("", id="card", classes="card")
            with Vertical(id="side"):
                yield Static("", id="deals", classes="side-box")
                yield Static("", id="tasks", classes="side-box")
        yield FitTable(columns.translated(columns.TIMELINE), id="timeline", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#timeline", FitTable).focus()

    def reload(self) -> None:
        from minicrm.store.views.cards import contact_card

        today, contact_id = self.crm.today(), self.contact_id

        def fetch(s: Session) -> dict[str, Any]:
            card = contact_card(s, contact_id, today=today, limit=TIMELINE_LIMIT)
            card["tasks"] = _tasks(s, contact_id)
            return card

        self.db(fetch, self._show)

    def _show(self, card: dict[str, Any]) -> None:
        from minicrm.store.service.requests import priority_label  # in the user's language

        self.card = card
        today = self.crm.today()
        self.query_one("#card", Static).update(contact_card_text(card, today=today))
        deals: list[list[Part]] = [[Part(_("Open deals"), "bold underline")]]
        for d in card["deals"]:
            deals += deal_lines(d)
        if not card["deals"]:
            deals.append([Part(_("none (d adds one)"), "dim")])
        self.query_one("#deals", Static).update(FitLines(*deals))
        tasks: list[list[Part]] = [[Part(_("Open tasks"), "bold underline")]]
        if not card["tasks"]:
            tasks.append([Part(_("none (t adds one)"), "dim")])
        for t in card["tasks"] or []:
            due = day_text(t.get("due_on")).plain + (f" {t['due_time']}" if t.get("due_time") else "")
            tasks.append([Part(f"{due} " if due else ""), Part(t.get("title", ""), cut=True)])
        tasks += [[], [Part(_("Open requests"), "bold underline")]]
        for r in card.get("requests", []):
            style = "red" if r["priority"] == "urgent" else ""
            priority = priority_label(r["priority"])
            tasks.append([Part(f"#{r['id']} [{priority}] ", style), Part(r["subject"], style, cut=True)])
        if not card.get("requests"):
            tasks.append([Part(_("none (a adds one)"), "dim")])
        self.query_one("#tasks", Static).update(FitLines(*tasks))
        rows: list[tuple[str | None, tuple[Any, ...]]] = [
            (str(i["id"]), (when(i["happened_at"]), plain(i["kind"]), plain(i["direction"]),
                            plain(i["summary"]), plain(i["outcome"])))
            for i in card["interactions"]
        ]  # fmt: skip
        if not rows:
            empty = Text(_("No interactions yet: press l to log the first one."), style="dim")
            rows.append((None, ("", "", "", empty, "")))
        self.query_one("#timeline", FitTable).set_rows(rows)

    # -- actions ------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_log(self) -> None:
        self.log_for(self.contact_id)

    def action_next(self) -> None:
        self.next_for(self.contact_id)

    def action_edit(self) -> None:
        from minicrm.store.people.contacts import get_contact, update_contact
        from minicrm.tui.modals.contact_form import EditContactModal

        app = self.crm

        def save(changes: dict[str, Any] | None) -> None:
            if not changes or set(changes) == {"expected_revision"}:
                return
            self.write(
                lambda s: update_contact(s, self.contact_id, now=app.now(), user_id=app.user_id(s), **changes),
                message=_("saved"),
            )

        self.db(lambda s: get_contact(s, self.contact_id), lambda c: app.push_screen(EditContactModal(c), save),
                group="form")  # fmt: skip

    def action_archive(self) -> None:
        from minicrm.store.people.contacts import update_contact
        from minicrm.tui.modals.confirm import ConfirmModal

        if self.card is None:
            return
        archived = bool(self.card.get("archived"))
        name = self.card["name"]
        app = self.crm
        if archived:
            question = _("Restore {name} from the archive?").format(name=name)
        else:
            question = _("Archive {name}? (restore later with A again)").format(name=name)

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda s: update_contact(
                        s, self.contact_id, now=app.now(), user_id=app.user_id(s), archived=not archived
                    ),
                    message=(_("{name} restored") if archived else _("{name} archived")).format(name=name),
                )

        app.push_screen(ConfirmModal(question, yes=_("Restore") if archived else _("Archive")), answer)

    def action_copy(self) -> None:
        if self.card is None:
            return
        values = [*self.card.get("emails", []), *self.card.get("phones", [])]
        if not values:
            self.notify(_("no e-mail or phone to copy"), severity="warning")
            return
        value = values[self.copy_index % len(values)]
        self.copy_index += 1
        self.app.copy_to_clipboard(value)
        copied = _("copied {value} (y again: next)") if len(values) > 1 else _("copied {value}")
        self.notify(safe(copied.format(value=value)), markup=False)

    def _links(self) -> dict[str, Any]:
        """This contact (and its company) for what `a`, `d` and `t` add."""
        card = self.card or {}
        company = (card["company_id"], card.get("company") or "") if card.get("company_id") else None
        return {"contact": (self.contact_id, card.get("name", "")), "company": company}

    def action_add(self) -> None:
        self.add_menu(("deal", "task", "request"), **self._links())

    def action_deal(self) -> None:
        self.add_record("deal", **self._links())

    def action_task(self) -> None:
        self.add_record("task", **self._links())


def _tasks(session: Session, contact_id: int) -> list[dict[str, Any]]:
    """Open tasks of the contact."""
    from minicrm.store.sales import tasks

    return [t.to_json() for t in tasks.list_tasks(session, contact_id=contact_id, open_only=True)]
