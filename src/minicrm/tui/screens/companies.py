"""Companies: a table with a live filter (full-text words plus tag:/industry:/city:) and a preview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from minicrm.errors import MinicrmError
from minicrm.i18n import N_, _, ngettext
from minicrm.tui import columns
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.screens.dashboard import count
from minicrm.tui.widgets.fit_table import FitTable
from minicrm.tui.widgets.render import company_preview, day_text, plain

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

#: list_companies has no OFFSET: show the first LIMIT rows and let the filter narrow them.
LIMIT = 500
FILTER_DELAY = 0.15


def parse_company_filter(text: str) -> dict[str, Any]:
    from minicrm.store.people.fields import normalize_tag

    kw: dict[str, Any] = {}
    words = []
    for token in text.split():
        key, sep, value = token.partition(":")
        if sep and value and key.lower() in ("tag", "industry", "city"):
            kw[key.lower()] = normalize_tag(value) if key.lower() == "tag" else value
        else:
            words.append(token)
    if words:
        kw["search_text"] = " ".join(words)
    return kw


class CompaniesScreen(CrmScreen):
    NAV = "companies"
    ADD_HELP = N_("Add a company")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", N_("Filter"), key_display="/", id="filter"),
        Binding("escape", "leave_filter", N_("Table"), show=False),
        Binding("enter", "open", N_("Open"), show=False),
        *CrmScreen.BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        yield self.nav()
        yield Input(placeholder=_("Filter: words (name, industry, city, notes) tag:vip industry:retail city:Lyon"),
                    id="filter")  # fmt: skip
        with Horizontal(id="companies-body"):
            with Vertical(id="companies-left"):
                yield FitTable(
                    columns.translated(columns.COMPANIES), id="companies", cursor_type="row", zebra_stripes=True
                )
                yield Static("", id="companies-status", classes="status-line")
            yield Static("", id="preview", classes="preview")
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#companies", DataTable).focus()

    def reload(self, delay: float = 0.0) -> None:
        from minicrm.store.people.companies import list_companies

        text = self.query_one("#filter", Input).value

        def fetch(s: Session) -> tuple[list[Any], str | None]:
            try:
                kw = parse_company_filter(text)
            except MinicrmError as exc:
                return [], str(exc)
            return list_companies(s, **kw, limit=LIMIT), None

        self.db(fetch, self._show, group="page", delay=delay)

    def _show(self, result: tuple[list[Any], str | None]) -> None:
        rows, error = result
        status = self.query_one("#companies-status", Static)
        if error:
            status.update(plain(error, style="red"))
            return
        self.query_one("#companies", FitTable).set_rows(
            (str(c.id), (plain(c.name), plain(c.industry), plain(c.city), str(c.contacts),
                         day_text(c.last_interaction_at)))
            for c in rows
        )  # fmt: skip
        if len(rows) == LIMIT:
            shown = _("{n} companies (the first {n}: type to narrow)").format(n=count(LIMIT))
        else:
            shown = ngettext("{n} company", "{n} companies", len(rows)).format(n=count(len(rows)))
        status.update(shown)
        if rows:
            self._preview(rows[0].id)
        else:
            text = self.query_one("#filter", Input).value.strip()
            empty = (
                _("No company matches '{text}'.").format(text=text)
                if text
                else _("No companies yet: press a to add one.")
            )
            self.query_one("#preview", Static).update(plain(empty))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload(delay=FILTER_DELAY)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#companies", DataTable).focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._preview(int(event.row_key.value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_company(int(event.row_key.value))

    def _preview(self, company_id: int) -> None:
        from minicrm.store.views.cards import company_card

        self.db(
            lambda s: company_card(s, company_id, limit=5),
            lambda card: self.query_one("#preview", Static).update(company_preview(card)),
            group="preview",
            delay=0.05,
        )

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_leave_filter(self) -> None:
        self.query_one("#companies", DataTable).focus()

    def action_open(self) -> None:
        if (key := self.query_one("#companies", FitTable).key_at()) is not None:
            self.open_company(int(key))

    def action_add(self) -> None:
        self.add_record("company")
