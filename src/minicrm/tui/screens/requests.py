"""Service requests: open ones by urgency (`v` shows every status), `a` adds one, `c` closes one, Enter opens
the client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from minicrm import display
from minicrm.i18n import N_, _, ngettext, pgettext
from minicrm.tui import columns
from minicrm.tui.screens.base import CrmScreen
from minicrm.tui.widgets.fit_table import FitTable
from minicrm.tui.widgets.render import plain

if TYPE_CHECKING:
    from minicrm.store.core.db import Session

PRIORITY_STYLE = {"urgent": "bold red", "high": "red", "normal": "", "low": "dim"}


class RequestsScreen(CrmScreen):
    NAV = "requests"
    ADD_HELP = N_("Add a request")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_all", N_("All/open"), id="requests-all"),
        Binding("c", "close_request", N_("Close"), id="request-close"),
        Binding("enter", "open", N_("Open client"), show=False),
        *CrmScreen.BINDINGS,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: dict[str, Any] = {}

    def key_words(self) -> dict[str, str]:
        return {"Close": pgettext("key", "Close")}  # closes a request (`Close` alone is a deal's close date)

    def compose(self) -> ComposeResult:
        yield self.nav()
        with Vertical(id="requests-body"):
            yield FitTable(columns.translated(columns.REQUESTS), id="requests", cursor_type="row", zebra_stripes=True)
            yield Static("", id="requests-status", classes="status-line")
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#requests", DataTable).focus()

    def reload(self) -> None:
        from minicrm.store.service.requests import list_requests

        show_all = self.show_all

        def fetch(s: Session) -> list[Any]:
            return list_requests(s, statuses=None if show_all else ("new", "open", "waiting"), limit=500)

        self.db(fetch, self._show)

    def _show(self, requests: list[Any]) -> None:
        from minicrm.store.service.requests import priority_label, status_label  # in the user's language

        self.rows = {}
        cells = []
        for r in requests:
            self.rows[str(r.id)] = r
            client = r.contact or r.company or ""
            if r.contact and r.company:
                client = f"{r.contact} ({r.company})"
            cells.append((str(r.id), (
                str(r.id), plain(priority_label(r.priority), style=PRIORITY_STYLE.get(r.priority, "")),
                plain(status_label(r.status)),
                plain(r.subject), plain(client), display.day(r.due_on) if r.due_on else "",
                _("{n} min").format(n=r.minutes) if r.minutes else "", plain(r.assignee),
            )))  # fmt: skip
        self.query_one("#requests", FitTable).set_rows(cells)
        n = len(requests)
        if not requests:
            status = (
                _("0 requests — none yet: a adds one") if self.show_all else _("0 open requests — none yet: a adds one")
            )
        elif self.show_all:
            status = ngettext("{n} request", "{n} requests", n).format(n=n)
        else:
            status = ngettext("{n} open request", "{n} open requests", n).format(n=n)
        self.query_one("#requests-status", Static).update(_("{status} (v: all/open, c: close)").format(status=status))

    def _selected(self) -> Any | None:
        return self.rows.get(self.query_one("#requests", FitTable).key_at() or "")

    def action_add(self) -> None:
        self.add_record("request")

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_close_request(self) -> None:
        from minicrm.store.service.requests import close_request
        from minicrm.tui.modals.confirm import ConfirmModal

        request, app = self._selected(), self.crm
        if request is None or request.status == "closed":
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda s: close_request(s, request.id, now=app.now()),
                    message=_("request #{id} closed").format(id=request.id),
                )

        question = _("Close request #{id} '{subject}'?").format(id=request.id, subject=request.subject)
        app.push_screen(ConfirmModal(question, yes=pgettext("button", "Close")), answer)

    def action_open(self) -> None:
        request = self._selected()
        if request is None:
            return
        if request.contact_id:
            self.open_contact(request.contact_id)
        elif request.company_id:
            self.open_company(request.company_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
