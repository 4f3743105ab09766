"""One contact: card, timeline, open deals and tasks; l/n/e/d/t/a/A/y act on it, Esc goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from minicrm.tui import columns
from minicrm.tui.screens.actions import ContactActions
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.fit_table import FitTable
from minicrm.tui.widgets.render import FitLines, Part, contact_card_text, deal_lines, plain, safe

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

TIMELINE_LIMIT = 200


class ContactDetailScreen(ContactActions, CrmScreen):
    ADD_HELP = "Add a deal, task or request for this contact"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back"),
        Binding("l", "log", "Log", id="log"),
        Binding("n", "next", "Next", id="next"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("d", "deal", "Deal", id="deal"),
        Binding("t", "task", "Task", id="task"),
        Binding("y", "copy", "Copy", show=False, id="copy"),  # ? lists them
        Binding("A", "archive", "Archive", key_display="A", show=False, id="archive"),
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
        yield FitTable(columns.TIMELINE, id="timeline", cursor_type="row", zebra_stripes=True)
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
        self.card = card
        today = self.crm.today()
        self.query_one("#card", Static).update(contact_card_text(card, today=today))
        deals: list[list[Part]] = [[Part("Open deals", "bold underline")]]
        for d in card["deals"]:
            deals += deal_lines(d)
        if not card["deals"]:
            deals.append([Part("none (d adds one)", "dim")])
        self.query_one("#deals", Static).update(FitLines(*deals))
        tasks: list[list[Part]] = [[Part("Open tasks", "bold underline")]]
        if not card["tasks"]:
            tasks.append([Part("none (t adds one)", "dim")])
        for t in card["tasks"] or []:
            due = (t.get("due_on") or "") + (f" {t['due_time']}" if t.get("due_time") else "")
            tasks.append([Part(f"{due} " if due else ""), Part(t.get("title", ""), cut=True)])
        tasks += [[], [Part("Open requests", "bold underline")]]
        for r in card.get("requests", []):
            style = "red" if r["priority"] == "urgent" else ""
            tasks.append([Part(f"#{r['id']} [{r['priority']}] ", style), Part(r["subject"], style, cut=True)])
        if not card.get("requests"):
            tasks.append([Part("none (a adds one)", "dim")])
        self.query_one("#tasks", Static).update(FitLines(*tasks))
        rows: list[tuple[str | None, tuple[Any, ...]]] = [
            (str(i["id"]), (i["happened_at"].replace("T", " ")[:16], plain(i["kind"]), plain(i["direction"]),
                            plain(i["summary"]), plain(i["outcome"])))
            for i in card["interactions"]
        ]  # fmt: skip
        if not rows:
            rows.append((None, ("", "", "", Text("No interactions yet: press l to log the first one.", style="dim"),
                                "")))  # fmt: skip
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
                message="saved",
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
        question = f"Restore {name} from the archive?" if archived else f"Archive {name}? (restore later with A again)"

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda s: update_contact(
                        s, self.contact_id, now=app.now(), user_id=app.user_id(s), archived=not archived
                    ),
                    message=f"{name} {'restored' if archived else 'archived'}",
                )

        app.push_screen(ConfirmModal(question, yes="Restore" if archived else "Archive"), answer)

    def action_copy(self) -> None:
        if self.card is None:
            return
        values = [*self.card.get("emails", []), *self.card.get("phones", [])]
        if not values:
            self.notify("no e-mail or phone to copy", severity="warning")
            return
        value = values[self.copy_index % len(values)]
        self.copy_index += 1
        self.app.copy_to_clipboard(value)
        self.notify(safe(f"copied {value}" + (" (y again: next)" if len(values) > 1 else "")), markup=False)

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
