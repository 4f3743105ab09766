"""One company: card, its people (Enter opens one), open deals and the history of all its people."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from minicrm.tui.screens.actions import ContactActions
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.render import company_card_text, day_text, money, plain, safe


class CompanyDetailScreen(ContactActions, CrmScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back"),
        Binding("enter", "open", "Open person", show=False),
        Binding("l", "log", "Log (person)", id="log"),
        Binding("a", "archive", "Archive", id="archive"),
        *CrmScreen.BINDINGS,
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.card: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield self.nav()
        with Horizontal(id="detail-top"):
            yield Static("", id="card", classes="card")
            yield Static("", id="deals", classes="side-box")
        people: DataTable = DataTable(id="people", cursor_type="row", zebra_stripes=True)
        people.add_columns("Person", "Role", "Status", "Last", "Next")
        yield people
        timeline: DataTable = DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        timeline.add_columns("When", "Kind", "Person", "Summary")
        yield timeline
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#people", DataTable).focus()

    def reload(self) -> None:
        from minicrm.store.views.cards import company_card

        self.db(lambda s: company_card(s, self.company_id, limit=100), self._show)

    def _show(self, card: dict[str, Any]) -> None:
        self.card = card
        today = self.crm.today()
        self.query_one("#card", Static).update(company_card_text(card))
        deals = Text("Open deals\n", style="bold underline")
        for d in card["deals"]:
            deals.append(safe(f"#{d['id']} {d['title']} · {d['stage']} · {money(d['amount'], d['currency'])}\n"))
        if not card["deals"]:
            deals.append("none\n", style="dim")
        self.query_one("#deals", Static).update(deals)
        people = self.query_one("#people", DataTable)
        people.clear()
        for p in card["people"]:
            people.add_row(plain(p["name"]), plain(p["role"]), plain(p["status"]), day_text(p["last_interaction_at"]),
                           day_text(p["next_contact_on"], today=today, overdue=True), key=str(p["id"]))  # fmt: skip
        timeline = self.query_one("#timeline", DataTable)
        timeline.clear()
        for i in card["interactions"]:
            timeline.add_row(i["happened_at"].replace("T", " ")[:16], plain(i["kind"]), plain(i["contact"]),
                             plain(i["summary"]))  # fmt: skip

    def _person(self) -> int | None:
        table = self.query_one("#people", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return int(key) if key is not None else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "people":
            self.action_open()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        if (person := self._person()) is not None:
            self.open_contact(person)

    def action_log(self) -> None:
        if (person := self._person()) is not None:
            self.log_for(person)
        else:
            self.notify("this company has no people yet", severity="warning")

    def action_archive(self) -> None:
        from minicrm.store.people.companies import update_company
        from minicrm.tui.modals.confirm import ConfirmModal

        if self.card is None:
            return
        archived, name, app = bool(self.card.get("archived")), self.card["name"], self.crm

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda s: update_company(
                        s, self.company_id, now=app.now(), user_id=app.user_id(s), archived=not archived
                    ),
                    message=f"{name} {'restored' if archived else 'archived'}",
                )

        question = f"Restore {name} from the archive?" if archived else f"Archive {name}? (its people stay)"
        app.push_screen(ConfirmModal(question, yes="Restore" if archived else "Archive"), answer)
