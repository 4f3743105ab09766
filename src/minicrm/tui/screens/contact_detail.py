"""One contact: card, timeline, open deals and tasks; l/n/e/d/t/a/y act on it, Esc goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from minicrm.tui.screens.actions import ContactActions
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.render import contact_card_text, money, plain, safe

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

TIMELINE_LIMIT = 200


class ContactDetailScreen(ContactActions, CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back"),
        Binding("l", "log", "Log", id="log"),
        Binding("n", "next", "Next", id="next"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("d", "deal", "Deal", id="deal"),
        Binding("t", "task", "Task", id="task"),
        Binding("a", "archive", "Archive", id="archive"),
        Binding("y", "copy", "Copy", id="copy"),
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
        timeline: DataTable = DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        timeline.add_columns("When", "Kind", "Dir", "Summary", "Outcome")
        yield timeline
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#timeline", DataTable).focus()

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
        deals = Text("Open deals\n", style="bold underline")
        for d in card["deals"]:
            deals.append(safe(f"#{d['id']} {d['title']}\n"), style="bold")
            deals.append(safe(f"  {d['stage']} · {money(d['amount'], d['currency'])}\n"))
            if d.get("next_step"):
                deals.append(safe(f"  next: {d['next_step']} {d.get('next_step_on') or ''}\n"), style="dim")
        if not card["deals"]:
            deals.append("none (d adds one)\n", style="dim")
        self.query_one("#deals", Static).update(deals)
        tasks = Text("Open tasks\n", style="bold underline")
        if card["tasks"] is None:
            tasks.append("tasks are not available yet\n", style="dim")
        elif not card["tasks"]:
            tasks.append("none (t adds one)\n", style="dim")
        for t in card["tasks"] or []:
            due = t.get("due_on") or ""
            tasks.append(safe(f"{due} {t.get('title', '')}\n"))
        tasks.append("\nOpen requests\n", style="bold underline")
        for r in card.get("requests", []):
            tasks.append(
                safe(f"#{r['id']} [{r['priority']}] {r['subject']}\n"), style="red" if r["priority"] == "urgent" else ""
            )
        if not card.get("requests"):
            tasks.append("none\n", style="dim")
        self.query_one("#tasks", Static).update(tasks)
        table = self.query_one("#timeline", DataTable)
        table.clear()
        for i in card["interactions"]:
            table.add_row(
                i["happened_at"].replace("T", " ")[:16],
                plain(i["kind"]),
                plain(i["direction"]),
                plain(i["summary"]),
                plain(i["outcome"]),
                key=str(i["id"]),
            )
        if not card["interactions"]:
            table.add_row("", "", "", Text("No interactions yet: press l to log the first one.", style="dim"), "")

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
        question = f"Restore {name} from the archive?" if archived else f"Archive {name}? (restore later with a again)"

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

    def action_deal(self) -> None:
        from minicrm.store.sales import deals, stages
        from minicrm.tui.modals.deal_task import DealModal

        app, name = self.crm, (self.card or {}).get("name", "")
        company_id = (self.card or {}).get("company_id")

        def save(values: dict[str, Any] | None) -> None:
            if values:
                self.write(
                    lambda s: deals.create_deal(
                        s,
                        now=app.now(),
                        user_id=app.user_id(s),
                        contact_id=self.contact_id,
                        company_id=company_id,
                        **values,
                    ),
                    message=f"deal '{values['title']}' added",
                )

        self.db(
            lambda s: [st.name for st in stages.list_stages(s) if st.outcome == "open"],
            lambda stages: app.push_screen(DealModal(name, stages, now=app.now()), save),
            group="form",
        )

    def action_task(self) -> None:
        from minicrm.store.sales import tasks
        from minicrm.tui.modals.deal_task import TaskModal

        app = self.crm

        def save(values: dict[str, Any] | None) -> None:
            if values:
                self.write(
                    lambda s: tasks.create_task(
                        s, now=app.now(), user_id=app.user_id(s), contact_id=self.contact_id, **values
                    ),
                    message=f"task '{values['title']}' added",
                )

        app.push_screen(TaskModal((self.card or {}).get("name", ""), now=app.now()), save)


def _tasks(session: Session, contact_id: int) -> list[dict[str, Any]]:
    """Open tasks of the contact."""
    from minicrm.store.sales import tasks

    return [t.to_json() for t in tasks.list_tasks(session, contact_id=contact_id, open_only=True)]
