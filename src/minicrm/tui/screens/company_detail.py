"""One company: card, its people (Enter opens one), open deals and the history of all its people; `a` adds a
person, deal, task or request for it, `A` archives it."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from minicrm.i18n import N_, _
from minicrm.tui import columns
from minicrm.tui.screens.actions import ContactActions
from minicrm.tui.screens.base import CrmScreen, when
from minicrm.tui.widgets.fit_table import FitTable
from minicrm.tui.widgets.render import FitLines, Part, company_card_text, day_text, deal_lines, plain


class CompanyDetailScreen(ContactActions, CrmScreen):
    ADD_HELP = N_("Add a person, deal, task or request for this company")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="back"),
        Binding("enter", "open", N_("Open person"), show=False),
        Binding("l", "log", N_("Log (person)"), id="log"),
        Binding("A", "archive", N_("Archive"), key_display="A", id="archive"),
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
        yield FitTable(columns.translated(columns.PEOPLE), id="people", cursor_type="row", zebra_stripes=True)
        yield FitTable(
            columns.translated(columns.COMPANY_TIMELINE), id="timeline", cursor_type="row", zebra_stripes=True
        )
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
        deals: list[list[Part]] = [[Part(_("Open deals"), "bold underline")]]
        for d in card["deals"]:
            deals += deal_lines(d)
        if not card["deals"]:
            deals.append([Part(_("none (a adds one)"), "dim")])
        self.query_one("#deals", Static).update(FitLines(*deals))
        self.query_one("#people", FitTable).set_rows(
            (str(p["id"]), (plain(p["name"]), plain(p["role"]), plain(p["status"]), day_text(p["last_interaction_at"]),
                            day_text(p["next_contact_on"], today=today, overdue=True)))
            for p in card["people"]
        )  # fmt: skip
        self.query_one("#timeline", FitTable).set_rows(
            (str(i["id"]), (when(i["happened_at"]), plain(i["kind"]),
                            plain(i["contact"] or _("(the company)")), plain(i["summary"])))
            for i in card["interactions"]
        )  # fmt: skip

    def _person(self) -> int | None:
        key = self.query_one("#people", FitTable).key_at()
        return int(key) if key is not None else None

    def action_add(self) -> None:
        name = (self.card or {}).get("name", "")
        self.add_menu(("contact", "deal", "task", "request"), company=(self.company_id, name))

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
            self.notify(_("this company has no people yet"), severity="warning")

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
                    message=(_("{name} restored") if archived else _("{name} archived")).format(name=name),
                )

        if archived:
            question = _("Restore {name} from the archive?").format(name=name)
        else:
            question = _("Archive {name}? (its people stay)").format(name=name)
        app.push_screen(ConfirmModal(question, yes=_("Restore") if archived else _("Archive")), answer)
